import DesksideAPI
import DesksideDesk
import DesksideHelpdesk
import DesksideStoreSQLite
import Hummingbird

/// `GET|POST /tickets`, `GET /tickets/{id}` (timeline, faults, suggested articles), and one route per
/// change: `POST /tickets/{id}/comments|assign|escalate|status|priority|resolve|close|reopen|rate|canned-answers`.
struct TicketRoutes {
    let route: DeskRoute

    struct Comment: Decodable, Sendable {
        var body: String
        var `internal`: Bool?
    }

    struct Assign: Decodable, Sendable { var accountId: Int64? }
    struct Reason: Decodable, Sendable { var reason: String? }
    struct Status: Decodable, Sendable { var status: TicketStatus }
    struct Priority: Decodable, Sendable {
        var impact: Level
        var urgency: Level
    }

    struct Resolve: Decodable, Sendable {
        var notes: String
        var articleIds: [Int64]?
    }

    struct Rate: Decodable, Sendable {
        var rating: Int
        var comment: String?
    }

    struct Canned: Decodable, Sendable {
        var id: Int64
        var `internal`: Bool?
    }

    /// `{}`: an object, with whatever keys (none are read), and nothing else.
    struct Empty: Decodable, Sendable {
        private struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            _ = try decoder.container(keyedBy: AnyKey.self)
        }
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("tickets") { request, context in
            let parameters = try QueryParameters(request)
            var query = CollectorStore.TicketQuery()
            if let statuses = parameters.parameters.get("status") {   // `status=` is an error, not "any"
                query.statuses = try statuses.split(separator: ",", omittingEmptySubsequences: false).map {
                    guard let status = TicketStatus(rawValue: String($0)) else { throw APIError.badRequest("status: unknown value \($0)") }
                    return status
                }
            }
            query.openOnly = try parameters.flag("open")
            query.tier = try parameters.int("tier", in: 1...3)
            query.priority = try parameters.value("priority", DesksideHelpdesk.Priority.self)
            switch try parameters.given("assignee") {
            case "none": query.unassigned = true
            case "me": query.assigneeId = context.principal?.accountID ?? -1
            case .some: query.assigneeId = try parameters.id("assignee")
            case nil: break
            }
            query.requesterId = try parameters.id("requester")
            query.assetId = try parameters.id("asset")
            query.category = parameters.string("category")
            query.faultCode = parameters.string("faultCode")
            query.stormId = try parameters.id("storm")
            query.includeStormMembers = try parameters.flag("includeStormMembers")
            query.breached = try parameters.flag("breached")
            query.text = parameters.string("q")
            query.sort = try parameters.value("sort", CollectorStore.TicketQuery.Sort.self)
            switch try parameters.given("order") {
            case nil, "asc": query.descending = false
            case "desc": query.descending = true
            case let other?: throw APIError.badRequest("order is asc or desc, not \(other)")
            }
            query.limit = try parameters.limit
            query.offset = try parameters.offset
            return try await route.list(parameters, context) { [query] desk, principal in
                let (items, total) = try desk.tickets(principal, query)
                return Page(items: items, total: total, limit: query.limit, offset: query.offset)
            }
        }
        group.post("tickets") { request, context in
            try await route.run(request, context, Desk.TicketInput.self, status: .created) { desk, principal, input in
                try desk.createTicket(principal, input)
            }
        }
        group.get("tickets/{id}") { _, context in
            let id = try context.id()
            return try await route.runAsync(context) { desk, principal in try await desk.ticket(principal, id: id) }
        }
        func change<Body: Decodable & Sendable>(_ path: String, _ type: Body.Type, _ make: @escaping @Sendable (Body) -> TicketChange) {
            group.post("tickets/{id}/\(path)") { request, context in
                let id = try context.id()
                return try await route.run(request, context, type) { desk, principal, body in
                    try desk.change(principal, ticketID: id, make(body))
                }
            }
        }
        change("comments", Comment.self) { .comment(body: $0.body, internal: $0.internal ?? false) }
        change("assign", Assign.self) { .assign(accountID: $0.accountId) }
        change("escalate", Reason.self) { .escalate(reason: $0.reason ?? "") }
        change("status", Status.self) { .move($0.status) }
        change("priority", Priority.self) { .reprioritize(impact: $0.impact, urgency: $0.urgency) }
        change("resolve", Resolve.self) { .resolve(notes: $0.notes, articleIDs: $0.articleIds ?? []) }
        change("close", Empty.self) { _ in .close }
        change("reopen", Reason.self) { .reopen(reason: $0.reason ?? "") }
        change("rate", Rate.self) { .rate(rating: $0.rating, comment: $0.comment ?? "") }
        group.post("tickets/{id}/canned-answers") { request, context in
            let id = try context.id()
            return try await route.runAsync(request, context, Canned.self) { desk, principal, body in
                try await desk.insertCannedAnswer(principal, id: body.id, ticketID: id, internal: body.internal ?? false)
            }
        }
    }
}
