import DesksideStore
import DesksideStorePostgres
import Foundation
import PostgresNIO
import Testing

/// What only the PostgreSQL engine has: its location and secret, its migrations between several
/// collectors, a newer schema refused.
@Suite struct PostgresEngineTests {
    @Test func aLocationIsAURLWithThePasswordInAFile() throws {
        let file = NSTemporaryDirectory() + "/pg-password-\(UUID().uuidString)"
        try "s3cret-Value\nignored\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let location = try PostgresLocation(url: "postgres://desk@db.example:6432/assets?sslmode=require", passwordFile: file)
        #expect(location.user == "desk" && location.host == "db.example" && location.port == 6432 && location.database == "assets")
        #expect(location.tls == .require && location.password == "s3cret-Value")
        #expect(!location.description.contains("s3cret"), "the password is never printed")
        let v6 = try PostgresLocation(url: "postgresql://desk@[::1]/assets", passwordFile: nil)
        #expect(v6.host == "::1" && v6.port == 5432 && v6.tls == .prefer && v6.password == nil)
        #expect(v6.description == "postgres://desk@[::1]:5432/assets")
    }

    @Test(arguments: ["postgres://desk:hunter2@db/assets", "mysql://desk@db/assets", "postgres://desk@db", "postgres://@db/assets",
                      "postgres://desk@db:99999/assets", "postgres://desk@db/assets?sslmode=maybe", "postgres://desk@db/assets?password=x",
                      "postgres://desk@[::1/assets"])
    func aBadLocationIsRefusedWithoutEchoingASecret(_ url: String) throws {
        let error = try #require(throws: PostgresLocation.Invalid.self) { try PostgresLocation(url: url, passwordFile: nil) }
        #expect(!error.description.contains("hunter2"))
    }

    @Test func anEmptyOrMissingPasswordFileIsRefused() throws {
        let empty = NSTemporaryDirectory() + "/pg-empty-\(UUID().uuidString)"
        try "\n".write(toFile: empty, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: PostgresLocation.Invalid.self) { try PostgresLocation(url: "postgres://desk@db/assets", passwordFile: empty) }
        #expect(throws: PostgresLocation.Invalid.self) { try PostgresLocation(url: "postgres://desk@db/assets", passwordFile: empty + ".none") }
    }

    @Test func collectorsStartingTogetherMigrateOnceAndANewerSchemaIsRefused() async throws {
        try await PostgresServer.withDatabase { first in
            // Four more collectors open the same (already migrated) database at once: each waits for
            // the migration lock, finds nothing to do, and the starter articles are there once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let other = try await PostgresStore.open(first.location, logger: PostgresServer.logger)
                        await other.close()
                    }
                }
                try await group.waitForAll()
            }
            let all = try await PostgresKnowledge(first).articles(text: nil, faultCode: nil, limit: 500, offset: 0)
            #expect(all.total == Set(all.items.map(\.title)).count, "no article seeded twice")

            try await PostgresServer.admin(first.location) { connection in
                try await connection.query("INSERT INTO schema_migration (id) VALUES ('99: from the future')", logger: PostgresServer.logger)
            }
            await #expect { try await PostgresStore.open(first.location, logger: PostgresServer.logger) } throws: { error in
                "\(error)".contains("newer version of Deskside") && "\(error)".contains("99: from the future")
            }
        }
    }

    @Test func aWrongPasswordIsAClearErrorNotAHang() async throws {
        let server = try PostgresServer.location()
        let file = NSTemporaryDirectory() + "/pg-wrong-\(UUID().uuidString)"
        try "not-the-password\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let wrong = try PostgresLocation(url: server.description, passwordFile: file)
        await #expect { try await PostgresStore.open(wrong, logger: PostgresServer.logger) } throws: { error in
            "\(String(reflecting: error))".contains("28P01")   // invalid_password
        }
    }
}
