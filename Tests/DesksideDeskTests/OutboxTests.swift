import DesksideDesk
import DesksideHelpdesk
import DesksideJSON
import DesksideNotifications
import DesksideStoreSQLite
import DesksideTestSupport
import Foundation
import Testing

/// The outbox on a real SQLite file: each change writes its notifications in its own transaction,
/// to the people `Recipients` names, minus preferences; the worker is given one message per
/// recipient and ticket at a time, retried, then dead, then sent again on request; SLA warnings
/// come once at 80 % of a target.
@Suite struct OutboxTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    final class World: Sendable {
        let directory: String
        let store: CollectorStore
        let desk: Desk
        let clock = TestClock(OutboxTests.start)
        let jd: Principal, tess: Principal, tom: Principal

        init(mail: Bool = true) async throws {
            directory = try Fixtures.temporaryDirectory()
            store = try CollectorStore(path: directory + "/deskside.sqlite")
            let clock = self.clock
            let desk = Desk(store: store, passwordCost: 4, clock: { clock.now })
            self.desk = desk
            try store.setMailChannel(open: mail, now: OutboxTests.start)
            let person = { (username: String, role: Role, tier: Int?) async throws -> Principal in try await World.person(desk, username, role, tier: tier) }
            jd = try await person("jd", .requester, nil)
            tess = try await person("tess", .technician, 1)
            tom = try await person("tom", .technician, 1)
            _ = try await person("ann", .admin, nil)
            _ = try await desk.createAccount(.system, .init(username: "tier2", name: "Tier Two", email: "t2@example.com", role: .technician, tier: 2), password: nil)
        }

        static func person(_ desk: Desk, _ username: String, _ role: Role, tier: Int?) async throws -> Principal {
            let account = try await desk.createAccount(.system, .init(username: username, name: username.capitalized, email: "\(username)@example.com",
                                                                role: role, tier: tier), password: "correct horse \(username)")
            return Principal(role: role, accountID: account.id, tier: tier, actor: username)
        }

        func at(_ seconds: Double) { clock.at(seconds) }
        var all: [CollectorStore.NotificationRecord] { get throws { try desk.notifications(.system, state: nil, limit: 500, offset: 0).items.reversed() } }
        /// Who was mailed about what, in order.
        func mails(after count: Int = 0) throws -> [String] {
            try all.dropFirst(count).filter { $0.channel == .email }.map { "\($0.type) \($0.recipient.prefix { $0 != "@" })" }
        }
        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test func eachChangeTellsThePeopleAroundTheTicket() async throws {
        let world = try await World()
        defer { world.remove() }
        let ticket = try world.desk.createTicket(world.jd, .init(title: "VPN down", description: "since this morning"))
        #expect(try world.mails() == ["ticket.opened jd", "ticket.opened tess", "ticket.opened tom"], "the acknowledgement and the tier's queue")
        let events = Set(try world.all.map(\.eventId))
        #expect(events.count == 1, "one event, one id for all its recipients")

        var seen = try world.all.count
        _ = try world.desk.change(world.tess, ticketID: ticket.id, .comment(body: "looking", internal: true))
        #expect(try world.mails(after: seen).isEmpty, "an internal note tells nobody")
        _ = try world.desk.change(world.tess, ticketID: ticket.id, .comment(body: "Try again now?", internal: false))
        #expect(try world.mails(after: seen) == ["ticket.commented jd", "ticket.commented tom"], "not the author")

        seen = try world.all.count
        _ = try world.desk.change(world.tom, ticketID: ticket.id, .assign(accountID: world.tess.accountID))
        #expect(try world.mails(after: seen) == ["ticket.assigned tess"])
        seen = try world.all.count
        _ = try world.desk.change(world.jd, ticketID: ticket.id, .comment(body: "Still down", internal: false))
        #expect(try world.mails(after: seen) == ["ticket.commented tess"], "the assignee, no longer the whole tier")

        seen = try world.all.count
        _ = try await world.desk.setMailPreferences(world.jd, [.init(type: "ticket.commented", mailed: false)])
        _ = try world.desk.change(world.tess, ticketID: ticket.id, .comment(body: "Fixed on our side", internal: false))
        #expect(try world.mails(after: seen).isEmpty, "jd turned comments off")
        seen = try world.all.count
        _ = try world.desk.change(world.tess, ticketID: ticket.id, .resolve(notes: "The VPN gateway was restarted.", articleIDs: []))
        #expect(try world.mails(after: seen) == ["ticket.resolved jd"])
        // Everything before it sent, the resolution is what the worker gets next.
        var due = try world.store.dueNotifications(now: Date.distantFuture, limit: 500)
        while let first = due.first, !due.contains(where: { $0.record.type == "ticket.resolved" }) {
            try world.store.recordDeliveries(sent: due.map(\.record.id), failed: [], at: Self.start)
            due = try world.store.dueNotifications(now: Date.distantFuture, limit: 500)
            #expect(due.first?.record.id != first.record.id)
        }
        let notice = try #require(due.first { $0.record.type == "ticket.resolved" })
        #expect(notice.record.type == "ticket.resolved")
        #expect(String(decoding: notice.notice, as: UTF8.self).contains("The VPN gateway was restarted."), "the notice holds what it says")
        #expect(try await world.desk.mailPreferences(world.jd).first { $0.type == "ticket.commented" }?.mailed == false)
    }

    @Test func withoutMailOnlyWebhooksAreWritten() async throws {
        let world = try await World(mail: false)
        defer { world.remove() }
        let hook = try await world.desk.createWebhook(.system, url: "https://hooks.example.com/desk", events: ["ticket.*"])
        #expect(hook.secret.hasPrefix("whsec_") && hook.secret.count > 60)
        _ = try world.desk.createTicket(world.jd, .init(title: "Printer", description: "jammed"))
        let rows = try world.all
        #expect(rows.map(\.channel) == [.webhook] && rows.first?.recipient == "https://hooks.example.com/desk")
        await #expect(throws: HelpdeskError.self) { try await world.desk.createWebhook(.system, url: "https://hooks.example.com/x", events: ["tickets.*"]) }
        await #expect(throws: HelpdeskError.forbidden) { try await world.desk.createWebhook(world.tess, url: "https://hooks.example.com/x", events: ["*"]) }
        #expect(try world.desk.outboxHealth().mail == false)
    }

    @Test func theWorkerGetsOneMessagePerRecipientAndTicketAtATime() async throws {
        let world = try await World()
        defer { world.remove() }
        let ticket = try world.desk.createTicket(world.jd, .init(title: "Screen", description: "black"))
        for text in ["one", "two"] { _ = try world.desk.change(world.tess, ticketID: ticket.id, .comment(body: text, internal: false)) }
        func due(_ at: Double) throws -> [CollectorStore.OutboxItem] {
            try world.store.dueNotifications(now: Self.start.addingTimeInterval(at), limit: 100).filter { $0.record.recipient == "jd@example.com" }
        }
        let jd = try world.all.filter { $0.recipient == "jd@example.com" }
        #expect(jd.map(\.type) == ["ticket.opened", "ticket.commented", "ticket.commented"])
        #expect(try due(0).map(\.record.id) == [jd[0].id], "the next waits for the first")

        try world.store.recordDeliveries(sent: [], failed: [(jd[0].id, "421 busy", Self.start.addingTimeInterval(60))], at: Self.start)
        #expect(try due(30).isEmpty, "not before its retry, and the others wait behind it")
        #expect(try due(61).map(\.record.id) == [jd[0].id])
        try world.store.recordDeliveries(sent: [], failed: [(jd[0].id, "550 no such user", nil)], at: Self.start)
        let dead = try #require(try world.store.notification(id: jd[0].id))
        #expect(dead.state == .failed && dead.attempts == 2 && dead.lastError == "550 no such user")
        #expect(try due(0).map(\.record.id) == [jd[1].id], "a dead letter no longer holds the queue")
        #expect(try world.desk.notifications(.system, state: .failed, limit: 10, offset: 0).items.map(\.id) == [jd[0].id])
        #expect(try world.desk.outboxHealth().failed == 1)

        try world.store.recordDeliveries(sent: [jd[1].id], failed: [], at: Self.start)
        #expect(try world.store.notification(id: jd[1].id)?.state == .sent)
        let again = try world.desk.resendNotification(world.tess, id: jd[0].id)
        #expect(again.state == .pending && again.attempts == 0)
        #expect(try due(0).map(\.record.id) == [jd[0].id], "sent again, before the ones after it")
        #expect(throws: HelpdeskError.self) { try world.desk.resendNotification(world.tess, id: jd[1].id) }
        #expect(throws: HelpdeskError.forbidden) { try world.desk.resendNotification(world.jd, id: jd[0].id) }
    }

    @Test func anSLAWarningComesOnceAtEightyPercentAndABreachOnce() async throws {
        let world = try await World()
        defer { world.remove() }
        let ticket = try world.desk.createTicket(world.tess, .init(title: "Laptop slow", description: "x", requesterId: world.jd.accountID, impact: .high, urgency: .high))
        let created = try #require(ISO8601.parse(ticket.createdAt).map(Date.init(timeIntervalSince1970:)))
        let due = try #require(ISO8601.parse(ticket.responseDueAt).map(Date.init(timeIntervalSince1970:)))
        let seen = try world.all.count
        world.at(due.timeIntervalSince(created) * 0.79)
        #expect(try world.desk.sweep().tickets.atRisk == 0)
        world.at(due.timeIntervalSince(created) * 0.81)
        #expect(try world.desk.sweep().tickets.atRisk == 1)
        #expect(try world.desk.sweep().tickets.atRisk == 0, "once")
        #expect(try world.mails(after: seen) == ["ticket.sla.atRisk tess", "ticket.sla.atRisk tom"])
        let warned = try world.all.count
        world.at(due.timeIntervalSince(created) + 60)
        let result = try world.desk.sweep().tickets
        #expect(result.responseBreaches == 1 && result.escalated == 1)
        #expect(try world.mails(after: warned) == ["ticket.sla.breached tess", "ticket.sla.breached tom", "ticket.escalated t2"],
                "the tier that missed it, then the tier it went to")
    }
}

