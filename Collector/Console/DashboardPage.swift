import DesksideDesk
import DesksideHTTP
import DesksideJSON
import DesksideStoreSQLite
import Foundation
import Hummingbird
import Synchronization

/// The last dashboard computed, shared by every reader for a minute. A page never waits for a slow
/// count: with no value yet it waits at most two seconds, then says the counts are on their way; a
/// stale value is shown (with its time) while a new one is computed.
final class DashboardCache: Sendable {
    private let state = Mutex<(value: Desk.Dashboard?, refreshing: Bool)>((nil, false))
    static let maxAge: TimeInterval = 60

    func dashboard(_ route: ConsoleRoute, _ context: APIContext) async throws -> Desk.Dashboard? {
        // The caller's right to read it is checked every time, cached value or not.
        try await route.call(context) { desk, principal in try desk.requireReader(principal) }
        let (value, start) = state.withLock { state -> (Desk.Dashboard?, Bool) in
            let stale = state.value.map { Date().timeIntervalSince($0.computedAt) > Self.maxAge } ?? true
            guard stale, !state.refreshing else { return (state.value, false) }
            state.refreshing = true
            return (state.value, true)
        }
        guard start else { return value }
        let work = Task {
            defer { state.withLock { $0.refreshing = false } }
            let fresh = try await route.call(context) { desk, principal in try desk.dashboard(principal) }
            state.withLock { $0.value = fresh }
            return fresh
        }
        if value != nil { return value }
        return try await withThrowingTaskGroup(of: Desk.Dashboard?.self) { group in
            group.addTask { try await work.value }
            group.addTask { try await Task.sleep(for: .seconds(2)); return nil }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}

/// `GET /dashboard`: the fleet's health and the help desk's queues, with charts.
struct DashboardPage {
    let route: ConsoleRoute
    let cache: DashboardCache

    struct View {
        var chrome: Chrome
        var ready: Bool
        var computedAt: String
        var assets: Int
        var silentAgents: Int
        var silentDays: Int
        var unassigned: Int
        var securityOverdue: Int
        var securityShare: String
        var queues: [Desk.Dashboard.Queue]
        var onboardings: [OnboardingProgress]
        var charts: [BarChart]
        var trend: LineChart?
        /// Live, not from the cached counts: a stopped delivery worker shows at once.
        var outbox: Desk.OutboxHealth?
    }


    func add(to group: RouterGroup<APIContext>) {
        let route = self.route, cache = self.cache
        group.get("dashboard") { _, context in
            let chrome = Chrome(context, title: "Dashboard", section: "dashboard")
            let board = try await cache.dashboard(route, context)
            var view = board.map { Self.view($0, chrome) }
                ?? View(chrome: chrome, ready: false, computedAt: "", assets: 0, silentAgents: 0, silentDays: 0, unassigned: 0,
                        securityOverdue: 0, securityShare: "", queues: [], onboardings: [], charts: [], trend: nil)
            view.outbox = try await route.call(context) { desk, _ in try desk.outboxHealth() }
            return route.page("dashboard", view)
        }
    }

    static func view(_ board: Desk.Dashboard, _ chrome: Chrome) -> View {
        let audit = board.audit
        let share = audit.assets == 0 ? "0 %" : String(format: "%.0f %%", Double(board.securityUpdatesOverdue) * 100 / Double(audit.assets))
        let onboardings = board.onboardings.prefix(20).map(OnboardingProgress.init)
        let charts = [
            BarChart(title: "Assets by status", items: board.assetsByStatus.map { ($0.key, $0.count) }),
            BarChart(title: "Assets by operating system", items: audit.byOS.prefix(8).map { ($0.key, $0.assets) }),
            BarChart(title: "Machines with open faults, by fault", items: board.faultsByCode.prefix(10).map { ($0.key, $0.count) }),
        ]
        let trend = LineChart(title: "Tickets per week", labels: board.weeks.map(\.week), series: [
            ("opened", "opened", board.weeks.map(\.opened)), ("resolved", "resolved", board.weeks.map(\.resolved)),
            ("breached", "breached", board.weeks.map(\.breached)),
        ])
        return View(chrome: chrome, ready: true, computedAt: ISO8601.format(secondsSince1970: board.computedAt.timeIntervalSince1970.rounded(.down)),
                    assets: audit.assets, silentAgents: audit.silentAgents, silentDays: audit.silentDays, unassigned: audit.unassigned,
                    securityOverdue: board.securityUpdatesOverdue, securityShare: share, queues: board.queues, onboardings: Array(onboardings),
                    charts: charts, trend: trend)
    }
}
