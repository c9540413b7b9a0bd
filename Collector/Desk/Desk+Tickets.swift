#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import DesksideHelpdesk
public import DesksideAPI
public import DesksideStoreSQLite

extension Desk {
    /// A ticket with its timeline (internal notes for staff only), the faults behind it, and the
    /// knowledge-base articles suggested for it.
    public struct TicketDetail: Codable, Sendable {
        public var ticket: CollectorStore.Ticket
        public var timeline: [CollectorStore.TicketEvent]
        public var faults: [CollectorStore.FaultRecord]
        /// How often, and until when, the fault behind the ticket was reported on each asset.
        public var faultReports: [CollectorStore.FaultReports]
        public var suggestedArticles: [Article]
        /// Files that came with mails to the ticket (`GET /tickets/{id}/attachments/{attachment}`).
        public var attachments: [CollectorStore.AttachmentRecord]
    }

    /// What a caller sends to open a ticket.
    public struct TicketInput: Codable, Sendable {
        public var title: String
        public var description: String
        public var requesterId: Int64?
        public var category: String?
        public var impact: Level?
        public var urgency: Level?
        public var tier: Int?
        public var assetIds: [Int64]?

        public init(title: String, description: String, requesterId: Int64? = nil, category: String? = nil, impact: Level? = nil,
                    urgency: Level? = nil, tier: Int? = nil, assetIds: [Int64]? = nil) {
            self.title = title
            self.description = description
            self.requesterId = requesterId
            self.category = category
            self.impact = impact
            self.urgency = urgency
            self.tier = tier
            self.assetIds = assetIds
        }
    }

    public func tickets(_ principal: Principal, _ query: CollectorStore.TicketQuery) throws -> (items: [CollectorStore.Ticket], total: Int) {
        var query = query
        if !principal.role.readsEverything {
            // A requester's list is their own tickets, whatever the filter asked for.
            guard let own = principal.accountID else { return ([], 0) }
            query.requesterId = own
            query.includeStormMembers = true
        }
        return try store.tickets(matching: query)
    }

    /// The ticket, or `notFound` when it does not exist or is not the caller's to see.
    func visibleTicket(_ principal: Principal, id: Int64) throws -> CollectorStore.Ticket {
        guard let ticket = try store.ticket(id: id) else { throw HelpdeskError.notFound }
        guard principal.role.readsEverything || (principal.accountID != nil && ticket.requesterId == principal.accountID) else {
            throw HelpdeskError.notFound
        }
        return ticket
    }

    public func ticket(_ principal: Principal, id: Int64) async throws -> TicketDetail {
        var detail = try await blocking { try self.ticketWithoutSuggestions(principal, id: id) }
        detail.suggestedArticles = try await knowledge.suggestedArticles(faultCode: detail.ticket.faultCode, title: detail.ticket.title, limit: 5)
        return detail
    }

    private func ticketWithoutSuggestions(_ principal: Principal, id: Int64) throws -> TicketDetail {
        let ticket = try visibleTicket(principal, id: id)
        var faults: [CollectorStore.FaultRecord] = []
        if let code = ticket.faultCode {
            for asset in ticket.assetIds {
                // A requester sees the faults of the assets they own now, not of a machine handed on.
                if !principal.role.readsEverything, try store.asset(id: asset)?.ownerId != principal.accountID { continue }
                faults += try store.faultRecords(assetID: asset).filter { $0.code == code }
            }
        }
        return TicketDetail(ticket: ticket, timeline: try store.ticketEvents(id: id, includeInternal: principal.role.readsEverything),
                            faults: faults, faultReports: try store.faultReports(ticketID: id), suggestedArticles: [],
                            attachments: try store.attachments(ticketID: id))
    }

    /// Staff open tickets for anyone; a requester opens tickets for themself, about their own assets,
    /// in tier 1, and may say how urgent it is but not how wide the impact.
    public func createTicket(_ principal: Principal, _ input: TicketInput) throws -> CollectorStore.Ticket {
        guard principal.role != .auditor else { throw HelpdeskError.forbidden }
        try Self.check(input)
        let title = input.title.trimmingCharacters(in: .whitespacesAndNewlines)
        var new = CollectorStore.NewTicket(title: title, description: input.description, requesterId: input.requesterId,
                                           category: input.category ?? "general", impact: input.impact ?? .low, urgency: input.urgency ?? .medium,
                                           tier: input.tier ?? 1, assetIds: input.assetIds ?? [], source: "staff")
        if new.requesterId == nil {
            // An asset's owner is the requester of the tickets opened for it.
            new.requesterId = try new.assetIds.lazy.compactMap { try self.store.asset(id: $0)?.ownerId }.first
        }
        if principal.role == .requester {
            guard let own = principal.accountID else { throw HelpdeskError.forbidden }
            for asset in new.assetIds where try store.asset(id: asset)?.ownerId != own { throw HelpdeskError.unprocessable("no asset \(asset)") }
            new.requesterId = own
            new.impact = .low
            new.tier = 1
            new.source = "requester"
        }
        return try store.createTicket(new, actor: principal.actor, now: clock())
    }

    /// One change to a ticket. Requesters may comment publicly, reopen, close and rate their own
    /// tickets; staff may do everything but rate; auditors nothing.
    public func change(_ principal: Principal, ticketID: Int64, _ change: TicketChange) throws -> CollectorStore.Ticket {
        try change.validate()
        _ = try visibleTicket(principal, id: ticketID)
        switch principal.role {
        case .auditor:
            throw HelpdeskError.forbidden
        case .requester:
            switch change {
            case .comment(_, internal: false), .reopen, .close, .rate: break
            default: throw HelpdeskError.forbidden
            }
        case .technician, .admin:
            if case .rate = change { throw HelpdeskError.forbidden }
        }
        return try store.applyTicketChange(change, ticketID: ticketID, by: principal, now: clock())
    }

    /// The clocks, run by the collector every minute as the system: agents gone silent (and back),
    /// the register's warranties and loans, tasks that expired or whose result is overdue (their runs
    /// go on), then the SLA (escalations, breaches, automatic closure).
    public func sweep() throws -> (silent: Int, back: Int, register: Int, tasks: Int, tickets: CollectorStore.SweepResult, pruned: Int) {
        let agents = try store.checkSilentAgents(now: clock())
        let register = try store.checkRegisterFaults(now: clock())
        let tasks = try sweepTasks()
        let tickets = try store.sweepTickets(now: clock())
        return (agents.silent, agents.back, register.raised + register.cleared, tasks, tickets, try store.pruneHistory(now: clock()))
    }
}

extension Desk {
    /// What the API document states about a new ticket.
    static func check(_ input: TicketInput) throws {
        guard !TextLimits.isBlank(input.title) else { throw HelpdeskError.invalid("a title is 1 to \(TextLimits.title) characters, not only spaces") }
        try TextLimits.check(input.title, 1...TextLimits.title, "a title is 1 to \(TextLimits.title) characters, not only spaces")
        try TextLimits.check(input.description, 0...TextLimits.comment, "a description is at most \(TextLimits.comment) characters")
        if let category = input.category {
            try TextLimits.check(category, 1...TextLimits.word, "a category is 1 to \(TextLimits.word) characters")
        }
        if let tier = input.tier, !(1...3).contains(tier) { throw HelpdeskError.invalid("tier must be 1, 2 or 3") }
        if let requester = input.requesterId, requester < 1 { throw HelpdeskError.invalid("requesterId is an id (1 or more)") }
        if let assets = input.assetIds, !assets.allSatisfy({ $0 > 0 }) { throw HelpdeskError.invalid("assetIds are ids (1 or more)") }
    }
}
