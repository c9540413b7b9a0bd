import CSQLite
public import DesksideInventory
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Installed RPM packages, from RPM's SQLite database (RPM 4.16 and later): one row per package in
/// table `Packages(hnum, blob)`, each blob an RPM header. Fedora 36+ keeps it under /usr/lib/sysimage/rpm
/// with /var/lib/rpm a link to it; both places are looked at. The database is opened read-only.
public struct RPMProbe: Sendable {
    public static let databasePaths = ["/usr/lib/sysimage/rpm/rpmdb.sqlite", "/var/lib/rpm/rpmdb.sqlite"]
    /// Berkeley DB and NDB databases of older RPMs: found, but not read.
    public static let legacyDatabasePaths = ["/var/lib/rpm/Packages", "/var/lib/rpm/Packages.db"]

    public let root: SystemRoot

    public init(root: SystemRoot) { self.root = root }

    /// The installed packages; `nil` when the machine has no RPM database.
    public func packages(notes: inout NoteLog) -> [Package]? {
        guard let path = Self.databasePaths.first(where: { root.exists($0) }) else {
            if let legacy = Self.legacyDatabasePaths.first(where: { root.exists($0) }) {
                notes.add(.software, probe: "rpm", kind: .unavailable, source: legacy,
                          message: "\(legacy) is a Berkeley DB or NDB RPM database, which the agent does not read; run `rpmdb --rebuilddb` with the sqlite backend")
            }
            return nil
        }
        do throws(DatabaseError) {
            return try Self.readDatabase(atHostPath: root.hostPath(path))
        } catch {
            notes.add(.software, probe: "rpm", kind: .unreadable, source: path, message: "\(path): \(error.reason)")
            return nil
        }
    }

    /// Why the database could not be read.
    public struct DatabaseError: Error {
        public var reason: String
    }

    /// Reads every package header in the database at `hostPath`. Headers that cannot be parsed are skipped.
    public static func readDatabase(atHostPath hostPath: String) throws(DatabaseError) -> [Package] {
        var database: OpaquePointer?
        // Read-only, and immutable as a fallback: a WAL database whose -shm cannot be created (a read-only
        // medium, a fixture) refuses plain read-only opens. The path is percent-encoded for the URI.
        let uri = "file:" + percentEncoded(hostPath)
        var status = sqlite3_open_v2(uri + "?mode=ro", &database, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil)
        if status == SQLITE_OK, !canQuery(database) {
            sqlite3_close(database)
            database = nil
            status = sqlite3_open_v2(uri + "?immutable=1", &database, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil)
        }
        guard status == SQLITE_OK, let database else {
            sqlite3_close(database)
            throw DatabaseError(reason: "cannot open the database (sqlite status \(status))")
        }
        defer { sqlite3_close(database) }
        // The file is data, not code: no triggers or views from its schema run, and a query that does not
        // finish in time (a hostile database) is interrupted.
        sqlite3_exec(database, "PRAGMA trusted_schema=OFF", nil, nil, nil)
        guard isPlainTable(database, "Packages") else { throw DatabaseError(reason: "Packages is not a table") }
        let deadline = ChildProcess.monotonicSeconds() + 30
        let deadlineBox = UnsafeMutablePointer<Double>.allocate(capacity: 1)
        deadlineBox.initialize(to: deadline)
        defer { deadlineBox.deallocate() }
        sqlite3_progress_handler(database, 10000, { context in
            guard let context else { return 0 }
            return ChildProcess.monotonicSeconds() > context.assumingMemoryBound(to: Double.self).pointee ? 1 : 0
        }, deadlineBox)
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, "SELECT blob FROM Packages", -1, &statement, nil) == SQLITE_OK, let statement else {
            throw DatabaseError(reason: String(cString: sqlite3_errmsg(database)))
        }
        defer { sqlite3_finalize(statement) }
        var packages: [Package] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw DatabaseError(reason: String(cString: sqlite3_errmsg(database))) }
            let length = Int(sqlite3_column_bytes(statement, 0))
            guard length > 0, let raw = sqlite3_column_blob(statement, 0) else { continue }
            let blob = Array(UnsafeRawBufferPointer(start: raw, count: length))
            guard let header = try? RPMHeader(blob: blob), let package = package(from: header) else { continue }
            packages.append(package)
        }
        packages.sort { ($0.name, $0.version, $0.architecture) < ($1.name, $1.version, $1.architecture) }
        return packages
    }

    private static func isPlainTable(_ database: OpaquePointer, _ name: String) -> Bool {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, "SELECT type FROM sqlite_master WHERE name = ?1", -1, &statement, nil) == SQLITE_OK else { return false }
        defer { sqlite3_finalize(statement) }
        sqlite3_bind_text(statement, 1, name, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        guard sqlite3_step(statement) == SQLITE_ROW, let type = sqlite3_column_text(statement, 0) else { return false }
        return String(cString: type) == "table"
    }

    /// Percent-encodes what SQLite's URI parser treats specially (RFC 3986 reserved characters).
    private static func percentEncoded(_ path: String) -> String {
        var result = ""
        for byte in path.utf8 {
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || [0x2F, 0x2D, 0x2E, 0x5F, 0x7E].contains(byte) {
                result.append(Character(Unicode.Scalar(byte)))
            } else {
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }

    private static func canQuery(_ database: OpaquePointer?) -> Bool {
        sqlite3_exec(database, "SELECT count(*) FROM sqlite_master", nil, nil, nil) == SQLITE_OK
    }

    /// Maps a header to a package: version is `[epoch:]version-release`, as `rpm -q` prints with %{EVR}.
    public static func package(from header: RPMHeader) -> Package? {
        guard let name = header.string(.name), let version = header.string(.version) else { return nil }
        var evr = version
        if let release = header.string(.release) { evr += "-" + release }
        if let epoch = header.integer(.epoch) { evr = "\(epoch):" + evr }
        return Package(
            name: name,
            version: evr,
            architecture: header.string(.arch) ?? "(none)",
            source: header.string(.sourceRPM).flatMap(sourceName(fromSourceRPM:)) ?? name,
            manager: "rpm",
            installedAt: header.integer(.installTime).flatMap { Checked.seconds(Double($0)) }.map { Date(timeIntervalSince1970: $0) },
            sizeBytes: (header.integer(.longSize) ?? header.integer(.size)).map { UInt64(max(0, $0)) },
            section: header.string(.group),
            vendor: header.string(.vendor),
            summary: header.string(.summary)
        )
    }

    /// `bash-5.2.26-1.fc39.src.rpm` gives `bash`: the name is what precedes the last two dashes.
    static func sourceName(fromSourceRPM file: String) -> String? {
        var parts = file.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        parts.removeLast(2)
        return parts.joined(separator: "-")
    }
}
