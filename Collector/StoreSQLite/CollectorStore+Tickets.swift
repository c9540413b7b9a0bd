#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideHelpdesk
import DesksideStore
import GRDB

extension CollectorStore {
    /// A ticket as the API shows it.
    public struct Ticket: Codable, Sendable, Equatable {
        public var id: Int64
        public var title: String
        public var description: String
        public var requesterId: Int64?
        public var requester: String?
        public var category: String
        public var impact: Level
        public var urgency: Level
        public var priority: Priority
        public var status: TicketStatus
        public var tier: Int
        public var assigneeId: Int64?
        public var assignee: String?
        /// `staff`, `requester`, `fault` (opened by the fault loop) or `storm` (a storm's summary).
        public var source: String
        public var faultCode: String?
        /// The storm summary this ticket is filed under, when it opened during a fault storm.
        public var stormId: Int64?
        public var createdAt: String
        public var updatedAt: String
        public var firstResponseAt: String?
        public var responseDueAt: String
        public var resolutionDueAt: String
        public var responseBreached: Bool
        public var resolutionBreached: Bool
        public var resolvedAt: String?
        public var closedAt: String?
        public var resolution: String?
        public var rating: Int?
        public var ratingComment: String?
        public var assetIds: [Int64]
    }

    /// One entry of a ticket's timeline: a change (`field`, old and new value), a comment or note
    /// (`body`, `internal`), or a fault-loop step.
    public struct TicketEvent: Codable, Sendable, Equatable {
        public var id: Int64
        public var at: String
        public var actor: String
        public var kind: String
        public var field: String?
        public var oldValue: String?
        public var newValue: String?
        public var body: String?
        public var `internal`: Bool
    }

    /// A ticket to open.
    public struct NewTicket: Sendable, Equatable {
        public var title: String
        public var description: String
        public var requesterId: Int64?
        public var category: String
        public var impact: Level
        public var urgency: Level
        public var tier: Int
        public var assetIds: [Int64]
        public var source: String

        public init(title: String, description: String, requesterId: Int64?, category: String, impact: Level, urgency: Level, tier: Int,
                    assetIds: [Int64], source: String) {
            self.title = title
            self.description = description
            self.requesterId = requesterId
            self.category = category
            self.impact = impact
            self.urgency = urgency
            self.tier = tier
            self.assetIds = assetIds
            self.source = source
        }
    }

    static let ticketColumns = """
        t.id, t.title, t.description, t.requesterId, r.username AS requester, t.category, t.impact, t.urgency, t.priority, t.status, t.tier,
        t.assigneeId, a.username AS assignee, t.source, t.faultCode, t.stormId, t.createdAt, t.updatedAt, t.firstResponseAt, t.responseDueAt,
        t.resolutionDueAt, t.responseBreached, t.resolutionBreached, t.resolvedAt, t.closedAt, t.resolution, t.rating, t.ratingComment,
        (SELECT group_concat(assetId) FROM ticketAsset WHERE ticketId = t.id) AS assetIds
        FROM ticket AS t LEFT JOIN account AS r ON r.id = t.requesterId LEFT JOIN account AS a ON a.id = t.assigneeId
        """

    static func ticket(_ row: Row) -> Ticket {
        Ticket(id: row["id"], title: row["title"], description: row["description"], requesterId: row["requesterId"], requester: row["requester"],
               category: row["category"], impact: Level(rawValue: row["impact"]) ?? .low, urgency: Level(rawValue: row["urgency"]) ?? .low,
               priority: Priority(rawValue: row["priority"]) ?? .low, status: TicketStatus(rawValue: row["status"]) ?? .new, tier: row["tier"],
               assigneeId: row["assigneeId"], assignee: row["assignee"], source: row["source"], faultCode: row["faultCode"], stormId: row["stormId"],
               createdAt: row["createdAt"], updatedAt: row["updatedAt"], firstResponseAt: row["firstResponseAt"], responseDueAt: row["responseDueAt"],
               resolutionDueAt: row["resolutionDueAt"], responseBreached: row["responseBreached"], resolutionBreached: row["resolutionBreached"],
               resolvedAt: row["resolvedAt"], closedAt: row["closedAt"], resolution: row["resolution"], rating: row["rating"],
               ratingComment: row["ratingComment"],
               assetIds: ((row["assetIds"] as String?) ?? "").split(separator: ",").compactMap { Int64($0) })
    }

    static func fetchTicket(_ db: Database, id: Int64) throws -> Ticket? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(ticketColumns) WHERE t.id = ?"), arguments: [id]).map(ticket)
    }

    /// Opens a ticket, due times from the service levels, with an `opened` event.
    public func createTicket(_ new: NewTicket, actor: String, now: Date) throws -> Ticket {
        try pool.write { db in
            let id = try Self.insertTicket(db, new, faultCode: nil, stormId: nil, actor: actor, body: nil, now: now, levels: helpdesk.serviceLevels)
            return try Self.fetchTicket(db, id: id)!
        }
    }

    static func insertTicket(_ db: Database, _ new: NewTicket, faultCode: String?, stormId: Int64?, actor: String, body: String?, now: Date,
                             levels: ServiceLevels) throws -> Int64 {
        guard (1...3).contains(new.tier) else { throw HelpdeskError.invalid("tier must be 1, 2 or 3") }
        if let requester = new.requesterId, try Int.fetchOne(cached: db, sql: "SELECT 1 FROM account WHERE id = ?", arguments: [requester]) == nil {
            throw HelpdeskError.unprocessable("no account \(requester) to be the requester")
        }
        let priority = Priority(impact: new.impact, urgency: new.urgency)
        let due = levels.dueTimes(priority, from: now)
        let time = Timestamp.text(now)
        try db.run("""
            INSERT INTO ticket (title, description, requesterId, category, impact, urgency, priority, status, tier, source, faultCode, stormId,
                                createdAt, updatedAt, responseDueAt, resolutionDueAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [new.title, new.description, new.requesterId, new.category, new.impact.rawValue, new.urgency.rawValue, priority.rawValue,
                             new.tier, new.source, faultCode, stormId, time, time, Timestamp.text(due.response), Timestamp.text(due.resolution)])
        let id = db.lastInsertedRowID
        for asset in Set(new.assetIds) {
            guard try Int.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM asset WHERE id = ?"), arguments: [asset]) != nil else {
                throw HelpdeskError.unprocessable("no asset \(asset)")
            }
            try db.run("INSERT INTO ticketAsset (ticketId, assetId) VALUES (?, ?)", arguments: [id, asset])
        }
        try event(db, ticket: id, at: time, actor: actor, kind: "opened", body: body)
        return id
    }

    /// A line of the ticket's timeline, and the notifications it causes (`notify: false` for the
    /// lines whose notification the caller writes itself: an onboarding's step comments).
    static func event(_ db: Database, ticket: Int64, at: String, actor: String, kind: String, field: String? = nil, old: String? = nil,
                      new: String? = nil, body: String? = nil, internal isInternal: Bool = false, notify: Bool = true) throws {
        try db.run("""
            INSERT INTO ticketEvent (ticketId, at, actor, kind, field, oldValue, newValue, body, internal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [ticket, at, actor, kind, field, old, new, body, isInternal])
        try db.run("UPDATE ticket SET updatedAt = ? WHERE id = ?", arguments: [at, ticket])
        if notify {
            try Outbox(db).ticketEvent(ticketID: ticket, kind: kind, newValue: new, internal: isInternal, actor: actor, text: body, at: at)
        }
    }

    /// How often the fault behind a ticket was reported on an asset, and when last.
    public struct FaultReports: Codable, Sendable, Equatable {
        public var assetId: Int64
        public var code: String
        public var reports: Int
        public var lastReportedAt: String
    }

    public func faultReports(ticketID: Int64) throws -> [FaultReports] {
        try pool.read { db in
            try Row.fetchAll(cached: db, sql: "SELECT assetId, code, reportCount, lastReportedAt FROM faultTicket WHERE ticketId = ? ORDER BY assetId",
                             arguments: [ticketID]).map {
                FaultReports(assetId: $0["assetId"], code: $0["code"], reports: $0["reportCount"], lastReportedAt: $0["lastReportedAt"])
            }
        }
    }

    public func ticket(id: Int64) throws -> Ticket? {
        try pool.read { db in try Self.fetchTicket(db, id: id) }
    }

    /// The ticket's timeline, oldest first; internal notes only when asked for.
    public func ticketEvents(id: Int64, includeInternal: Bool) throws -> [TicketEvent] {
        try pool.read { db in
            try Row.fetchAll(cached: db, sql: """
                SELECT id, at, actor, kind, field, oldValue, newValue, body, internal FROM ticketEvent
                WHERE ticketId = ? AND (internal = 0 OR ?) ORDER BY id
                """, arguments: [id, includeInternal]).map {
                TicketEvent(id: $0["id"], at: $0["at"], actor: $0["actor"], kind: $0["kind"], field: $0["field"], oldValue: $0["oldValue"],
                            newValue: $0["newValue"], body: $0["body"], internal: $0["internal"])
            }
        }
    }

    /// A search of the tickets. Storm members are left out unless `stormId` or `includeStormMembers` asks for them.
    public struct TicketQuery: Sendable, Equatable {
        public enum Sort: String, Sendable, CaseIterable { case priority, created, updated, due }
        public var statuses: [TicketStatus] = []
        public var openOnly = false
        public var tier: Int?
        public var priority: Priority?
        public var assigneeId: Int64?
        public var unassigned = false
        public var requesterId: Int64?
        public var assetId: Int64?
        public var category: String?
        public var faultCode: String?
        public var stormId: Int64?
        public var includeStormMembers = false
        public var breached = false
        public var text: String?
        /// `nil`: by priority, or newest first when searching text (as search results are read).
        public var sort: Sort?
        public var descending = false
        public var limit = 50
        public var offset = 0

        public init() {}
    }

    public func tickets(matching query: TicketQuery) throws -> (items: [Ticket], total: Int) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        func add(_ condition: String, _ values: (any DatabaseValueConvertible)?...) {
            conditions.append(condition)
            arguments += values
        }
        if !query.statuses.isEmpty {
            add("t.status IN (" + query.statuses.map { _ in "?" }.joined(separator: ", ") + ")")
            arguments += query.statuses.map(\.rawValue)
        }
        if query.openOnly { add("t.status NOT IN ('resolved', 'closed')") }
        if let tier = query.tier { add("t.tier = ?", tier) }
        if let priority = query.priority { add("t.priority = ?", priority.rawValue) }
        if let assignee = query.assigneeId { add("t.assigneeId = ?", assignee) }
        if query.unassigned { add("t.assigneeId IS NULL") }
        if let requester = query.requesterId { add("t.requesterId = ?", requester) }
        if let asset = query.assetId { add("t.id IN (SELECT ticketId FROM ticketAsset WHERE assetId = ?)", asset) }
        if let category = query.category { add("t.category = ?", category) }
        if let code = query.faultCode { add("t.faultCode = ?", code) }
        if let storm = query.stormId { add("t.stormId = ?", storm) } else if !query.includeStormMembers { add("t.stormId IS NULL") }
        if query.breached { add("(t.responseBreached = 1 OR t.resolutionBreached = 1)") }
        let unfiled = "t.stormId IS NULL", matching = "t.id IN (SELECT rowid FROM ticketText WHERE ticketText MATCH ?)"
        var match: String?
        if let text = query.text, !text.isEmpty {
            // Words: the full-text index (each word a prefix); no words at all (punctuation): a scan.
            match = FullText.query(text, all: true, prefix: true, joiners: ["-", ".", "_"])
            if let match {
                add(matching, match)
            } else {
                let pattern = LikePattern.contains(text)
                add("(t.title LIKE ? ESCAPE '\\' OR t.description LIKE ? ESCAPE '\\')", pattern, pattern)
            }
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sort = query.sort ?? (match == nil ? .priority : .created)
        let direction = query.descending || (query.sort == nil && match != nil) ? "DESC" : "ASC"
        // A text search walks the full-text index, in its rowid order when newest first is wanted (no
        // sort, and it stops at the page); otherwise the ticket table, in the order's index.
        let source = match == nil ? " FROM ticket AS t" + filter
            : " FROM ticketText CROSS JOIN ticket AS t ON t.id = ticketText.rowid" + filter.replacingOccurrences(of: matching, with: "ticketText MATCH ?")
        let order = switch sort {
        case .priority: "CASE t.priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END \(direction), t.id"
        case .created: match == nil ? "t.id \(direction)" : "ticketText.rowid \(direction)"
        case .updated: "t.updatedAt \(direction), t.id"
        case .due: "t.resolutionDueAt \(direction), t.id"
        }
        // Two common totals without reading every row: the whole queue (SQLite counts a table with no
        // WHERE from its B-tree pages) and a text search alone (the full-text index counts its
        // matches), each less the storms' members, found through their partial index (`+id` keeps
        // SQLite from probing the ticket table once per match instead).
        var count: (sql: String, arguments: [(any DatabaseValueConvertible)?]) = ("SELECT count(*) FROM ticket AS t" + filter, arguments)
        if conditions == [unfiled] {
            count = ("SELECT (SELECT count(*) FROM ticket) - (SELECT count(*) FROM ticket WHERE stormId IS NOT NULL)", [])
        } else if let match, conditions == [unfiled, matching] {
            count = ("""
                SELECT (SELECT count(*) FROM ticketText WHERE ticketText MATCH ?)
                     - (SELECT count(*) FROM ticket WHERE stormId IS NOT NULL AND +id IN (SELECT rowid FROM ticketText WHERE ticketText MATCH ?))
                """, [match, match])
        }
        return try pool.read { db in
            let total = try Int.fetchOne(cached: db, sql: count.sql, arguments: StatementArguments(count.arguments)) ?? 0
            // The page's ids first (skipped rows cost an index step, not their columns), then their rows.
            let items = try Row.fetchAll(cached: db, sql: "SELECT \(Self.ticketColumns) WHERE t.id IN (SELECT t.id\(source) ORDER BY \(order) LIMIT ? OFFSET ?) ORDER BY \(order.replacingOccurrences(of: "ticketText.rowid", with: "t.id"))",
                                         arguments: StatementArguments(arguments + [query.limit, query.offset])).map(Self.ticket)
            return (items, total)
        }
    }
}
