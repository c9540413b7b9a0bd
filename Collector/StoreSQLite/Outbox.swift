#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideHelpdesk
import DesksideJSON
import DesksideNotifications
import GRDB

/// Writes the notifications a change causes, inside the change's transaction: a row per person to
/// mail (when the collector sends mail) and per webhook subscribed to the event, each holding the
/// `Notice` as it will be sent. Who is told is `Recipients`' decision; preferences and addresses are
/// read here. Rows of one recipient about one ticket share an `orderKey`: the worker sends them in order.
struct Outbox {
    let db: Database

    /// The active technicians of a tier, told of its tickets (`account_tier_technicians`: the
    /// requesters, as many as the staff, are not read).
    static let tierTechnicians = "SELECT id FROM account WHERE role = 'technician' AND tier = ? AND status = 'active' ORDER BY id"
    /// The active admins, told of fault storms (`account_admins`).
    static let activeAdmins = "SELECT id FROM account WHERE role = 'admin' AND status = 'active' ORDER BY id"

    init(_ db: Database) {
        self.db = db
    }

    /// Whether a delivery worker sends mail (`deliveryChannel`): without one, no mail rows pile up.
    var mail: Bool {
        get throws { try Int.fetchOne(cached: db, sql: "SELECT 1 FROM deliveryChannel WHERE name = 'email'") != nil }
    }

    /// A line of a ticket's timeline: the notification it causes, if any (`Recipients.eventType`), to
    /// the people around the ticket and the webhooks.
    func ticketEvent(ticketID: Int64, kind: String, newValue: String?, internal isInternal: Bool, actor: String, text: String?, at time: String) throws {
        guard let facts = try ticketFacts(ticketID),
              let type = Recipients.eventType(timelineKind: kind, newValue: newValue, internal: isInternal, stormSummary: facts.source == "storm",
                                              stormMember: facts.stormID != nil) else { return }
        var details: [String: String] = [:]
        if let newValue { details["new"] = newValue }
        if facts.source == "storm" { details["faultCode"] = facts.faultCode ?? "" }
        try ticketNotice(type, facts: facts, actor: actor, text: isInternal ? nil : text, details: details, at: time)
    }

    /// An event on a ticket that is not a line of its timeline (SLA warnings, onboarding steps).
    func ticketNotice(_ type: EventType, ticketID: Int64, actor: String, text: String?, details: [String: String], at time: String) throws {
        guard let facts = try ticketFacts(ticketID) else { return }
        try ticketNotice(type, facts: facts, actor: actor, text: text, details: details, at: time)
    }

    private func ticketNotice(_ type: EventType, facts: TicketFacts, actor: String, text: String?, details: [String: String], at time: String) throws {
        let notice = Notice(id: Self.uuid(), type: type, at: time, actor: actor, ticket: facts.notice,
                            asset: try facts.assetID.flatMap { try asset($0) }, text: text.map { String($0.prefix(20_000)) }, details: details)
        var people: [Int64] = []
        if type.mailable, try mail {
            let actorID = try Int64.fetchOne(cached: db, sql: "SELECT id FROM account WHERE username = ?", arguments: [actor])
            let tier = try Int64.fetchAll(cached: db, sql: Self.tierTechnicians, arguments: [facts.tier])
            let admins = type == .faultStorm ? try Int64.fetchAll(cached: db, sql: Self.activeAdmins) : []
            people = Recipients.forTicket(type, parties: .init(requesterID: facts.requesterID, assigneeID: facts.assigneeID, tierTechnicianIDs: tier,
                                                               adminIDs: admins), actorID: actorID)
        }
        try write(notice, mailTo: people, orderSuffix: "t\(facts.id)")
    }

    /// Assets handed to a person: they are asked by mail to confirm receipt in the portal.
    func handoverNotice(accountID: Int64, handoverID: Int64, assets: [String], actor: String, at time: String) throws {
        let notice = Notice(id: Self.uuid(), type: .assetHandover, at: time, actor: actor, asset: nil, text: assets.joined(separator: "\n"),
                            details: ["handover": "\(handoverID)", "count": "\(assets.count)"])
        try write(notice, mailTo: try mail ? [accountID] : [], orderSuffix: "h\(handoverID)")
    }

    /// An event for webhooks only (faults, assets, tasks).
    func webhookNotice(_ type: EventType, actor: String, assetID: Int64?, text: String? = nil, details: [String: String], at time: String) throws {
        let hooks = try subscribers(type)
        guard !hooks.isEmpty else { return }
        let notice = Notice(id: Self.uuid(), type: type, at: time, actor: actor, asset: try assetID.flatMap { try asset($0) }, text: text, details: details)
        try write(notice, mailTo: [], orderSuffix: assetID.map { "a\($0)" } ?? "-", hooks: hooks)
    }

    private func write(_ notice: Notice, mailTo people: [Int64], orderSuffix: String, hooks: [(id: Int64, url: String)]? = nil) throws {
        let body = Data(try JSONCoder.encode(notice))
        for person in people {
            guard let row = try Row.fetchOne(cached: db, sql: """
                SELECT email, name FROM account WHERE id = ? AND status != 'departed' AND email != ''
                AND NOT EXISTS (SELECT 1 FROM notificationOptOut WHERE accountId = account.id AND type = ?)
                """, arguments: [person, notice.type.rawValue]) else { continue }
            try insert(notice, channel: "email", accountID: person, webhookID: nil, recipient: row["email"], name: row["name"],
                       orderKey: "m\(person):" + orderSuffix, body: body)
        }
        for hook in try hooks ?? subscribers(notice.type) {
            try insert(notice, channel: "webhook", accountID: nil, webhookID: hook.id, recipient: hook.url, name: "",
                       orderKey: "w\(hook.id):" + orderSuffix, body: body)
        }
    }

    private func insert(_ notice: Notice, channel: String, accountID: Int64?, webhookID: Int64?, recipient: String, name: String, orderKey: String,
                        body: Data) throws {
        try db.run("""
            INSERT INTO notification (uuid, eventId, type, channel, accountId, webhookId, recipient, recipientName, orderKey, ticketId, body,
                                      nextAttemptAt, createdAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [Self.uuid(), notice.id, notice.type.rawValue, channel, accountID, webhookID, recipient, name, orderKey, notice.ticket?.id,
                             body, notice.at, notice.at])
    }

    /// Active webhooks whose patterns cover `type`.
    private func subscribers(_ type: EventType) throws -> [(id: Int64, url: String)] {
        try Row.fetchAll(cached: db, sql: "SELECT id, url, events FROM webhook WHERE active = 1 ORDER BY id").compactMap { row in
            let patterns = (try? JSONCoder.decode([String].self, from: Array((row["events"] as String).utf8))) ?? []
            return patterns.contains(where: type.matches) ? (row["id"], row["url"]) : nil
        }
    }

    struct TicketFacts {
        var id: Int64
        var requesterID: Int64?
        var assigneeID: Int64?
        var tier: Int
        var source: String
        var stormID: Int64?
        var faultCode: String?
        var assetID: Int64?
        var notice: Notice.Ticket
    }

    private func ticketFacts(_ id: Int64) throws -> TicketFacts? {
        guard let row = try Row.fetchOne(cached: db, sql: """
            SELECT t.id, t.title, t.status, t.priority, t.tier, t.requesterId, t.assigneeId, t.source, t.stormId, t.faultCode,
                   r.name AS requester, a.username AS assignee, (SELECT min(assetId) FROM ticketAsset WHERE ticketId = t.id) AS assetId
            FROM ticket t LEFT JOIN account r ON r.id = t.requesterId LEFT JOIN account a ON a.id = t.assigneeId WHERE t.id = ?
            """, arguments: [id]) else { return nil }
        return TicketFacts(id: id, requesterID: row["requesterId"], assigneeID: row["assigneeId"], tier: row["tier"], source: row["source"],
                           stormID: row["stormId"], faultCode: row["faultCode"], assetID: row["assetId"],
                           notice: .init(id: id, title: row["title"], status: row["status"], priority: row["priority"], tier: row["tier"],
                                         requester: row["requester"], assignee: row["assignee"]))
    }

    private func asset(_ id: Int64) throws -> Notice.Asset? {
        try Row.fetchOne(cached: db, sql: "SELECT id, hostname FROM asset WHERE id = ?", arguments: [id]).map { Notice.Asset(id: $0["id"], hostname: $0["hostname"]) }
    }

    static func uuid() -> String { UUID().uuidString.lowercased() }
}
