#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideHelpdesk
import DesksideInventory
import DesksideJSON
import GRDB

/// A fault as stored before a report replaced the asset's faults.
struct StoredFault {
    var fingerprint: String
    var code: String
    var subject: String
    var severity: String
    var summary: String
}

/// Carries out the fault-to-ticket loop's steps (`FaultLoop`, `FaultStorm` in the domain) inside the
/// transaction that stores an asset's faults: reads what they decide from, and writes what they decided.
struct FaultTicketLoop {
    // The storm lookups run for every fault ticket opened or resolved, so each is one index seek
    // whatever the fleet's size (v20's partial indexes; QueryPlanTests holds them to it).
    /// Tickets of a fault code opened lately outside any storm (`ticket_fault_recent`).
    static let recentFaultTickets = "SELECT count(*) FROM ticket WHERE faultCode = ? AND source = 'fault' AND stormId IS NULL AND createdAt >= ?"
    /// The open storm of a fault code (`ticket_storm_open`).
    static let openStorm = "SELECT id FROM ticket WHERE source = 'storm' AND faultCode = ? AND status NOT IN ('resolved', 'closed') ORDER BY id DESC LIMIT 1"
    /// Whether a machine joined the storm lately (`ticket_storm`, covering).
    static let stormJoinedSince = "SELECT 1 FROM ticket WHERE stormId = ? AND createdAt >= ? LIMIT 1"
    /// An open ticket under the storm (`ticket_storm_unresolved`).
    static let openStormMember = "SELECT 1 FROM ticket WHERE stormId = ? AND status NOT IN ('resolved', 'closed') LIMIT 1"
    /// The storm's machines, for its title (`ticket_storm`, covering; grows with the storm, not the fleet).
    static let stormMembers = "SELECT count(*) FROM ticket WHERE stormId = ?"

    let db: Database
    let assetID: Int64
    let date: Date
    let settings: HelpdeskSettings

    private var now: String { Timestamp.text(date) }
    private let actor = Principal.system.actor

    func run(current: [Fault], previous: [StoredFault]) throws {
        guard !current.isEmpty || !previous.isEmpty else { return }
        var links: [String: FaultLoop.Link] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT f.code, f.ticketId, t.status, t.resolvedAt FROM faultTicket AS f JOIN ticket AS t ON t.id = f.ticketId WHERE f.assetId = ?
            """), arguments: [assetID]) {
            let resolvedAt = (row["resolvedAt"] as String?).flatMap(ISO8601.parse).map(Date.init(timeIntervalSince1970:))
            links[row["code"]] = FaultLoop.Link(ticketID: row["ticketId"], status: TicketStatus(rawValue: row["status"]) ?? .new, resolvedAt: resolvedAt)
        }
        let steps = try FaultLoop.steps(current: current, previous: previous.map { FaultLoop.Reported(code: $0.code, summary: $0.summary) },
                                        links: links, now: date, settings: settings.faultLoop, rule: rule(for:))
        for step in steps {
            switch step {
            case let .update(code, ticketID, note):
                if let note { try CollectorStore.event(db, ticket: ticketID, at: now, actor: actor, kind: "fault", body: note) }
                try touch(code)
            case let .count(code):
                try touch(code)
            case let .reopen(code, ticketID, reason):
                guard let ticket = try CollectorStore.fetchTicket(db, id: ticketID) else { continue }
                try CollectorStore.reopen(db, ticket: ticket, actor: actor, reason: reason, at: date, levels: settings.serviceLevels)
                try touch(code)
            case let .open(code, rule, faults):
                try open(code: code, faults: faults, rule: rule)
            case let .resolve(_, ticketID, notes):
                guard let ticket = try CollectorStore.fetchTicket(db, id: ticketID) else { continue }
                try CollectorStore.resolve(db, ticket: ticket, notes: notes, actor: actor, time: now)
                if let storm = ticket.stormId { try resolveStormIfCleared(storm) }
            }
        }
    }

    /// A storm's summary resolves on its own once none of the machines' tickets under it is open.
    private func resolveStormIfCleared(_ storm: Int64) throws {
        guard try Int.fetchOne(db.cachedStatement(sql: Self.openStormMember), arguments: [storm]) == nil,
              let summary = try CollectorStore.fetchTicket(db, id: storm), summary.status.isOpen else { return }
        try CollectorStore.resolve(db, ticket: summary, notes: "Resolved automatically: every machine in the storm has cleared the fault.",
                                   actor: actor, time: now)
    }

    private func touch(_ code: String) throws {
        try db.run("UPDATE faultTicket SET lastReportedAt = ?, reportCount = reportCount + 1 WHERE assetId = ? AND code = ?",
                   arguments: [now, assetID, code])
    }

    /// The stored rule for `code`, or the default.
    func rule(for code: String) throws -> FaultRule {
        try FaultRules.fetch(db, code: code) ?? FaultRule.defaultRule(for: code)
    }

    private func open(code: String, faults: [Fault], rule: FaultRule) throws {
        // The machine's name; equipment without an agent goes by the name staff gave it, or its tag.
        let asset = try Row.fetchOne(db.cachedStatement(sql: "SELECT coalesce(hostname, name, tag) AS label, ownerId FROM asset WHERE id = ?"), arguments: [assetID])
        let label = (asset?["label"] as String?) ?? "asset \(assetID)"
        let ticket = FaultLoop.ticket(for: faults, on: label, rule: rule)
        let new = CollectorStore.NewTicket(title: ticket.title, description: ticket.description, requesterId: asset?["ownerId"], category: ticket.category,
                                           impact: ticket.impact, urgency: ticket.urgency, tier: ticket.tier, assetIds: [assetID], source: "fault")
        let storm = try stormTicket(code: code, rule: rule)
        let id = try CollectorStore.insertTicket(db, new, faultCode: code, stormId: storm, actor: actor,
                                                 body: "opened from fault \(code) on \(label)", now: date, levels: settings.serviceLevels)
        try db.run("""
            INSERT INTO faultTicket (assetId, code, ticketId, lastReportedAt, reportCount) VALUES (?, ?, ?, ?, 1)
            ON CONFLICT (assetId, code) DO UPDATE SET ticketId = excluded.ticketId, lastReportedAt = excluded.lastReportedAt, reportCount = 1
            """, arguments: [assetID, code, id, now])
        if let storm {
            let members = try Int.fetchOne(db.cachedStatement(sql: Self.stormMembers), arguments: [storm]) ?? 0
            try db.run("UPDATE ticket SET title = ?, updatedAt = ? WHERE id = ?",
                       arguments: [FaultStorm.title(code: code, members: members, settings: settings.faultLoop), now, storm])
        }
    }

    /// The open storm summary a new ticket of `code` is filed under (opened when the storm starts);
    /// `nil` when there is no storm.
    private func stormTicket(code: String, rule: FaultRule) throws -> Int64? {
        let since = Timestamp.text(date.addingTimeInterval(-Double(settings.faultLoop.stormWindowMinutes) * 60))
        let recent = try Int.fetchOne(db.cachedStatement(sql: Self.recentFaultTickets), arguments: [code, since]) ?? 0
        let open = try Int64.fetchOne(db.cachedStatement(sql: Self.openStorm), arguments: [code])
        let joinedRecently = { try Int.fetchOne(db.cachedStatement(sql: Self.stormJoinedSince), arguments: [open, since]) != nil }
        switch try FaultStorm.decide(recent: recent, openStorm: open, joinedRecently: joinedRecently, settings: settings.faultLoop) {
        case .none: return nil
        case .fileUnder(let storm): return storm
        case .start:
            let summary = FaultStorm.summary(code: code, rule: rule, settings: settings.faultLoop)
            let new = CollectorStore.NewTicket(title: summary.title, description: summary.description, requesterId: nil, category: summary.category,
                                               impact: summary.impact, urgency: summary.urgency, tier: summary.tier, assetIds: [], source: "storm")
            return try CollectorStore.insertTicket(db, new, faultCode: code, stormId: nil, actor: actor, body: "storm detected",
                                                   now: date, levels: settings.serviceLevels)
        }
    }
}

/// Stored fault rules (an admin's changes to the defaults).
enum FaultRules {
    static func fetch(_ db: Database, code: String) throws -> FaultRule? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT opensTicket, category, impact, urgency, tier FROM faultRule WHERE code = ?"), arguments: [code]).map {
            FaultRule(code: code, opensTicket: $0["opensTicket"], category: $0["category"], impact: Level(rawValue: $0["impact"]) ?? .low,
                      urgency: Level(rawValue: $0["urgency"]) ?? .medium, tier: $0["tier"])
        }
    }
}
