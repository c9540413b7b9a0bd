import DesksideDesk
import DesksideHTTP
import DesksideStoreSQLite
import Foundation
import Hummingbird
import NIOCore

/// `GET /reports?days=N`: per technician, by category, by model, and weekly trends as a chart;
/// `GET /reports.csv?report=…&days=N` exports each table.
struct ReportPages {
    let route: ConsoleRoute

    struct View {
        var chrome: Chrome
        var days: Int
        var periods: [AssetPages.Choice]
        var technicians: [AssetView.Item]
        var categories: [AssetView.Item]
        var models: [AssetView.Item]
        var trend: LineChart
    }

    struct Reports: Sendable {
        var technicians: [CollectorStore.TechnicianReport]
        var categories: [CollectorStore.VolumeReport]
        var models: [CollectorStore.VolumeReport]
        var weeks: [CollectorStore.WeekReport]
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("reports") { request, context in
            let days = Self.days(request)
            let reports = try await Self.reports(route, context, days: days)
            let tables = Self.tables(reports)
            return route.page("reports", View(
                chrome: Chrome(context, title: "Reports", section: "reports"), days: days,
                periods: [7, 30, 90, 365].map { AssetPages.Choice(value: "\($0)", label: "\($0) days", selected: $0 == days) },
                technicians: tables["technicians"]!.dropFirst().map { AssetView.Item(cells: $0) },
                categories: tables["categories"]!.dropFirst().map { AssetView.Item(cells: $0) },
                models: tables["models"]!.dropFirst().map { AssetView.Item(cells: $0) },
                trend: LineChart(title: "Tickets per week", labels: reports.weeks.map(\.week), series: [
                    ("opened", "opened", reports.weeks.map(\.opened)), ("resolved", "resolved", reports.weeks.map(\.resolved)),
                    ("breached", "breached", reports.weeks.map(\.breached)),
                ])))
        }
        group.get("reports.csv") { request, context in
            let days = Self.days(request)
            let name = request.uri.queryParameters.get("report").map { String($0) } ?? "technicians"
            let reports = try await Self.reports(route, context, days: days)
            guard let table = Self.tables(reports)[name] else { throw HTTPError(.notFound) }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name).csv\""],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: table.map(CSVExport.line).joined())))
        }
    }

    static func days(_ request: Request) -> Int {
        min(max(Int(request.uri.queryParameters.get("days") ?? "") ?? 30, 1), 3650)
    }

    static func reports(_ route: ConsoleRoute, _ context: APIContext, days: Int) async throws -> Reports {
        try await route.call(context) { desk, principal in
            Reports(technicians: try desk.technicianReport(principal, days: days), categories: try desk.categoryReport(principal, days: days),
                    models: try desk.modelReport(principal, days: days), weeks: try desk.weeklyReport(principal, days: max(days, 84)))
        }
    }

    /// Each report as rows of cells, its header first: the page's tables and the CSV files alike.
    static func tables(_ reports: Reports) -> [String: [[String]]] {
        func minutes(_ value: Double?) -> String { value.map { String(format: "%.0f", $0) } ?? "" }
        let volume = { (rows: [CollectorStore.VolumeReport], key: String) -> [[String]] in
            [[key, "opened", "resolved", "median minutes to resolve"]] + rows.map { [$0.key, "\($0.opened)", "\($0.resolved)", minutes($0.medianResolutionMinutes)] }
        }
        return [
            "technicians": [["technician", "tier", "assigned", "resolved", "median minutes to first response", "median minutes to resolve", "average rating", "ratings"]]
                + reports.technicians.map { [$0.username, $0.tier.map(String.init) ?? "", "\($0.assigned)", "\($0.resolved)", minutes($0.medianFirstResponseMinutes),
                                            minutes($0.medianResolutionMinutes), $0.averageRating.map { String(format: "%.1f", $0) } ?? "", "\($0.ratings)"] },
            "categories": volume(reports.categories, "category"),
            "models": volume(reports.models, "model"),
            "weeks": [["week", "opened", "resolved", "breached"]] + reports.weeks.map { [$0.week, "\($0.opened)", "\($0.resolved)", "\($0.breached)"] },
        ]
    }
}
