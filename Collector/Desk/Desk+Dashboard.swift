#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideHelpdesk
public import DesksideStoreSQLite

extension Desk {
    /// The fleet and the help desk at a glance, as of `computedAt`.
    public struct Dashboard: Sendable {
        public struct Queue: Sendable, Equatable {
            public var tier: Int
            public var onTrack: Int
            public var atRisk: Int
            public var breached: Int
        }

        public var computedAt: Date
        public var audit: CollectorStore.AuditReport
        public var assetsByStatus: [CollectorStore.Count]
        public var faultsByCode: [CollectorStore.Count]
        /// Assets whose security updates have waited longer than the agents' policy allows.
        public var securityUpdatesOverdue: Int
        public var queues: [Queue]
        public var onboardings: [CollectorStore.ProvisioningRecord]
        public var weeks: [CollectorStore.WeekReport]
    }

    /// For staff and auditors.
    public func dashboard(_ principal: Principal, weeks: Int = 12) throws -> Dashboard {
        try requireReader(principal)
        let now = clock()
        let counts = try store.dashboardCounts()
        var queues: [Int: Dashboard.Queue] = [:]
        for ticket in counts.openTickets {
            var queue = queues[ticket.tier] ?? .init(tier: ticket.tier, onTrack: 0, atRisk: 0, breached: 0)
            switch SLAState(createdAt: ticket.createdAt, dueAt: ticket.resolutionDueAt, breached: ticket.breached, now: now) {
            case .onTrack: queue.onTrack += 1
            case .atRisk: queue.atRisk += 1
            case .breached: queue.breached += 1
            }
            queues[ticket.tier] = queue
        }
        return Dashboard(computedAt: now, audit: try store.auditReport(now: now, silentDays: settings.faultLoop.silentAgentDays),
                         assetsByStatus: counts.assetsByStatus, faultsByCode: counts.faultsByCode,
                         securityUpdatesOverdue: counts.faultsByCode.first { $0.key == "updates.security.pending" }?.count ?? 0,
                         queues: (1...3).map { queues[$0] ?? .init(tier: $0, onTrack: 0, atRisk: 0, breached: 0) },
                         onboardings: try store.provisionings(kind: .onboarding, openOnly: true),
                         weeks: try store.weeklyReport(since: now.addingTimeInterval(-Double(weeks) * 7 * 86400)))
    }
}
