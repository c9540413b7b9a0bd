public import Foundation
import DesksideJSON
public import DesksideMail
public import DesksideNotifications
public import DesksideStoreSQLite
public import Logging
public import NIOCore
public import NIOPosix
public import ServiceLifecycle

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

/// The delivery worker: every second, what is due in the outbox goes out, each channel at its rate
/// (`DeliveryRate`; mail through one SMTP session per round, webhooks up to 16 at a time), and the outcomes are written a second's worth
/// at a time (`Records`): sent, or failed with its next attempt (`RetryPolicy`), or failed for good.
/// It writes when it last ran once a minute, for `/api/v1/status`. A crash between a send and its
/// record sends that message again, the same message with the same id: never lost, a duplicate only
/// of what was in flight (at most a second's worth).
///
/// It keeps out of the agents' way: it sends at a set rate, its connections run on an event loop of its own and its
/// database calls on a thread of its own, both at a lower priority (`BackgroundThreads`), and its
/// records are one commit a second rather than one per message, so that reports' commits
/// seldom wait behind it for SQLite's single writer.
public final class OutboxWorker: Service {
    let store: CollectorStore
    let mail: MailDelivery?
    let webhooks: WebhookClient
    let retry: RetryPolicy
    let rates: Rates
    let group: any EventLoopGroup
    let threadPool: NIOThreadPool
    let logger: Logger
    let clock: @Sendable () -> Date
    let batch = 200
    let poll: Duration = .seconds(1)

    /// Each channel's rate.
    public struct Rates: Sendable {
        public var mail: DeliveryRate
        public var webhooks: DeliveryRate

        public init(mail: DeliveryRate = DeliveryRate(), webhooks: DeliveryRate = DeliveryRate()) {
            self.mail = mail
            self.webhooks = webhooks
        }
    }

    /// `group` and `threadPool` carry the worker's connections and database calls (and the webhook
    /// client's name lookups); `serve` gives it low-priority ones of its own.
    public init(store: CollectorStore, mail: MailDelivery?, webhooks: WebhookClient, retry: RetryPolicy = .standard, rates: Rates = Rates(),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, threadPool: NIOThreadPool = .singleton,
                logger: Logger, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.mail = mail
        var webhooks = webhooks
        webhooks.group = group
        webhooks.resolver = threadPool
        self.webhooks = webhooks
        self.retry = retry
        self.rates = rates
        self.group = group
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
        let pace = Pace(channel == .email ? rates.mail : rates.webhooks)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let now = clock()
            do {
                if channel == .email, now.timeIntervalSince(lastBeat) >= 60 {
                    try await threadPool.runIfActive { try store.recordWorkerRun("delivery", at: now) }
                    lastBeat = now
                }
                let batch = pace.rate.roundSize(limit: self.batch)
                let due = try await threadPool.runIfActive { try store.dueNotifications(now: now, limit: batch, channel: channel) }
                if !due.isEmpty {
                    let records = Records(worker: self)
                    do {
                        switch channel {
                        case .email: try await sendMail(due, records, pace)
                        case .webhook: try await sendWebhooks(due, records, pace)
                        }
                    } catch {
                        try await records.flush()
                        throw error
                    }
                    try await records.flush()
                    continue
                }
            } catch {
                logger.error("delivery round failed", metadata: ["delivery.channel": "\(channel.rawValue)", "delivery.error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.poll) }
        }
    }

    typealias Outcome = (item: CollectorStore.OutboxItem, error: String?, permanent: Bool)

    /// What became of a round's messages, written a second's worth at a time, and what is
    /// left when the round ends or breaks off: one commit for many messages.
    final class Records {
        static let interval: TimeInterval = 1
        let worker: OutboxWorker
        var outcomes: [Outcome] = []
        var since: Date

        init(worker: OutboxWorker) {
            self.worker = worker
            since = worker.clock()
        }

        func add(_ more: Outcome...) async throws {
            try await add(more)
        }

        func add(_ more: [Outcome]) async throws {
            outcomes += more
            if worker.clock().timeIntervalSince(since) >= Self.interval { try await flush() }
        }

        func flush() async throws {
            let written = outcomes
            outcomes = []
            since = worker.clock()
            try await worker.record(written)
        }
    }

    /// A channel's rate on the monotonic clock.
    final class Pace {
        var rate: DeliveryRate
        let start = ContinuousClock.now

        init(_ rate: DeliveryRate) {
            self.rate = rate
        }

        /// Waits for the next message's slot; false when the collector is stopping (the round ends
        /// there, the rest untried).
        func next() async -> Bool {
            let elapsed = (ContinuousClock.now - start) / .seconds(1)
            let wait = rate.take(at: elapsed)
            if wait > 0 { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(wait)) } }
            return !Task.isCancelled && !Task.isShuttingDownGracefully
        }
    }

    /// Writes what became of `outcomes`: sent, or failed with the next attempt or for good.
    func record(_ outcomes: [Outcome]) async throws {
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

    /// The round's mail through one session; a message the server refuses fails alone, a broken
    /// session leaves the rest for the next round (untried, so no attempt is counted against them).
    private func sendMail(_ items: [CollectorStore.OutboxItem], _ records: Records, _ pace: Pace) async throws {
        guard !items.isEmpty else { return }
        guard let mail else { return try await records.add(items.map { ($0, "mail is not configured (mail in the config file)", false) }) }
        let session: SMTPSession
        do {
            session = try await SMTPSession.open(mail.smtp, group: group)
        } catch {
            return try await records.add(items.map { ($0, "\(error)", false) })
        }
        do {
            try await send(items, through: session, mail, records, pace)
        } catch {
            await session.close()
            throw error
        }
        await session.close()
    }

    /// Sends one by one until the session breaks (the rest wait for the next round).
    private func send(_ items: [CollectorStore.OutboxItem], through session: SMTPSession, _ mail: MailDelivery, _ records: Records, _ pace: Pace) async throws {
        for item in items {
            guard await pace.next() else { return }
            let message: MailMessage
            do {
                message = try compose(item, mail)
            } catch {
                // It can never be sent (not an address, a notice that does not read): a dead letter now.
                try await records.add((item, "\(error)", true))
                continue
            }
            do {
                try await session.send(message.bytes(), from: mail.from.description, to: message.to.description)
            } catch let error as SMTPError {
                try await records.add((item, error.description, error.permanent))
                if case .refused = error { continue }
                return
            } catch {
                try await records.add((item, "\(error)", false))
                return
            }
            try await records.add((item, nil, false))
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

    /// Webhooks up to 16 at a time, each started at its slot.
    private func sendWebhooks(_ items: [CollectorStore.OutboxItem], _ records: Records, _ pace: Pace) async throws {
        let client = webhooks, clock = self.clock
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var running = 0
            for item in items {
                if running == 16, let outcome = try await group.next() {
                    running -= 1
                    try await records.add(outcome)
                }
                guard await pace.next() else { break }
                running += 1
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
            for try await outcome in group { try await records.add(outcome) }
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
