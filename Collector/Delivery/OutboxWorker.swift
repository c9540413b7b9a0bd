import Foundation
import DesksideJSON
import DesksideMail
import DesksideNotifications
import DesksideStore
import Logging
import NIOPosix
import ServiceLifecycle

/// How the collector sends mail: the relay and the sender.
public struct MailDelivery: Sendable {
    public var smtp: SMTPSettings
    public var from: MailAddress
    public var fromName: String
    public var composer: any MailComposer

    public init(smtp: SMTPSettings, from: MailAddress, fromName: String, composer: any MailComposer) {
        self.smtp = smtp
        self.from = from
        self.fromName = fromName
        self.composer = composer
    }
}

/// The delivery worker: every second, what is due in the outbox goes out (mail through one SMTP
/// session per round, webhooks 16 at a time), and each outcome is written as it comes: sent, or
/// failed with its next attempt (`RetryPolicy`), or failed for good. It writes when it last ran once
/// a minute, for `/api/v1/status`. A crash between a send and its record sends that message again,
/// the same message with the same id: never lost, a duplicate only of what was in flight.
public final class OutboxWorker: Service {
    let store: CollectorStore
    let mail: MailDelivery?
    let webhooks: WebhookClient
    let retry: RetryPolicy
    let threadPool: NIOThreadPool
    let logger: Logger
    let clock: @Sendable () -> Date
    let batch = 200
    let poll: Duration = .seconds(1)

    public init(store: CollectorStore, mail: MailDelivery?, webhooks: WebhookClient, retry: RetryPolicy = .standard, threadPool: NIOThreadPool = .singleton,
                logger: Logger, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.mail = mail
        self.webhooks = webhooks
        self.retry = retry
        self.threadPool = threadPool
        self.logger = logger
        self.clock = clock
    }

    /// Mail and webhooks each in a loop of their own (the mail channel is opened by `serve` before
    /// anything can change, `CollectorStore.setMailChannel`), so that a slow receiver never holds mail back
    /// (nor a slow relay webhooks). Never throws: a failing round is logged and tried again, it does
    /// not stop the collector.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.loop(.email) }
            group.addTask { await self.loop(.webhook) }
        }
    }

    private func loop(_ channel: CollectorStore.Channel) async {
        let store = self.store
        var lastBeat = Date.distantPast
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let now = clock()
            do {
                if channel == .email, now.timeIntervalSince(lastBeat) >= 60 {
                    try await threadPool.runIfActive { try store.recordWorkerRun("delivery", at: now) }
                    lastBeat = now
                }
                let batch = self.batch
                let due = try await threadPool.runIfActive { try store.dueNotifications(now: now, limit: batch, channel: channel) }
                if !due.isEmpty {
                    switch channel {
                    case .email: try await sendMail(due)
                    case .webhook: try await sendWebhooks(due)
                    }
                    continue
                }
            } catch {
                logger.error("delivery round failed", metadata: ["delivery.channel": "\(channel.rawValue)", "delivery.error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.poll) }
        }
    }

    typealias Outcome = (item: CollectorStore.OutboxItem, error: String?, permanent: Bool)

    /// Writes what became of `outcomes`: sent, or failed with the next attempt or for good.
    private func record(_ outcomes: [Outcome]) async throws {
        guard !outcomes.isEmpty else { return }
        let now = clock()
        var sent: [Int64] = [], failed: [(id: Int64, error: String, retryAt: Date?)] = []
        for (item, error, permanent) in outcomes {
            guard let error else { sent.append(item.record.id); continue }
            let retryAt = permanent ? nil : retry.nextAttempt(afterFailures: item.record.attempts + 1, at: now)
            failed.append((item.record.id, error, retryAt))
            if retryAt == nil {
                logger.warning("notification failed for good", metadata: ["notification.id": "\(item.record.id)", "notification.channel": "\(item.record.channel.rawValue)",
                                                                           "delivery.error": "\(error)"])
            }
        }
        let store = self.store, done = sent, retries = failed
        try await threadPool.runIfActive { try store.recordDeliveries(sent: done, failed: retries, at: now) }
    }

    /// The round's mail through one session, each recorded once the relay answered; a message the
    /// server refuses fails alone, a broken session leaves the rest for the next round (untried, so no
    /// attempt is counted against them).
    private func sendMail(_ items: [CollectorStore.OutboxItem]) async throws {
        guard !items.isEmpty else { return }
        guard let mail else { return try await record(items.map { ($0, "mail is not configured (mail in the config file)", false) }) }
        let session: SMTPSession
        do {
            session = try await SMTPSession.open(mail.smtp)
        } catch {
            return try await record(items.map { ($0, "\(error)", false) })
        }
        do {
            try await send(items, through: session, mail)
        } catch {
            await session.close()
            throw error
        }
        await session.close()
    }

    /// Sends one by one until the session breaks (the rest wait for the next round).
    private func send(_ items: [CollectorStore.OutboxItem], through session: SMTPSession, _ mail: MailDelivery) async throws {
        for item in items {
            let message: MailMessage
            do {
                message = try compose(item, mail)
            } catch {
                // It can never be sent (not an address, a notice that does not read): a dead letter now.
                try await record([(item, "\(error)", true)])
                continue
            }
            do {
                try await session.send(message.bytes(), from: mail.from.description, to: message.to.description)
            } catch let error as SMTPError {
                try await record([(item, error.description, error.permanent)])
                if case .refused = error { continue }
                return
            } catch {
                try await record([(item, "\(error)", false)])
                return
            }
            try await record([(item, nil, false)])
        }
    }

    func compose(_ item: CollectorStore.OutboxItem, _ mail: MailDelivery) throws -> MailMessage {
        let notice = try JSONCoder.decode(Notice.self, from: item.notice)
        guard let to = MailAddress(item.record.recipient) else { throw DeliveryError("\(item.record.recipient) is not an address") }
        let (subject, text, html) = mail.composer.compose(notice, recipientName: item.recipientName)
        return MailMessage(from: mail.from, fromName: mail.fromName, to: to, subject: subject, messageID: "\(item.record.uuid)@\(mail.from.domain)",
                           thread: notice.ticket.map { "ticket-\($0.id)@\(mail.from.domain)" }, date: Self.date(notice.at) ?? clock(),
                           text: text, html: html, headers: [("X-Deskside-Event", notice.type.rawValue)])
    }

    /// Webhooks 16 at a time, each group recorded when it ends.
    private func sendWebhooks(_ items: [CollectorStore.OutboxItem]) async throws {
        let client = webhooks, clock = self.clock
        for start in stride(from: 0, to: items.count, by: 16) {
            let outcomes = await withTaskGroup(of: Outcome.self) { group in
                for item in items[start..<min(items.count, start + 16)] {
                    group.addTask {
                        let timestamp = Int64(clock().timeIntervalSince1970)
                        let headers = [("X-Deskside-Event", item.record.type), ("X-Deskside-Delivery", item.record.uuid),
                                       (WebhookSignature.header, WebhookSignature.sign(secret: item.webhookSecret ?? "", timestamp: timestamp, body: item.notice))]
                        do throws(WebhookClient.Failure) {
                            try await client.post(item.record.recipient, body: item.notice, headers: headers)
                            return (item, nil, false)
                        } catch {
                            if case .badURL = error { return (item, error.description, true) }
                            return (item, error.description, false)
                        }
                    }
                }
                var outcomes: [Outcome] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            try await record(outcomes)
        }
    }

    static func date(_ text: String) -> Date? {
        ISO8601.parse(text).map { Date(timeIntervalSince1970: $0) }
    }
}

struct DeliveryError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
