#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideHelpdesk
import DesksideJSON
import GRDB

extension CollectorStore {
    /// Applies one change to a ticket in one transaction, checking that the move makes sense from
    /// the ticket's current status (permissions are the service's business). Returns the ticket after.
    public func applyTicketChange(_ change: TicketChange, ticketID: Int64, by principal: Principal, now: Date) throws -> Ticket {
        try pool.write { db in
            guard let ticket = try Self.fetchTicket(db, id: ticketID) else { throw HelpdeskError.notFound }
            try Self.apply(change, to: ticket, db: db, actor: principal.actor, isStaff: principal.role.worksTickets, now: now, levels: helpdesk.serviceLevels)
            return try Self.fetchTicket(db, id: ticketID)!
        }
    }

    static func apply(_ change: TicketChange, to ticket: Ticket, db: Database, actor: String, isStaff: Bool, now: Date, levels: ServiceLevels,
                      notify: Bool = true) throws {
        let time = Timestamp.text(now)
        let id = ticket.id
        func setStatus(_ status: TicketStatus) throws {
            guard status != ticket.status else { return }
            try db.run("UPDATE ticket SET status = ? WHERE id = ?", arguments: [status.rawValue, id])
            try event(db, ticket: id, at: time, actor: actor, kind: "status", field: "status", old: ticket.status.rawValue, new: status.rawValue)
        }
        /// A technician's first public answer or start of work is the response the SLA measures.
        func responded() throws {
            guard isStaff, ticket.firstResponseAt == nil else { return }
            try db.run("UPDATE ticket SET firstResponseAt = ?, responseBreached = responseBreached OR responseDueAt < ? WHERE id = ?",
                       arguments: [time, time, id])
        }
        try change.check(status: ticket.status, tier: ticket.tier)
        switch change {
        case .comment(let body, let isInternal):
            try event(db, ticket: id, at: time, actor: actor, kind: isInternal ? "note" : "comment", body: body, internal: isInternal, notify: notify)
            if !isInternal { try responded() }
        case .assign(let accountID):
            var username: String?
            if let accountID {
                guard let row = try Row.fetchOne(cached: db, sql: "SELECT username, role, status FROM account WHERE id = ?", arguments: [accountID]),
                      Role(rawValue: row["role"])?.worksTickets == true, AccountStatus(rawValue: row["status"]) != .departed else {
                    throw HelpdeskError.unprocessable("tickets are assigned to active technicians or admins")
                }
                username = row["username"]
            }
            try db.run("UPDATE ticket SET assigneeId = ? WHERE id = ?", arguments: [accountID, id])
            try event(db, ticket: id, at: time, actor: actor, kind: "assigned", field: "assignee", old: ticket.assignee, new: username)
            try setStatus(TicketChange.status(ticket.status, afterAssigningTo: accountID))
        case .escalate(let reason):
            try escalate(db, ticket: ticket, actor: actor, reason: reason, time: time)
        case .move(let status):
            try setStatus(status)
            if status == .inProgress { try responded() }
        case .reprioritize(let impact, let urgency):
            let priority = Priority(impact: impact, urgency: urgency)
            let created = ISO8601.parse(ticket.createdAt).map { Date(timeIntervalSince1970: $0) } ?? now
            let due = levels.dueTimes(priority, from: created)
            try db.run("UPDATE ticket SET impact = ?, urgency = ?, priority = ?, responseDueAt = ?, resolutionDueAt = ? WHERE id = ?",
                       arguments: [impact.rawValue, urgency.rawValue, priority.rawValue, Timestamp.text(due.response), Timestamp.text(due.resolution), id])
            try event(db, ticket: id, at: time, actor: actor, kind: "priority", field: "priority", old: ticket.priority.rawValue, new: priority.rawValue)
        case .resolve(let notes, let articleIDs):
            try resolve(db, ticket: ticket, notes: notes, actor: actor, time: time)
            if ticket.source == "storm" {
                // Resolving a storm's summary resolves the machines' tickets filed under it.
                let members = try Row.fetchAll(cached: db, sql: "SELECT \(ticketColumns) WHERE t.stormId = ? AND t.status NOT IN ('resolved', 'closed')",
                                               arguments: [id]).map(CollectorStore.ticket)
                for member in members {
                    try resolve(db, ticket: member, notes: "Resolved with fault storm #\(id): \(notes)", actor: actor, time: time)
                }
            }
            for article in Set(articleIDs) {
                guard try Int.fetchOne(cached: db, sql: "SELECT 1 FROM article WHERE id = ?", arguments: [article]) != nil else {
                    throw HelpdeskError.unprocessable("no article \(article)")
                }
                try db.run("INSERT OR IGNORE INTO ticketArticle (ticketId, articleId) VALUES (?, ?)", arguments: [id, article])
                if db.changesCount == 1 { try db.run("UPDATE article SET helpedCount = helpedCount + 1 WHERE id = ?", arguments: [article]) }
            }
            try responded()
        case .close:
            try close(db, ticket: id, actor: actor, time: time, note: nil)
        case .reopen(let reason):
            try reopen(db, ticket: ticket, actor: actor, reason: reason, at: now, levels: levels)
        case .rate(let rating, let comment):
            // A new rating (after a reopening and a new resolution, or a change of mind) replaces the last.
            try db.run("UPDATE ticket SET rating = ?, ratingComment = ? WHERE id = ?", arguments: [rating, comment, id])
            try event(db, ticket: id, at: time, actor: actor, kind: "rated", field: "rating", old: ticket.rating.map(String.init), new: String(rating),
                      body: comment.isEmpty ? nil : comment)
            if ticket.status == .resolved { try close(db, ticket: id, actor: actor, time: time, note: nil) }
        }
    }

    static func resolve(_ db: Database, ticket: Ticket, notes: String, actor: String, time: String) throws {
        try db.run("UPDATE ticket SET status = 'resolved', resolution = ?, resolvedAt = ? WHERE id = ?", arguments: [notes, time, ticket.id])
        try event(db, ticket: ticket.id, at: time, actor: actor, kind: "resolved", field: "status", old: ticket.status.rawValue, new: "resolved",
                  body: notes)
    }

    /// Back to `inProgress` with a fresh service level from now (a new response is due), out of any
    /// storm it was filed under (so it is back in the queue). The rating stays, as the timeline does.
    /// Resolved -> closed.
    static func close(_ db: Database, ticket id: Int64, actor: String, time: String, note: String?) throws {
        try db.run("UPDATE ticket SET status = 'closed', closedAt = ? WHERE id = ?", arguments: [time, id])
        try event(db, ticket: id, at: time, actor: actor, kind: "status", field: "status", old: "resolved", new: "closed", body: note)
    }

    static func reopen(_ db: Database, ticket: Ticket, actor: String, reason: String, at date: Date, levels: ServiceLevels) throws {
        let time = Timestamp.text(date)
        let due = levels.dueTimes(ticket.priority, from: date)
        try db.run("""
            UPDATE ticket SET status = 'inProgress', resolvedAt = NULL, closedAt = NULL, resolution = NULL, stormId = NULL, firstResponseAt = NULL,
                responseDueAt = ?, resolutionDueAt = ?, responseBreached = 0, resolutionBreached = 0, responseWarned = 0, resolutionWarned = 0
            WHERE id = ?
            """, arguments: [Timestamp.text(due.response), Timestamp.text(due.resolution), ticket.id])
        try event(db, ticket: ticket.id, at: time, actor: actor, kind: "reopened", field: "status", old: ticket.status.rawValue, new: "inProgress",
                  body: reason.isEmpty ? nil : reason)
    }

    static func escalate(_ db: Database, ticket: Ticket, actor: String, reason: String, time: String) throws {
        try db.run("UPDATE ticket SET tier = ?, assigneeId = NULL, status = CASE WHEN status = 'assigned' THEN 'new' ELSE status END WHERE id = ?",
                   arguments: [ticket.tier + 1, ticket.id])
        try event(db, ticket: ticket.id, at: time, actor: actor, kind: "escalated", field: "tier", old: String(ticket.tier),
                  new: String(ticket.tier + 1), body: reason)
    }

    /// What a sweep of the ticket clocks did.
    public struct SweepResult: Sendable, Equatable {
        public var escalated = 0
        public var responseBreaches = 0
        public var resolutionBreaches = 0
        /// Tickets past 80 % of a target (`SLAState.riskShare`), told once per target.
        public var atRisk = 0
        public var closed = 0
    }

    /// Runs the help desk's clocks (`SLASweep` decides; this carries its steps out in one transaction):
    /// breaches flagged and told, unanswered tickets escalated, targets at risk told once, resolved
    /// tickets left unrated closed.
    public func sweepTickets(now: Date) throws -> SweepResult {
        let levels = helpdesk.serviceLevels
        let time = Timestamp.text(now)
        let candidates = SLASweep.candidates(now: now, levels: levels)
        return try pool.write { db in
            var result = SweepResult()
            let outbox = Outbox(db)
            let rows = try SweepRow.fetchAll(db, sql: """
                SELECT id, status, tier, priority, createdAt, firstResponseAt IS NOT NULL AS answered, responseDueAt, resolutionDueAt,
                       responseBreached, resolutionBreached, responseWarned, resolutionWarned, stormId IS NOT NULL AS inStorm, resolvedAt
                FROM ticket
                WHERE (status NOT IN ('resolved', 'closed')
                       AND (julianday(?1) >= julianday(createdAt) + ?2 * (julianday(responseDueAt) - julianday(createdAt))
                            OR julianday(?1) >= julianday(createdAt) + ?2 * (julianday(resolutionDueAt) - julianday(createdAt))))
                   OR (status = 'resolved' AND resolvedAt < ?3)
                ORDER BY id
                """, arguments: [time, candidates.riskShare, Timestamp.text(candidates.resolvedBefore)])
            for row in rows {
                for step in SLASweep.steps(try row.clock(), now: now, levels: levels) {
                    switch step {
                    case .breach(let target, let due):
                        try db.run("UPDATE ticket SET \(target.rawValue)Breached = 1, \(target.rawValue)Warned = 1 WHERE id = ?", arguments: [row.id])
                        try outbox.ticketNotice(.ticketSLABreached, ticketID: row.id, actor: Principal.system.actor, text: step.notice ?? "",
                                                details: ["target": target.rawValue, "dueAt": Timestamp.text(due)], at: time)
                        if target == .response { result.responseBreaches += 1 } else { result.resolutionBreaches += 1 }
                    case .escalate(let reason, let due):
                        guard let ticket = try Self.fetchTicket(db, id: row.id) else { continue }
                        try Self.escalate(db, ticket: ticket, actor: Principal.system.actor, reason: reason, time: time)
                        try db.run("UPDATE ticket SET responseDueAt = ? WHERE id = ?", arguments: [Timestamp.text(due), row.id])
                        result.escalated += 1
                    case .warn(let target, let due):
                        try db.run("UPDATE ticket SET \(target.rawValue)Warned = 1 WHERE id = ?", arguments: [row.id])
                        try outbox.ticketNotice(.ticketSLAAtRisk, ticketID: row.id, actor: Principal.system.actor, text: step.notice ?? "",
                                                details: ["target": target.rawValue, "dueAt": Timestamp.text(due)], at: time)
                        result.atRisk += 1
                    case .close(let note):
                        try Self.close(db, ticket: row.id, actor: Principal.system.actor, time: time, note: note)
                        result.closed += 1
                    }
                }
            }
            return result
        }
    }

    /// A ticket's clocks, as `SLASweep` reads them.
    struct SweepRow: Decodable, FetchableRecord {
        var id: Int64
        var status: TicketStatus
        var tier: Int
        var priority: Priority
        var createdAt: String
        var answered: Bool
        var responseDueAt: String
        var resolutionDueAt: String
        var responseBreached: Bool
        var resolutionBreached: Bool
        var responseWarned: Bool
        var resolutionWarned: Bool
        var inStorm: Bool
        var resolvedAt: String?

        func clock() throws -> SLAClock {
            SLAClock(status: status, tier: tier, priority: priority, createdAt: try Timestamp.date(createdAt), answered: answered,
                     responseDueAt: try Timestamp.date(responseDueAt), resolutionDueAt: try Timestamp.date(resolutionDueAt),
                     responseBreached: responseBreached, resolutionBreached: resolutionBreached, responseWarned: responseWarned,
                     resolutionWarned: resolutionWarned, inStorm: inStorm, resolvedAt: try resolvedAt.map(Timestamp.date))
        }
    }
}
