import DesksideStore
import DesksideStorePostgres
import DesksideStoreSQLite
import DesksideTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// The engines the conformance suite runs every test on: a real SQLite file, and a real PostgreSQL
/// server (scripts/postgres, started by scripts/test) with a database of the test's own.
enum Engine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// Every repository of one engine, on one database.
    struct Repositories {
        var knowledge: any KnowledgeRepository
        var accounts: any AccountRepository
        var scripts: any ScriptRepository
        var faultRules: any FaultRuleRepository
        var auditTrail: any AuditTrail
        var subscriptions: any SubscriptionRepository
    }

    /// Runs `body` on a new, migrated, empty database of this engine, then removes it.
    func withRepositories(_ body: (Repositories) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let directory = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let store = try CollectorStore(path: directory + "/collector.sqlite")
            try await body(Repositories(knowledge: store.knowledge, accounts: store.accounts, scripts: store.scripts, faultRules: store.faultRules,
                                        auditTrail: store.auditTrail, subscriptions: store.subscriptions))
        case .postgres:
            try await PostgresServer.withDatabase { database in
                try await body(Repositories(knowledge: PostgresKnowledge(database), accounts: PostgresAccounts(database), scripts: PostgresScripts(database),
                                            faultRules: PostgresFaultRules(database), auditTrail: PostgresAuditTrail(database),
                                            subscriptions: PostgresSubscriptions(database)))
            }
        }
    }

    func withKnowledge(_ body: (any KnowledgeRepository) async throws -> Void) async throws {
        try await withRepositories { try await body($0.knowledge) }
    }

    func withAccounts(_ body: (any AccountRepository) async throws -> Void) async throws {
        try await withRepositories { try await body($0.accounts) }
    }

    func withScripts(_ body: (any ScriptRepository) async throws -> Void) async throws {
        try await withRepositories { try await body($0.scripts) }
    }

    func withFaultRules(_ body: (any FaultRuleRepository) async throws -> Void) async throws {
        try await withRepositories { try await body($0.faultRules) }
    }
}

/// The test PostgreSQL server: where it is comes from `DESKSIDE_POSTGRES_URL` and
/// `DESKSIDE_POSTGRES_PASSWORD_FILE`, which `scripts/postgres start` prints and scripts/test exports.
enum PostgresServer {
    struct NotConfigured: Error, CustomStringConvertible {
        var description: String {
            "DESKSIDE_POSTGRES_URL is not set: run scripts/test, or eval \"$(scripts/postgres start)\" before swift test"
        }
    }

    static func location() throws -> PostgresLocation {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["DESKSIDE_POSTGRES_URL"] else { throw NotConfigured() }
        return try PostgresLocation(url: url, passwordFile: environment["DESKSIDE_POSTGRES_PASSWORD_FILE"])
    }

    static let logger = Logger(label: "deskside.tests.postgres")

    /// Creates a database of its own for `body` (on the server's `postgres` database), opens the store
    /// on it, and drops it afterwards, whatever `body` did.
    static func withDatabase(_ body: (PostgresStore) async throws -> Void) async throws {
        let server = try location()
        let name = "deskside_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await admin(server) { connection in try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger) }
        var failure: (any Error)?
        do {
            let database = try await PostgresStore.open(server.database(name), logger: logger)
            do { try await body(database) } catch { failure = error }
            await database.close()
        } catch {
            failure = failure ?? error
        }
        try await admin(server) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
        if let failure { throw failure }
    }

    /// One connection to the server's own database, for what no store does (creating databases).
    static func admin(_ server: PostgresLocation, _ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: .init(host: server.host, port: server.port, username: server.user, password: server.password,
                                 database: server.database, tls: .disable),
            id: 1, logger: logger)
        do { try await body(connection) } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// `scripts/postgres start|stop DIRECTORY`: a server of a test's own (to stop and start while the
    /// other tests' server stays up); the environment it prints, as a dictionary.
    static func own(_ command: String, _ directory: String) throws -> [String: String] {
        let result = try Fixtures.run(Fixtures.packageRoot + "/scripts/postgres", [command, directory])
        try #require(result.status == 0, "scripts/postgres \(command): \(String(decoding: result.stderr, as: UTF8.self))")
        var exported: [String: String] = [:]
        for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { exported[pair[0]] = pair[1] }
        }
        return exported
    }

    /// The location of a server started with `own("start", …)`.
    static func location(_ environment: [String: String]) throws -> PostgresLocation {
        try PostgresLocation(url: try #require(environment["DESKSIDE_POSTGRES_URL"]), passwordFile: environment["DESKSIDE_POSTGRES_PASSWORD_FILE"])
    }
}
