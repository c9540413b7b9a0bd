import DesksideAPI
import DesksideAssets
import DesksideDesk
import DesksideStoreSQLite
import Hummingbird

/// Check-out and check-in: `POST /checkouts` (assets to a person, one handover), `POST
/// /assets/{id}/checkin`, `GET /loans` (open, overdue or all; CSV too), `GET /me/handovers`,
/// `POST /me/handovers/{id}/accept` (the person confirms receipt of all of it at once).
struct LoanRoutes {
    let route: DeskRoute

    struct Checkout: Decodable, Sendable {
        var assetIds: [Int64]
        var accountId: Int64
        var expectedReturn: CalendarDate?
        var note: String?
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.post("checkouts") { request, context in
            try await route.run(request, context, Checkout.self, status: .created) { desk, principal, body in
                try desk.checkOut(principal, assetIDs: body.assetIds, to: body.accountId, expectedReturn: body.expectedReturn, note: body.note ?? "")
            }
        }
        group.post("assets/{id}/checkin") { request, context in
            let id = try context.id()
            return try await route.run(request, context, TicketRoutes.Empty.self) { desk, principal, _ in try desk.checkIn(principal, assetID: id) }
        }
        group.get("loans") { request, context in
            let parameters = try QueryParameters(request)
            let filter = try parameters.value("state", CollectorStore.LoanFilter.self) ?? .open
            let (limit, offset) = (try parameters.limit, try parameters.offset)
            return try await route.list(parameters, context) { desk, principal in
                let (items, total) = try desk.loans(principal, filter, limit: limit, offset: offset)
                return Page(items: items, total: total, limit: limit, offset: offset)
            }
        }
        group.get("me/handovers") { request, context in
            let pending = try QueryParameters(request).flag("pending")
            return try await route.run(context) { desk, principal in try desk.handovers(principal, pendingOnly: pending) }
        }
        group.post("me/handovers/{id}/accept") { request, context in
            let id = try context.id()
            return try await route.run(request, context, TicketRoutes.Empty.self) { desk, principal, _ in try desk.acceptHandover(principal, id: id) }
        }
    }
}
