#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAPI
public import DesksideStore
import DesksideHelpdesk
import PostgresNIO

/// Webhooks (`webhook`, events as `text[]`) and mail opt-outs (`notification_opt_out`) on PostgreSQL
/// (see `PostgresMigrations.subscriptions`).
public struct PostgresSubscriptions: SubscriptionRepository {
    let database: PostgresStore

    public init(_ database: PostgresStore) {
        self.database = database
    }

    static let columns = "id, url, events, active, created_by, created_at"

    static func webhook(_ row: PostgresRow) throws -> Webhook {
        let (id, url, events, active, by, created) = try row.decode((Int64, String, [String], Bool, String, Date).self)
        return Webhook(id: id, url: url, events: events, active: active, createdBy: by, createdAt: PostgresStore.text(created))
    }

    public func createWebhook(url: String, events: [String], secret: String, actor: String, now: Date) async throws -> Webhook {
        var query: PostgresQuery = """
            INSERT INTO webhook (url, secret, events, created_by, created_at) VALUES (\(url), \(secret), \(events), \(actor), \(now)) RETURNING
            """
        query.sql += " " + Self.columns
        return try Self.webhook(try await database.rows(query)[0])
    }

    public func webhooks() async throws -> [Webhook] {
        try await database.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM webhook ORDER BY id")).map(Self.webhook)
    }

    public func deleteWebhook(id: Int64) async throws -> Bool {
        try await !database.rows("DELETE FROM webhook WHERE id = \(id) RETURNING id").isEmpty
    }

    public func mailOptOuts(accountID: Int64) async throws -> [String] {
        try await database.rows("SELECT type FROM notification_opt_out WHERE account_id = \(accountID) ORDER BY type").map { try $0.decode(String.self) }
    }

    public func setMailOptOuts(accountID: Int64, _ types: Set<String>) async throws {
        let logger = database.logger
        try await database.transaction { connection in
            guard try await !connection.rows("SELECT 1 FROM account WHERE id = \(accountID) FOR UPDATE", logger: logger).isEmpty else {
                throw HelpdeskError.notFound
            }
            try await connection.run("DELETE FROM notification_opt_out WHERE account_id = \(accountID)", logger: logger)
            for type in types.sorted() {
                try await connection.run("INSERT INTO notification_opt_out (account_id, type) VALUES (\(accountID), \(type))", logger: logger)
            }
        }
    }
}
