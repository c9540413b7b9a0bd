import DesksideDesk
import DesksideHelpdesk
import Hummingbird

/// `GET /reports/technicians|categories|models|weekly?days=N` (default 30, weekly 84) and
/// `GET /reports/audit?silentDays=N`.
struct ReportRoutes {
    let route: DeskRoute

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        let periods: [(String, Int, @Sendable (Desk, Principal, Int) throws -> any Encodable & Sendable)] = [
            ("technicians", 30, { try $0.technicianReport($1, days: $2) }),
            ("categories", 30, { try $0.categoryReport($1, days: $2) }),
            ("models", 30, { try $0.modelReport($1, days: $2) }),
            ("weekly", 84, { try $0.weeklyReport($1, days: $2) }),
        ]
        for (path, defaultDays, report) in periods {
            group.get("reports/\(path)") { request, context in
                let days = try QueryParameters(request).int("days", in: 1...3650) ?? defaultDays
                return try await route.run(context) { desk, principal in AnyEncodable(try report(desk, principal, days)) }
            }
        }
        group.get("reports/audit") { request, context in
            let silentDays = try QueryParameters(request).int("silentDays", in: 1...3650)
            return try await route.run(context) { desk, principal in try desk.auditReport(principal, silentDays: silentDays) }
        }
    }
}

/// A report of any type, for the table of routes above.
struct AnyEncodable: Encodable, Sendable {
    let value: any Encodable & Sendable
    init(_ value: any Encodable & Sendable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
