#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAPI
public import DesksideStore
import DesksideHelpdesk
import DesksideJSON
import GRDB

/// Webhooks (`webhook`, events as a JSON array) and mail opt-outs (`notificationOptOut`) on SQLite.
/// Deleting a webhook deletes what still waits for it in the outbox (a cascading foreign key).
public struct SQLiteSubscriptions: SubscriptionRepository {
    let pool: DatabasePool

    struct WebhookRow: Decodable, FetchableRecord {
        var id: Int64
        var url: String
        var events: String
        var active: Bool
        var createdBy: String
        var createdAt: String

        static let select = "SELECT id, url, events, active, createdBy, createdAt FROM webhook"

        func webhook() throws -> Webhook {
            Webhook(id: id, url: url, events: try JSONCoder.decode([String].self, from: Array(events.utf8)), active: active, createdBy: createdBy,
                    createdAt: createdAt)
        }
    }

    public func createWebhook(url: String, events: [String], secret: String, actor: String, now: Date) async throws -> Webhook {
        try await pool.write { db in
            try db.run("INSERT INTO webhook (url, secret, events, createdBy, createdAt) VALUES (?, ?, ?, ?, ?)",
                       arguments: [url, secret, String(decoding: try JSONCoder.encode(events), as: UTF8.self), actor, Timestamp.text(now)])
            return try WebhookRow.fetchOne(cached: db, sql: WebhookRow.select + " WHERE id = ?", arguments: [db.lastInsertedRowID])!.webhook()
        }
    }

    public func webhooks() async throws -> [Webhook] {
        try await pool.read { db in try WebhookRow.fetchAll(cached: db, sql: WebhookRow.select + " ORDER BY id").map { try $0.webhook() } }
    }

    public func deleteWebhook(id: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.run("DELETE FROM webhook WHERE id = ?", arguments: [id])
            return db.changesCount == 1
        }
    }

    public func mailOptOuts(accountID: Int64) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(cached: db, sql: "SELECT type FROM notificationOptOut WHERE accountId = ? ORDER BY type", arguments: [accountID])
        }
    }

    public func setMailOptOuts(accountID: Int64, _ types: Set<String>) async throws {
        try await pool.write { db in
            guard try Int.fetchOne(cached: db, sql: "SELECT 1 FROM account WHERE id = ?", arguments: [accountID]) != nil else { throw HelpdeskError.notFound }
            try db.run("DELETE FROM notificationOptOut WHERE accountId = ?", arguments: [accountID])
            for type in types.sorted() { try db.run("INSERT INTO notificationOptOut (accountId, type) VALUES (?, ?)", arguments: [accountID, type]) }
        }
    }
}

extension CollectorStore {
    public var subscriptions: SQLiteSubscriptions { SQLiteSubscriptions(pool: pool) }
}
