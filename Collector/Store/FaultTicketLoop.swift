#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideHelpdesk
import DesksideInventory
import GRDB

/// A fault as stored before a report replaced the asset's faults.
struct StoredFault {
    var fingerprint: String
    var code: String
    var subject: String
    var severity: String
    var summary: String
}

/// The fault-to-ticket loop, run inside the transaction that stores an asset's faults, so a ticket
/// exists the moment the report is acknowledged. One ticket per (asset, fault code):
/// - a code that appears opens a ticket when its rule says so (requested by the asset's owner, in the
///   rule's tier and category, priority from its impact and urgency, one step more urgent for a
///   critical fault), unless the code's ticket is still open;
/// - reported again, it updates that ticket: a count, and an event when it returns or its summary changes;
/// - cleared, the ticket is resolved with a note saying so;
/// - back within the reopen window of that resolution, the same ticket is reopened;
/// - more than `stormThreshold` new tickets of one code within the storm window is a storm: each
///   machine still gets its ticket, filed under one summary ticket that stays in the queue instead.
struct FaultTicketLoop {
    let db: Database
    let assetID: Int64
    let date: Date
    let settings: HelpdeskSettings

    private var now: String { Timestamp.text(date) }
    private let actor = Principal.system.actor

    struct Link {
        var ticketID: Int64
        var status: TicketStatus
        var resolvedAt: String?
    }

    func run(current: [Fault], previous: [StoredFault]) throws {
        let previousCodes = Set(previous.map(\.code))
        let byCode = Dictionary(grouping: current, by: \.code)
        let codes = previousCodes.union(byCode.keys)
        guard !codes.isEmpty else { return }
        var links: [String: Link] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT f.code, f.ticketId, t.status, t.resolvedAt FROM faultTicket AS f JOIN ticket AS t ON t.id = f.ticketId WHERE f.assetId = ?
            """), arguments: [assetID]) {
            links[row["code"]] = Link(ticketID: row["ticketId"], status: TicketStatus(rawValue: row["status"]) ?? .new, resolvedAt: row["resolvedAt"])
        }
        for (code, faults) in byCode.sorted(by: { $0.key < $1.key }) {
            let appeared = !previousCodes.contains(code)
            let link = links[code]
            if let link {
                if link.status.isOpen {
                    let oldSummaries = Set(previous.filter { $0.code == code }.map(\.summary))
                    let newSummaries = Set(faults.map(\.summary))
                    if appeared || oldSummaries != newSummaries {
                        try CollectorStore.event(db, ticket: link.ticketID, at: now, actor: actor, kind: "fault",
                                                 body: (appeared ? "reported again: " : "now: ") + faults.map(\.summary).joined(separator: "; "))
                    }
                    try touch(code)
                    continue
                }
                if !appeared {
                    // Resolved by hand while the fault persists: the ticket stays as the technician left it.
                    try touch(code)
                    continue
                }
            }
            // A rule switched off opens nothing and reopens nothing from now on.
            let rule = try rule(for: code)
            guard rule.opensTicket else { continue }
            if let link, let resolvedAt = link.resolvedAt,
               resolvedAt >= Timestamp.text(date.addingTimeInterval(-Double(settings.faultLoop.reopenWindowDays) * 86400)),
               let ticket = try CollectorStore.fetchTicket(db, id: link.ticketID) {
                try CollectorStore.reopen(db, ticket: ticket, actor: actor, reason: "the fault came back: " + faults.map(\.summary).joined(separator: "; "),
                                          at: date, levels: settings.serviceLevels)
                try touch(code)
                continue
            }
            try open(code: code, faults: faults, rule: rule)
        }
        for code in previousCodes.subtracting(byCode.keys).sorted() {
            guard let link = links[code], link.status.isOpen, let ticket = try CollectorStore.fetchTicket(db, id: link.ticketID) else { continue }
            try CollectorStore.resolve(db, ticket: ticket, notes: "Resolved automatically: the agent no longer reports \(code) (fault cleared at \(now)).",
                                       actor: actor, time: now)
            if let storm = ticket.stormId { try resolveStormIfCleared(storm) }
        }
    }

    /// A storm's summary resolves on its own once none of the machines' tickets under it is open.
    private func resolveStormIfCleared(_ storm: Int64) throws {
        guard try Int.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM ticket WHERE stormId = ? AND status NOT IN ('resolved', 'closed') LIMIT 1"),
                               arguments: [storm]) == nil,
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
        let hostname = (asset?["label"] as String?) ?? "asset \(assetID)"
        let critical = faults.contains { $0.severity == .critical }
        let urgency = rule.urgency(critical: critical)
        let summary = faults.map(\.summary).joined(separator: "; ")
        let description = faults.map { fault in
            "\(fault.summary)\n" + fault.facts.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }.joined(separator: "\n")
        }.joined(separator: "\n\n")
        let new = CollectorStore.NewTicket(title: String("\(hostname): \(summary)".prefix(200)), description: description,
                                           requesterId: asset?["ownerId"], category: rule.category, impact: rule.impact, urgency: urgency,
                                           tier: rule.tier, assetIds: [assetID], source: "fault")
        let storm = try stormTicket(code: code, rule: rule)
        let id = try CollectorStore.insertTicket(db, new, faultCode: code, stormId: storm, actor: actor,
                                                 body: "opened from fault \(code) on \(hostname)", now: date, levels: settings.serviceLevels)
        try db.run("""
            INSERT INTO faultTicket (assetId, code, ticketId, lastReportedAt, reportCount) VALUES (?, ?, ?, ?, 1)
            ON CONFLICT (assetId, code) DO UPDATE SET ticketId = excluded.ticketId, lastReportedAt = excluded.lastReportedAt, reportCount = 1
            """, arguments: [assetID, code, id, now])
        if let storm {
            let members = try Int.fetchOne(db, sql: "SELECT count(*) FROM ticket WHERE stormId = ?", arguments: [storm]) ?? 0
            try db.run("UPDATE ticket SET title = ?, updatedAt = ? WHERE id = ?",
                       arguments: ["Fault storm: \(code) on \(members + settings.faultLoop.stormThreshold) machines", now, storm])
        }
    }

    /// During a storm of `code`, the open summary ticket new tickets of that code are filed under
    /// (created with the storm's first overflow); `nil` when there is no storm.
    private func stormTicket(code: String, rule: FaultRule) throws -> Int64? {
        let since = Timestamp.text(date.addingTimeInterval(-Double(settings.faultLoop.stormWindowMinutes) * 60))
        let recent = try Int.fetchOne(db.cachedStatement(sql: """
            SELECT count(*) FROM ticket WHERE faultCode = ? AND source = 'fault' AND stormId IS NULL AND createdAt >= ?
            """), arguments: [code, since]) ?? 0
        if let open = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT id FROM ticket WHERE source = 'storm' AND faultCode = ? AND status NOT IN ('resolved', 'closed') ORDER BY id DESC LIMIT 1
            """), arguments: [code]) {
            if try recent >= settings.faultLoop.stormThreshold || stormIsRecent(open, since: since) { return open }
        }
        guard recent >= settings.faultLoop.stormThreshold else { return nil }
        let summary = CollectorStore.NewTicket(
            title: "Fault storm: \(code) on many machines",
            description: "More than \(settings.faultLoop.stormThreshold) machines reported \(code) within \(settings.faultLoop.stormWindowMinutes) minutes. "
                + "Each has its own ticket, filed under this one; resolving this ticket resolves them all.",
            requesterId: nil, category: rule.category, impact: .high, urgency: rule.urgency, tier: rule.tier, assetIds: [], source: "storm")
        return try CollectorStore.insertTicket(db, summary, faultCode: code, stormId: nil, actor: actor, body: "storm detected",
                                               now: date, levels: settings.serviceLevels)
    }

    /// An open storm keeps collecting its code's new tickets while members keep arriving within the window.
    private func stormIsRecent(_ storm: Int64, since: String) throws -> Bool {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM ticket WHERE stormId = ? AND createdAt >= ? LIMIT 1"), arguments: [storm, since]) != nil
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
