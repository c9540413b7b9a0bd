#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideFiles
import DesksideStoreSQLite

/// `deskside-collector backup` and `restore`: the whole data directory in one file (the database as
/// a consistent snapshot taken while the collector runs, and the CA, keys and secrets with their
/// modes), readable by its owner only; restored into an empty directory, it is the same collector:
/// agents reconnect with the certificates they have.
extension CollectorHome {
    /// Files of the data directory that are not the database itself or its earlier copies.
    static func dataFiles(in directory: String) throws -> [CollectorStore.BackupFile] {
        let manager = FileManager.default
        guard let paths = manager.subpaths(atPath: directory) else { throw HomeError(description: "cannot read \(directory)") }
        return try paths.sorted().compactMap { relative in
            guard !relative.hasPrefix("deskside.sqlite"), relative != "backups", !relative.hasPrefix("backups/") else { return nil }
            let attributes = try manager.attributesOfItem(atPath: directory + "/" + relative)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { return nil }
            guard let bytes = DurableFile.read(directory + "/" + relative, limit: 1 << 20) else {
                throw HomeError(description: "cannot read \(directory)/\(relative)")
            }
            return CollectorStore.BackupFile(path: relative, mode: (attributes[.posixPermissions] as? Int) ?? 0o600, bytes: bytes)
        }
    }

    /// Backs up the data directory `directory` into `file` (which must not exist).
    public static func backup(directory: String, to file: String) throws {
        guard FileManager.default.fileExists(atPath: directory + "/deskside.sqlite") else {
            throw HomeError(description: "\(directory) holds no collector database")
        }
        try CollectorStore.backup(database: directory + "/deskside.sqlite", to: file, files: try dataFiles(in: directory))
    }

    /// Restores `file` into `directory`, which must be empty or not exist yet.
    public static func restore(from file: String, to directory: String) throws -> Int {
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: directory), !existing.isEmpty {
            throw HomeError(description: "\(directory) is not empty: restore into a new or empty directory")
        }
        do {
            try DurableFile.makeDirectory(directory, mode: 0o700)
        } catch {
            throw HomeError(description: "cannot create \(directory): \(error)")
        }
        let files = try CollectorStore.restore(from: file, to: directory + "/deskside.sqlite")
        // Only relative paths below the directory: a backup crafted with `..` or `/` writes no file at all.
        for entry in files {
            let parts = entry.path.split(separator: "/", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
                unlink(directory + "/deskside.sqlite")
                throw HomeError(description: "the backup holds a file outside the data directory (\(entry.path)); nothing is restored")
            }
        }
        for entry in files {
            let parts = entry.path.split(separator: "/")
            var parent = directory
            for part in parts.dropLast() {
                parent += "/" + part
                do { try DurableFile.makeDirectory(parent, mode: 0o700) } catch { throw HomeError(description: "cannot create \(parent): \(error)") }
            }
            do {
                try DurableFile.write(entry.bytes, to: directory + "/" + entry.path, mode: mode_t(entry.mode & 0o777))
            } catch {
                throw HomeError(description: "cannot write \(directory)/\(entry.path): \(error)")
            }
        }
        return files.count
    }
}
