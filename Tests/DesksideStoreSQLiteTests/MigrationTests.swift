import DesksideJSON
@testable import DesksideStoreSQLite
import DesksideInventory
import DesksideTestSupport
import Foundation
import GRDB
import Testing

/// Migrations on a database written by an older collector: what it held is still there, in the new form.
@Suite struct MigrationTests {
    @Test func v5KeepsInstallTimesAsSecondsAndPackagesFindable() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/deskside.sqlite"
        // A database as the v4 collector left it: install times as RFC 3339 text, the reverse index.
        let old = try DatabaseQueue(path: path)
        try StoreMigrations.migrator.migrate(old, upTo: "v4: agents' last contact, assets' owner and last user")
        try old.write { db in
            try db.execute(sql: """
                INSERT INTO agent (id, uuid, certificateFingerprint, enrolledAt) VALUES (1, 'a-1', 'SHA256:aa', '2026-01-01T00:00:00Z');
                INSERT INTO asset (id, agentId, hostname, createdAt, updatedAt) VALUES (7, 1, 'ws-1', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
                INSERT INTO packageName (id, manager, name, architecture) VALUES (1, 'rpm', 'openssl', 'x86_64'), (2, 'rpm', 'bash', 'x86_64');
                INSERT INTO packageVersion (id, packageNameId, version, bodyHash, body) VALUES (1, 1, '3.0.7-1', 'h1', X'7B7D'), (2, 2, '5.2-1', 'h2', X'7B7D');
                INSERT INTO assetPackage (assetId, packageVersionId, installedAt) VALUES (7, 1, '2026-11-22T13:24:33Z'), (7, 2, NULL);
                """)
        }
        try old.close()

        let store = try CollectorStore(path: path)
        let times = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT packageVersionId, installedAt, typeof(installedAt) AS type FROM assetPackage ORDER BY packageVersionId")
        }
        #expect(times.map { $0["installedAt"] as Int64? } == [Int64(ISO8601.parse("2026-11-22T13:24:33Z")!), nil])
        #expect(times.map { $0["type"] as String } == ["integer", "null"])
        func matching(_ package: String) throws -> Int {
            var query = CollectorStore.AssetQuery()
            query.package = package
            return try store.assets(matching: query).total
        }
        #expect(try matching("openssl") == 1)
        #expect(try matching("zsh") == 0)
        #expect(try store.integrityProblems().isEmpty)
    }
}
