#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAPI

/// Who hears of the desk's events, as each engine stores it (`SQLiteSubscriptions`,
/// `PostgresSubscriptions`): the webhooks, and the kinds of mail each account turned off. The desk
/// checks the patterns, the URL and who may write before a call; the outbox reads both when it fans
/// an event out.
public protocol SubscriptionRepository: Sendable {
    /// `secret` signs the webhook's deliveries; it is never listed.
    func createWebhook(url: String, events: [String], secret: String, actor: String, now: Date) async throws -> Webhook
    /// By id.
    func webhooks() async throws -> [Webhook]
    /// Removes a webhook (and, on an engine whose outbox is there, what still waits for it); `false`
    /// when there is no such webhook.
    func deleteWebhook(id: Int64) async throws -> Bool
    /// The kinds of mail the account turned off, by name.
    func mailOptOuts(accountID: Int64) async throws -> [String]
    /// Replaces the account's opt-outs; `HelpdeskError.notFound` when there is no such account.
    func setMailOptOuts(accountID: Int64, _ types: Set<String>) async throws
}
