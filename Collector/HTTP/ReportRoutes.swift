import DesksideDesk
import Hummingbird

/// `GET /reports/technicians|categories|models|weekly?days=N` (default 30, weekly 84) and
/// `GET /reports/audit?silentDays=N`.
struct ReportRoutes {
    let route: DeskRoute

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("reports/technicians") { request, context in
            let days = try QueryParameters(request).int("days", in: 1...3650) ?? 30
            return try await route.run(context) { desk, principal in try desk.technicianReport(principal, days: days) }
        }
        group.get("reports/categories") { request, context in
            let days = try QueryParameters(request).int("days", in: 1...3650) ?? 30
            return try await route.run(context) { desk, principal in try desk.categoryReport(principal, days: days) }
        }
        group.get("reports/models") { request, context in
            let days = try QueryParameters(request).int("days", in: 1...3650) ?? 30
            return try await route.run(context) { desk, principal in try desk.modelReport(principal, days: days) }
        }
        group.get("reports/weekly") { request, context in
            let days = try QueryParameters(request).int("days", in: 1...3650) ?? 84
            return try await route.run(context) { desk, principal in try desk.weeklyReport(principal, days: days) }
        }
        group.get("reports/audit") { request, context in
            let silentDays = try QueryParameters(request).int("silentDays", in: 1...3650)
            return try await route.run(context) { desk, principal in try desk.auditReport(principal, silentDays: silentDays) }
        }
    }
}
