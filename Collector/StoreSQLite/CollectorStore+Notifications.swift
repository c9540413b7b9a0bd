#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideHelpdesk
import DesksideJSON
public import DesksideNotifications
public import GRDB

/// The outbox as the delivery worker and staff see it: what is due (in order per recipient and
/// ticket), what was sent, what failed for good (the dead letters, which can be sent again), the
/// worker's last run; webhooks; and each account's choice of what it is mailed.
extension CollectorStore {
    public enum NotificationState: String, Codable, Sendable, CaseIterable {
        case pending, sent, failed
    }

    public enum Channel: String, Codable, Sendable {
        case email, webhook
    }

    /// One notification to one recipient.
    public struct NotificationRecord: Codable, Sendable, Equatable, FetchableRecord {
        public var id: Int64
        /// The id a receiver sees (a webhook's `X-Deskside-Delivery`, a mail's Message-ID).
        public var uuid: String
        /// The event's id, the same for all its recipients (a webhook body's `id`).
        public var eventId: String
        public var type: String
        public var channel: Channel
        public var accountId: Int64?
        public var webhookId: Int64?
        public var recipient: String
        public var ticketId: Int64?
        public var state: NotificationState
        public var attempts: Int
        public var nextAttemptAt: String
        public var lastError: String?
        public var createdAt: String
        public var sentAt: String?
    }

    static let notificationColumns = """
        SELECT id, uuid, eventId, type, channel, accountId, webhookId, recipient, ticketId, state, attempts, nextAttemptAt, lastError, createdAt, sentAt
        FROM notification
        """

    /// A notification as the worker sends it: the record, what it says, and for a webhook its secret.
    public struct OutboxItem: Sendable {
        public var record: NotificationRecord
        public var recipientName: String
        public var notice: [UInt8]
        public var webhookSecret: String?
    }

    /// Opens or closes the mail channel: the outbox writes mail rows only while a worker sends mail.
    public func setMailChannel(open: Bool, now: Date) throws {
        try pool.write { db in
            if open {
                try db.run("INSERT OR IGNORE INTO deliveryChannel (name, openedAt) VALUES ('email', ?)", arguments: [Timestamp.text(now)])
            } else {
                try db.run("DELETE FROM deliveryChannel WHERE name = 'email'")
            }
        }
    }

    /// Due notifications of one channel (both without one), oldest first, at most one per order key: a
    /// recipient's next message about a ticket waits until the one before it is sent or has failed for good.
    public func dueNotifications(now: Date, limit: Int, channel: Channel? = nil) throws -> [OutboxItem] {
        try pool.read { db in
            try Row.fetchAll(cached: db, sql: """
                SELECT n.id, n.uuid, n.eventId, n.type, n.channel, n.accountId, n.webhookId, n.recipient, n.ticketId, n.state, n.attempts,
                       n.nextAttemptAt, n.lastError, n.createdAt, n.sentAt, n.recipientName, n.body, w.secret
                FROM notification n LEFT JOIN webhook w ON w.id = n.webhookId
                WHERE n.state = 'pending' AND n.nextAttemptAt <= ? AND (? IS NULL OR n.channel = ?)
                AND NOT EXISTS (SELECT 1 FROM notification p WHERE p.orderKey = n.orderKey AND p.state = 'pending' AND p.id < n.id)
                ORDER BY n.id LIMIT ?
                """, arguments: [Timestamp.text(now), channel?.rawValue, channel?.rawValue, limit]).map { row in
                OutboxItem(record: try NotificationRecord(row: row), recipientName: row["recipientName"], notice: Array(row["body"] as Data),
                           webhookSecret: row["secret"])
            }
        }
    }

    /// When the next pending notification is due (nil: none), for the worker's sleep.
    public func nextNotificationDue() throws -> Date? {
        try pool.read { db in
            try String.fetchOne(cached: db, sql: "SELECT min(nextAttemptAt) FROM notification WHERE state = 'pending'")
                .flatMap { ISO8601.parse($0) }.map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// The outcome of one round of deliveries: sent ones, and failed ones with their next attempt
    /// (nil: given up, a dead letter). One transaction.
    public func recordDeliveries(sent: [Int64], failed: [(id: Int64, error: String, retryAt: Date?)], at now: Date) throws {
        guard !sent.isEmpty || !failed.isEmpty else { return }
        let time = Timestamp.text(now)
        try pool.write { db in
            for id in sent {
                try db.run("UPDATE notification SET state = 'sent', sentAt = ?, attempts = attempts + 1, lastError = NULL WHERE id = ? AND state = 'pending'",
                           arguments: [time, id])
            }
            for failure in failed {
                try db.run("""
                    UPDATE notification SET attempts = attempts + 1, lastError = ?, state = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END,
                    nextAttemptAt = coalesce(?, nextAttemptAt) WHERE id = ? AND state = 'pending'
                    """, arguments: [String(failure.error.prefix(500)), failure.retryAt.map { Timestamp.text($0) },
                                     failure.retryAt.map { Timestamp.text($0) }, failure.id])
            }
        }
    }

    /// The worker ran (written at most once a minute by the worker).
    public func recordWorkerRun(_ name: String, at now: Date) throws {
        try pool.write { db in
            try db.run("INSERT INTO workerRun (name, lastRunAt) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET lastRunAt = excluded.lastRunAt",
                       arguments: [name, Timestamp.text(now)])
        }
    }

    /// How the outbox stands: for `/api/v1/status` and the dashboard.
    public struct OutboxStatus: Codable, Sendable, Equatable {
        public var pending: Int
        public var failed: Int
        /// The oldest notification still waiting.
        public var oldestPendingAt: String?
        /// When the delivery worker last ran (nil: never).
        public var workerLastRunAt: String?
        public var mail: Bool
    }

    public func outboxStatus() throws -> OutboxStatus {
        try pool.read { db in
            let row = try Row.fetchOne(cached: db, sql: """
                SELECT (SELECT count(*) FROM notification WHERE state = 'pending') AS pending,
                       (SELECT count(*) FROM notification WHERE state = 'failed') AS failed,
                       (SELECT min(createdAt) FROM notification WHERE state = 'pending') AS oldest,
                       (SELECT lastRunAt FROM workerRun WHERE name = 'delivery') AS lastRun,
                       EXISTS (SELECT 1 FROM deliveryChannel WHERE name = 'email') AS mail
                """)!
            return OutboxStatus(pending: row["pending"], failed: row["failed"], oldestPendingAt: row["oldest"], workerLastRunAt: row["lastRun"],
                                mail: row["mail"])
        }
    }

    /// Notifications, newest first, in one state or all.
    public func notifications(state: NotificationState?, limit: Int, offset: Int) throws -> (items: [NotificationRecord], total: Int) {
        try pool.read { db in
            let filter = state == nil ? "" : " WHERE state = ?"
            let arguments: [any DatabaseValueConvertible] = state.map { [$0.rawValue] } ?? []
            let total = try Int.fetchOne(cached: db, sql: "SELECT count(*) FROM notification" + filter, arguments: StatementArguments(arguments)) ?? 0
            let items = try NotificationRecord.fetchAll(cached: db, sql: Self.notificationColumns + filter + " ORDER BY id DESC LIMIT ? OFFSET ?",
                                                        arguments: StatementArguments(arguments + [limit, offset]))
            return (items, total)
        }
    }

    public func notification(id: Int64) throws -> NotificationRecord? {
        try pool.read { db in try NotificationRecord.fetchOne(cached: db, sql: Self.notificationColumns + " WHERE id = ?", arguments: [id]) }
    }

    /// A dead letter goes again: pending, due now, its attempts from zero (its last error kept until
    /// the next attempt). Anything not failed is refused.
    public func resendNotification(id: Int64, now: Date) throws -> NotificationRecord {
        try pool.write { db in
            guard let record = try NotificationRecord.fetchOne(cached: db, sql: Self.notificationColumns + " WHERE id = ?", arguments: [id]) else {
                throw HelpdeskError.notFound
            }
            guard record.state == .failed else { throw HelpdeskError.conflict("only a failed notification is sent again (this one is \(record.state.rawValue))") }
            try db.run("UPDATE notification SET state = 'pending', attempts = 0, nextAttemptAt = ? WHERE id = ?", arguments: [Timestamp.text(now), id])
            return try NotificationRecord.fetchOne(cached: db, sql: Self.notificationColumns + " WHERE id = ?", arguments: [id])!
        }
    }
}
