#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import DesksideAPI
public import DesksideHelpdesk
import DesksideJSON
import DesksideNotifications
import DesksideStore
public import DesksideStoreSQLite

/// The outbox for staff (the notifications, the dead letters and sending them again, the worker's
/// health), webhooks for admins, and each person's choice of the mails they receive.
extension Desk {
    public func notifications(_ principal: Principal, state: CollectorStore.NotificationState?, limit: Int, offset: Int) throws
        -> (items: [CollectorStore.NotificationRecord], total: Int) {
        try requireReader(principal)
        return try store.notifications(state: state, limit: min(max(limit, 1), Paging.maxRows), offset: max(offset, 0))
    }

    /// Sends a dead letter again (technicians and admins).
    public func resendNotification(_ principal: Principal, id: Int64) throws -> CollectorStore.NotificationRecord {
        try requireStaff(principal)
        return try store.resendNotification(id: id, now: clock())
    }

    /// How the outbox and its worker stand; `stale` when the worker has not run for five minutes.
    public struct OutboxHealth: Codable, Sendable, Equatable {
        public var pending: Int
        public var failed: Int
        public var oldestPendingAt: String?
        public var workerLastRunAt: String?
        public var workerStale: Bool
        public var mail: Bool
    }

    public func outboxHealth() throws -> OutboxHealth {
        let status = try store.outboxStatus()
        let lastRun = status.workerLastRunAt.flatMap { ISO8601.parse($0) }.map { Date(timeIntervalSince1970: $0) }
        return OutboxHealth(pending: status.pending, failed: status.failed, oldestPendingAt: status.oldestPendingAt, workerLastRunAt: status.workerLastRunAt,
                            workerStale: lastRun.map { clock().timeIntervalSince($0) > 300 } ?? true, mail: status.mail)
    }

    // MARK: - Webhooks

    public func webhooks(_ principal: Principal) async throws -> [Webhook] {
        try requireAdmin(principal)
        return try await subscriptions.webhooks()
    }

    /// Subscribes `url` to the event types `events` match (`ticket.*`, `fault.storm`, `*`). The URL
    /// must be http(s) and, resolved now, in the networks webhooks may reach (`webhookCheck`).
    public func createWebhook(_ principal: Principal, url: String, events: [String]) async throws -> CreatedWebhook {
        try requireAdmin(principal)
        guard !events.isEmpty, events.count <= 50 else { throw HelpdeskError.invalid("events: one to 50 patterns (ticket.*, fault.storm, *)") }
        for pattern in events where !EventType.isPattern(pattern) {
            throw HelpdeskError.invalid("events: \(pattern) matches no event type (\(EventType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard url.utf8.count <= 2000 else { throw HelpdeskError.invalid("url: at most 2,000 characters") }
        do {
            let check = webhookCheck
            try await blocking { try check(url) }   // resolves the name: not on a cooperative thread
        } catch {
            throw HelpdeskError.unprocessable("url: \(error)")
        }
        let secret = "whsec_" + SecretDigest.randomHex(bytes: 32)
        let webhook = try await subscriptions.createWebhook(url: url, events: events, secret: secret, actor: principal.actor, now: clock())
        return CreatedWebhook(webhook: webhook, secret: secret)
    }

    public func deleteWebhook(_ principal: Principal, id: Int64) async throws {
        try requireAdmin(principal)
        guard try await subscriptions.deleteWebhook(id: id) else { throw HelpdeskError.notFound }
    }

    // MARK: - Preferences

    /// The kinds of mail the caller may receive, each on or off (all on until turned off).
    public func mailPreferences(_ principal: Principal) async throws -> [MailPreference] {
        guard let account = principal.accountID else { throw HelpdeskError.unprocessable("an API token has no mail preferences") }
        let off = Set(try await subscriptions.mailOptOuts(accountID: account))
        return EventType.allCases.filter(\.mailable).map { MailPreference(type: $0.rawValue, mailed: !off.contains($0.rawValue)) }
    }

    public func setMailPreferences(_ principal: Principal, _ preferences: [MailPreference]) async throws -> [MailPreference] {
        guard let account = principal.accountID else { throw HelpdeskError.unprocessable("an API token has no mail preferences") }
        var off: Set<String> = []
        for preference in preferences {
            guard let type = EventType(rawValue: preference.type), type.mailable else { throw HelpdeskError.invalid("\(preference.type) is not a kind of mail") }
            if !preference.mailed { off.insert(type.rawValue) }
        }
        try await subscriptions.setMailOptOuts(accountID: account, off)
        return try await mailPreferences(principal)
    }
}

extension Desk {
    /// A file that came with a mail to a ticket, for those who see the ticket.
    public func attachment(_ principal: Principal, ticketID: Int64, id: Int64) throws -> (CollectorStore.AttachmentRecord, [UInt8]) {
        _ = try visibleTicket(principal, id: ticketID)
        guard let found = try store.attachment(id: id, ticketID: ticketID) else { throw HelpdeskError.notFound }
        return found
    }
}
