#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB

/// Backups: the database copied as one consistent snapshot while the collector runs (SQLite's online
/// backup API), into a single SQLite file that also holds the data directory's other files (the CA,
/// keys, secrets) in a table of its own; and the copy made before migrations change the schema.
extension CollectorStore {
    /// A file of the data directory, kept in a backup.
    public struct BackupFile: Sendable, Equatable {
        public var path: String
        public var mode: Int
        public var bytes: [UInt8]

        public init(path: String, mode: Int, bytes: [UInt8]) {
            self.path = path
            self.mode = mode
            self.bytes = bytes
        }
    }

    public struct BackupError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Copies the database at `database` into a new file at `path` (made readable by its owner only,
    /// and refused if it exists), with `files`. The database is opened as it is: never migrated or
    /// written, so that a backup taken with another version leaves a running collector's file alone.
    public static func backup(database: String, to path: String, files: [BackupFile]) throws {
        guard FileManager.default.fileExists(atPath: database) else { throw BackupError(description: "no database at \(database)") }
        let source = try DatabaseQueue(path: database)
        try backup(from: source, to: path, files: files)
        try source.close()
    }

    /// ``backup(database:to:files:)`` from this store's open database.
    public func backup(to path: String, files: [BackupFile]) throws {
        try Self.backup(from: pool, to: path, files: files)
    }

    static func backup(from source: any DatabaseReader, to path: String, files: [BackupFile]) throws {
        try copy(from: source, to: path)
        let copy = try DatabaseQueue(path: path)
        try copy.write { db in
            try db.execute(sql: "CREATE TABLE desksideBackupFile (path TEXT PRIMARY KEY, mode INTEGER NOT NULL, bytes BLOB NOT NULL)")
            for file in files {
                try db.execute(sql: "INSERT INTO desksideBackupFile (path, mode, bytes) VALUES (?, ?, ?)", arguments: [file.path, file.mode, Data(file.bytes)])
            }
        }
        try copy.close()
    }

    /// Makes `databasePath` (which must not exist) the database of `backup`, and returns the files
    /// the backup holds; the backup is checked whole before anything is written.
    public static func restore(from backup: String, to databasePath: String) throws -> [BackupFile] {
        var configuration = Configuration()
        configuration.readonly = true
        let source: DatabaseQueue
        do {
            source = try DatabaseQueue(path: backup, configuration: configuration)
        } catch {
            throw BackupError(description: "\(backup) cannot be opened as a Deskside backup: \(error)")
        }
        let files = try source.read { db -> [BackupFile] in
            guard try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"] else { throw BackupError(description: "\(backup) is damaged (integrity check)") }
            guard try db.tableExists("desksideBackupFile") else { throw BackupError(description: "\(backup) is not a Deskside backup") }
            return try Row.fetchAll(db, sql: "SELECT path, mode, bytes FROM desksideBackupFile ORDER BY path").map {
                BackupFile(path: $0["path"], mode: $0["mode"], bytes: Array($0["bytes"] as Data))
            }
        }
        try copy(from: source, to: databasePath)
        try source.close()
        let restored = try DatabaseQueue(path: databasePath)
        try restored.write { db in try db.execute(sql: "DROP TABLE desksideBackupFile") }
        try restored.writeWithoutTransaction { db in try db.execute(sql: "VACUUM") }
        try restored.close()
        return files
    }

    /// SQLite's online backup of `source` into a new file at `path`, created owner-only.
    static func copy(from source: any DatabaseReader, to path: String) throws {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BackupError(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        Glibc.close(fd)
        do {
            let destination = try DatabaseQueue(path: path)
            try source.backup(to: destination)
            try destination.close()
        } catch {
            unlink(path)
            throw error
        }
    }

    /// Before migrations change the schema of a database that has data: a copy beside it, in
    /// `backups/` (owner-only), named after the time and the last migration it has.
    static func backupBeforeMigrating(_ pool: DatabasePool, path: String, lastApplied: String?, now: Date = Date()) throws -> String {
        let directory = (path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ".") + "/backups"
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw BackupError(description: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        let stamp = Timestamp.text(now).filter { $0.isNumber }
        let version = lastApplied.map { String($0.prefix { $0 != ":" }) } ?? "empty"
        let copyPath = "\(directory)/deskside-\(stamp)-\(version).sqlite"
        try copy(from: pool, to: copyPath)
        return copyPath
    }
}

extension CollectorStore {
    /// Whether the database takes a write now: the write lock taken and given back (`/readyz`). False
    /// on a read-only or full file system, or when the lock cannot be had within the busy timeout.
    public func isWritable() -> Bool {
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                try db.execute(sql: "ROLLBACK")
            }
            return true
        } catch {
            return false
        }
    }
}

extension CollectorStore {
    /// What the doctor reads from a database, opened as it is (never migrated, never written).
    public struct Inspection: Sendable, Equatable {
        /// `PRAGMA integrity_check` and `foreign_key_check` findings; empty when sound.
        public var problems: [String]
        public var events: Int
        public var oldestEventAt: String?
        /// Migrations this version has that the database does not yet (applied at the next start).
        public var pendingMigrations: Int
        /// Migrations the database has that this version does not know (written by a newer version).
        public var unknownMigrations: [String]
    }

    public static func inspect(database: String) throws -> Inspection {
        let queue = try DatabaseQueue(path: database)
        defer { try? queue.close() }
        let migrator = StoreMigrations.migrator
        return try queue.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { "foreign key: \($0)" }
            let applied = try migrator.appliedIdentifiers(db)
            let hasEvents = try db.tableExists("assetEvent")
            return Inspection(problems: integrity + foreignKeys,
                              events: hasEvents ? try Int.fetchOne(db, sql: "SELECT count(*) FROM assetEvent") ?? 0 : 0,
                              oldestEventAt: hasEvents ? try String.fetchOne(db, sql: "SELECT min(at) FROM assetEvent") : nil,
                              pendingMigrations: Set(migrator.migrations).subtracting(applied).count,
                              unknownMigrations: applied.subtracting(migrator.migrations).sorted())
        }
    }
}

