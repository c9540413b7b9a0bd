import DesksideDesk
import DesksideHTTP
import DesksideHelpdesk
import DesksideStoreSQLite
import Foundation
import Hummingbird

/// The requester's portal: my machines (their health in plain words), my tickets, a new ticket,
/// comments, rating, my onboarding. Every call is the requester's own through `Desk`, which shows
/// them nothing else, however the address is made.
struct PortalPages {
    let route: ConsoleRoute

    struct View {
        struct Machine {
            var id: Int64
            var hostname: String
            var model: String
            var healthy: Bool
            var problems: [PlainHealth.Advice]
        }

        struct Ticket {
            var id: Int64
            var title: String
            var status: String
            var updated: String
        }

        /// Things handed over that wait for the person's confirmation.
        struct Handover {
            var id: Int64
            var at: String
            var items: [String]
        }

        var chrome: Chrome
        var handovers: [Handover]
        var machines: [Machine]
        var tickets: [Ticket]
        var onboardings: [OnboardingProgress]
        var hasOnboardings: Bool
        var categories: [String]
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("portal") { request, context in
            let (assets, tickets, onboardings, handovers) = try await route.call(context) { desk, principal in
                let assets = try desk.assets(principal, CollectorStore.AssetQuery()).items.prefix(20).map { try desk.asset(principal, id: $0.id) }
                var query = CollectorStore.TicketQuery()
                query.sort = .updated
                query.descending = true
                let tickets = try desk.tickets(principal, query).items
                let onboardings = try desk.provisionings(principal, kind: .onboarding, openOnly: true)
                let handovers = principal.accountID == nil ? [] : try desk.handovers(principal, pendingOnly: true)
                return (assets, tickets, onboardings, handovers)
            }
            let view = View(
                chrome: Chrome(context, title: "My machines and tickets", section: "portal",
                               flash: request.uri.queryParameters.get("done").flatMap { TicketView.messages[String($0)] }),
                handovers: handovers.map { handover in
                    View.Handover(id: handover.id, at: String(handover.at.prefix(10)),
                                  items: handover.loans.map { "\($0.tag) \($0.asset)" + ($0.expectedReturn.map { ", to return by \($0)" } ?? "") })
                },
                machines: assets.map { detail in
                    let problems = PlainHealth.advice(detail.faults)
                    return View.Machine(id: detail.asset.id, hostname: detail.asset.name ?? detail.asset.hostname ?? detail.asset.tag,
                                        model: [detail.asset.vendor, detail.asset.model].compactMap { $0 }.joined(separator: " "),
                                        healthy: problems.isEmpty, problems: problems)
                },
                tickets: tickets.map { View.Ticket(id: $0.id, title: $0.title, status: PlainHealth.status($0.status), updated: $0.updatedAt) },
                onboardings: onboardings.map(OnboardingProgress.init),
                hasOnboardings: !onboardings.isEmpty,
                categories: ["hardware", "software", "access", "network", "other"])
            return route.page("portal", view)
        }
        group.post("portal/handovers/:id/accept") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, _ in
                _ = try desk.acceptHandover(principal, id: id)
                return "/portal?done=accepted"
            }
        }
        group.post("portal/tickets") { request, context in
            try await route.post(request, context) { desk, principal, form in
                let asset = try form.id("assetId")
                let urgency = form.text("urgency").flatMap(Level.init(rawValue:))
                let ticket = try desk.createTicket(principal, .init(title: try form.required("title", "A short title"), description: form.text("description") ?? "",
                                                                    category: form.text("category"), urgency: urgency, assetIds: asset.map { [$0] }))
                return "/portal/tickets/\(ticket.id)?done=created"
            }
        }
        group.get("portal/tickets/:id") { request, context in
            let id = try context.id()
            let detail = try await route.callAsync(context) { desk, principal in try await desk.ticket(principal, id: id) }
            return route.page("portal-ticket", TicketView(context, detail, canned: [], done: request.uri.queryParameters.get("done").map { String($0) }, section: "portal"))
        }
        group.post("portal/tickets/:id/comment") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, form in
                _ = try desk.change(principal, ticketID: id, .comment(body: try form.required("body", "Your comment"), internal: false))
                return "/portal/tickets/\(id)?done=comment"
            }
        }
        group.post("portal/tickets/:id/rate") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, form in
                _ = try desk.change(principal, ticketID: id, .rate(rating: try form.int("rating", "The rating"), comment: form.text("comment") ?? ""))
                return "/portal/tickets/\(id)?done=rated"
            }
        }
    }
}

/// A machine's faults as its user should read them: what is wrong and what to do.
enum PlainHealth {
    struct Advice {
        var problem: String
        var action: String
    }

    static func advice(_ faults: [CollectorStore.FaultRecord]) -> [Advice] {
        faults.map { fault in
            switch fault.code {
            case "disk.space.low": Advice(problem: "The disk is almost full (\(fault.subject)).", action: "Delete files you no longer need, or empty the trash; ask us if it stays full.")
            case "disk.smart.failing": Advice(problem: "A disk is failing (\(fault.subject)).", action: "Save your work somewhere else now and open a ticket: we will replace it.")
            case "updates.security.pending": Advice(problem: "Security updates are waiting.", action: "Restart the machine tonight, or leave it on: we install them.")
            case "battery.worn": Advice(problem: "The battery is worn out.", action: "Open a ticket if it no longer lasts the day: we will replace it.")
            case "memory.low": Advice(problem: "The machine is short of memory.", action: "Close programs you are not using; open a ticket if it stays slow.")
            case "service.failed": Advice(problem: "A system service stopped (\(fault.subject)).", action: "Restart the machine; open a ticket if this comes back.")
            default: Advice(problem: fault.summary, action: "Open a ticket if this troubles you.")
            }
        }
    }

    static func status(_ status: TicketStatus) -> String {
        switch status {
        case .new: "received"
        case .assigned, .inProgress: "being worked on"
        case .waiting: "waiting for your answer"
        case .resolved: "resolved: please rate it"
        case .closed: "closed"
        }
    }
}
