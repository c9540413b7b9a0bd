@testable import DesksideStoreSQLite
import DesksideTestSupport
import Foundation
import DesksideAssets
import GRDB
import Testing

/// Backups on real SQLite files: a copy taken while the store is open holds every row and the files
/// given, owner-only; a restore makes the same database; a schema change is preceded by a copy; a
/// database from a newer version is refused with a clear message.
@Suite struct BackupTests {
    static func mode(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
    }

    static func counts(_ reader: any DatabaseReader) throws -> [String: Int] {
        try reader.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%Text%' ORDER BY name")
            return Dictionary(uniqueKeysWithValues: try tables.map { ($0, try Int.fetchOne(db, sql: "SELECT count(*) FROM \"\($0)\"") ?? 0) })
        }
    }

    @Test func aBackupWhileInUseRestoresTheSameDatabaseAndFiles() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CollectorStore(path: directory + "/deskside.sqlite")
        try store.registerAgent(uuid: "agent-1", certificateFingerprint: "SHA256:aa", at: CollectorStoreTests.time)
        _ = try store.record(agentUUID: "agent-1", reportID: "r1", sequence: 1, kind: .full, inventory: CollectorStoreTests.inventory("laptop"),
                             faults: [], receivedAt: CollectorStoreTests.time)
        let files = [CollectorStore.BackupFile(path: "ca/ca-key.pem", mode: 0o600, bytes: Array("key".utf8)),
                     CollectorStore.BackupFile(path: "ca/ca.pem", mode: 0o644, bytes: Array("cert".utf8))]
        let backup = directory + "/backup.deskside"
        try store.backup(to: backup, files: files)
        #expect(try Self.mode(backup) == 0o600)
        #expect(throws: CollectorStore.BackupError.self) { try store.backup(to: backup, files: files) }

        let restoredPath = directory + "/restored.sqlite"
        #expect(try CollectorStore.restore(from: backup, to: restoredPath) == files)
        let restored = try DatabaseQueue(path: restoredPath)
        #expect(try Self.counts(restored) == Self.counts(store.pool))
        #expect(try Self.counts(restored)["asset"] == 1 && Self.counts(restored)["assetPackage"] ?? 0 > 0)
        #expect(throws: CollectorStore.BackupError.self) { _ = try CollectorStore.restore(from: directory + "/deskside.sqlite", to: directory + "/x.sqlite") }
    }

    @Test func aSchemaChangeIsPrecededByACopy() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/deskside.sqlite"
        let old = try DatabaseQueue(path: path)
        try StoreMigrations.migrator.migrate(old, upTo: "v17: tags, lifecycle, locations, categories with custom fields, purchase and warranty, audits, loans, merges")
        try old.write { db in try db.execute(sql: "INSERT INTO agent (uuid, certificateFingerprint, enrolledAt) VALUES ('a-1', 'SHA256:aa', '2026-01-01T00:00:00Z')") }
        try old.close()
        let store = try CollectorStore(path: path)
        let copy = try #require(store.backupBeforeMigration)
        #expect(copy.hasPrefix(directory + "/backups/deskside-") && copy.hasSuffix("-v17.sqlite"))
        #expect(try Self.mode(copy) == 0o600)
        let kept = try DatabaseQueue(path: copy)
        #expect(try kept.read { try StoreMigrations.migrator.completedMigrations($0).last?.hasPrefix("v17:") } == true)
        #expect(try kept.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM agent") } == 1)
        // Opened again, nothing to migrate: no copy.
        #expect(try CollectorStore(path: path).backupBeforeMigration == nil)
        // A new database has nothing to keep.
        #expect(try CollectorStore(path: directory + "/new.sqlite").backupBeforeMigration == nil)
    }

    /// A backup or the doctor, run with this version beside a collector of an older one, leaves its
    /// database as it is: not migrated, not written.
    @Test func backupAndInspectionLeaveAnOlderDatabaseAlone() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/deskside.sqlite"
        let old = try DatabaseQueue(path: path)
        try StoreMigrations.migrator.migrate(old, upTo: "v17: tags, lifecycle, locations, categories with custom fields, purchase and warranty, audits, loans, merges")
        try old.close()
        try CollectorStore.backup(database: path, to: directory + "/backup", files: [])
        let inspection = try CollectorStore.inspect(database: path)
        #expect(inspection.problems.isEmpty && inspection.unknownMigrations.isEmpty)
        #expect(inspection.pendingMigrations == StoreMigrations.migrator.migrations.count - 17)
        let after = try DatabaseQueue(path: path)
        #expect(try after.read { try StoreMigrations.migrator.completedMigrations($0).count } == 17)
        #expect(!FileManager.default.fileExists(atPath: directory + "/backups"), "no pre-migration copy: nothing was migrated")
    }

    @Test func aDatabaseFromANewerVersionIsRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/deskside.sqlite"
        _ = try CollectorStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
        try queue.close()
        #expect { _ = try CollectorStore(path: path) } throws: { error in
            (error as? CollectorStore.NewerDatabase)?.description.contains("newer version of Deskside (it has \"v99: from the future\"") == true
        }
    }
}

/// History retention: events and report records older than the period go, a batch at a time; the
/// rest stays, and the status says how far back history goes.
@Suite struct RetentionTests {
    @Test func oldHistoryIsPrunedInBatches() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var register = RegisterSettings()
        register.historyRetentionDays = 30
        let store = try CollectorStore(path: directory + "/deskside.sqlite", register: register)
        let now = CollectorStoreTests.time
        try store.registerAgent(uuid: "agent-1", certificateFingerprint: "SHA256:aa", at: now)
        // Five reports 100 days ago, then one now: each writes events and a report record.
        for n in 1...5 {
            var inventory = CollectorStoreTests.inventory("laptop")
            inventory.os.hostname = "old-\(n)"
            _ = try store.record(agentUUID: "agent-1", reportID: "old-\(n)", sequence: UInt64(n), kind: .full, inventory: inventory, faults: [],
                                 receivedAt: now.addingTimeInterval(-100 * 86400 + Double(n)))
        }
        _ = try store.record(agentUUID: "agent-1", reportID: "new", sequence: 6, kind: .full, inventory: CollectorStoreTests.inventory("laptop"),
                             faults: [], receivedAt: now)
        let old = try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM assetEvent WHERE at < ?", arguments: [Timestamp.text(now.addingTimeInterval(-30 * 86400))]) ?? 0 }
        let recent = try store.count("assetEvent") - old
        #expect(old >= 5 && recent >= 1)
        #expect(try store.pruneHistory(now: now, batch: 2) == 4, "two events and two reports")
        var rounds = 1
        while try store.pruneHistory(now: now, batch: 2) > 0 { rounds += 1 }
        #expect(rounds >= 3)
        #expect(try store.count("assetEvent") == recent)
        #expect(try store.count("report") == 1)
        let extent = try store.historyExtent()
        #expect(extent.retentionDays == 30 && extent.oldestEventAt == Timestamp.text(now))
        #expect(try store.pruneHistory(now: now) == 0)
    }
}
