import DesksideDesk
import DesksideHTTP
import DesksideHelpdesk
import DesksideStoreSQLite
import Foundation
import Hummingbird

/// `GET /tickets` (queues per tier, "mine", filters) and `GET /tickets/{id}` with the ticket's
/// timeline, the faults behind it and suggested articles; its forms comment, add an internal note
/// (typed or from a canned answer), assign, escalate, change priority, resolve and reopen.
struct TicketPages {
    let route: ConsoleRoute

    struct QueueView {
        var chrome: Chrome
        var queues: [AssetPages.Choice]
        var statuses: [AssetPages.Choice]
        var text: String
        var breached: Bool
        var rows: [Row]
        var total: Int
        var previous: String?
        var next: String?
    }

    struct Row {
        var id: Int64
        var title: String
        var requester: String
        var status: String
        var priority: String
        var tier: Int
        var assignee: String
        var due: String
        var breached: Bool
    }

    /// The queue's query from the address (the export takes the same).
    static func query(_ request: Request, me: Int64?) -> (CollectorStore.TicketQuery, [String: String], String) {
        let parameters = request.uri.queryParameters
        var query = CollectorStore.TicketQuery()
        var kept: [String: String] = [:]
        let queue = parameters.get("queue") ?? "open"
        kept["queue"] = queue
        switch queue {
        case "tier1", "tier2", "tier3": query.tier = Int(queue.suffix(1)); query.openOnly = true
        case "mine": query.assigneeId = me ?? -1; query.openOnly = true
        case "unassigned": query.unassigned = true; query.openOnly = true
        case "all": break
        default: query.openOnly = true
        }
        if let status = parameters.get("status").flatMap(TicketStatus.init(rawValue:)) {
            query.statuses = [status]
            kept["status"] = status.rawValue
        }
        if let text = parameters.get("q"), !text.isEmpty {
            query.text = String(text.prefix(200))
            kept["q"] = query.text
        }
        query.breached = parameters.get("breached") == "true"
        if query.breached { kept["breached"] = "true" }
        query.sort = .priority
        query.offset = min(max(Int(parameters.get("offset") ?? "0") ?? 0, 0), 10_000_000)
        return (query, kept, String(queue))
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("tickets") { request, context in
            let (query, kept, queue) = Self.query(request, me: context.principal?.accountID)
            let asked = query
            let page = try await route.call(context) { desk, principal in try desk.tickets(principal, asked) }
            func link(_ offset: Int) -> String {
                var parameters = kept
                parameters["offset"] = "\(offset)"
                return "/tickets?" + Address.query(parameters)
            }
            return route.page("tickets", QueueView(
                chrome: Chrome(context, title: "Tickets", section: "tickets"),
                queues: [("open", "All open"), ("mine", "Mine"), ("unassigned", "Unassigned"), ("tier1", "Tier 1"), ("tier2", "Tier 2"),
                         ("tier3", "Tier 3"), ("all", "All, closed too")].map { AssetPages.Choice(value: $0.0, label: $0.1, selected: $0.0 == queue) },
                statuses: TicketStatus.allCases.map { AssetPages.Choice(value: $0.rawValue, label: $0.rawValue, selected: kept["status"] == $0.rawValue) },
                text: kept["q"] ?? "", breached: query.breached,
                rows: page.items.map { ticket in
                    Row(id: ticket.id, title: ticket.title, requester: ticket.requester ?? "", status: ticket.status.rawValue, priority: ticket.priority.rawValue,
                        tier: ticket.tier, assignee: ticket.assignee ?? "", due: ticket.resolutionDueAt, breached: ticket.resolutionBreached)
                },
                total: page.total, previous: query.offset > 0 ? link(max(0, query.offset - query.limit)) : nil,
                next: query.offset + page.items.count < page.total ? link(query.offset + page.items.count) : nil))
        }
        group.get("tickets/:id") { request, context in
            let id = try context.id()
            let (detail, canned) = try await route.callAsync(context) { desk, principal in
                (try await desk.ticket(principal, id: id), principal.role.worksTickets ? try await desk.cannedAnswers(principal) : [])
            }
            return route.page("ticket", TicketView(context, detail, canned: canned, done: request.uri.queryParameters.get("done").map { String($0) }))
        }
        group.get("tickets/:id/attachments/:attachment") { _, context in
            let id = try context.id(), attachment = try context.id("attachment")
            let (record, bytes) = try await route.call(context) { desk, principal in try desk.attachment(principal, ticketID: id, id: attachment) }
            return Attachments.download(record, bytes)
        }
        group.post("tickets/:id/comment") { request, context in
            let id = try context.id()
            return try await route.postAsync(request, context) { desk, principal, form in
                let isInternal = form.flag("internal")
                if let canned = try form.id("canned"), (form.text("body") ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    _ = try await desk.insertCannedAnswer(principal, id: canned, ticketID: id, internal: isInternal)
                } else {
                    _ = try await route.call(context) { desk, principal in try desk.change(principal, ticketID: id, .comment(body: try form.required("body", "The comment"), internal: isInternal)) }
                }
                return "/tickets/\(id)?done=\(isInternal ? "note" : "comment")"
            }
        }
        group.post("tickets/:id/assign") { request, context in
            let id = try context.id()
            return try await route.postAsync(request, context) { desk, principal, form in
                let username = form.text("account")?.trimmingCharacters(in: .whitespaces) ?? ""
                var assignee: Int64?
                if username == "me" {
                    assignee = principal.accountID
                } else if !username.isEmpty {
                    guard let account = try await desk.account(principal, username: username) else { throw ConsoleError.badForm("there is no account \(username)") }
                    assignee = account.id
                }
                _ = try await desk.blocking { [assignee] in try desk.change(principal, ticketID: id, .assign(accountID: assignee)) }
                return "/tickets/\(id)?done=assigned"
            }
        }
        group.post("tickets/:id/escalate") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, form in
                _ = try desk.change(principal, ticketID: id, .escalate(reason: try form.required("reason", "The reason")))
                return "/tickets/\(id)?done=escalated"
            }
        }
        group.post("tickets/:id/priority") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, form in
                guard let impact = Level(rawValue: form.text("impact") ?? ""), let urgency = Level(rawValue: form.text("urgency") ?? "") else {
                    throw ConsoleError.badForm("choose an impact and an urgency")
                }
                _ = try desk.change(principal, ticketID: id, .reprioritize(impact: impact, urgency: urgency))
                return "/tickets/\(id)?done=priority"
            }
        }
        group.post("tickets/:id/resolve") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, form in
                let article = try form.id("article")
                _ = try desk.change(principal, ticketID: id, .resolve(notes: try form.required("notes", "The resolution notes"), articleIDs: article.map { [$0] } ?? []))
                return "/tickets/\(id)?done=resolved"
            }
        }
        group.post("tickets/:id/reopen") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, form in
                _ = try desk.change(principal, ticketID: id, .reopen(reason: try form.required("reason", "The reason")))
                return "/tickets/\(id)?done=reopened"
            }
        }
    }
}
