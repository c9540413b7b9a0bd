#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideJSON
import GRDB

/// The counts the console's dashboard shows; the decisions on them (SLA states) are the domain's.
extension CollectorStore {
    public struct Count: Codable, Sendable, Equatable {
        public var key: String
        public var count: Int
    }

    /// An open ticket as the dashboard counts it.
    public struct OpenTicketClock: Sendable, Equatable {
        public var tier: Int
        public var createdAt: Date
        public var resolutionDueAt: Date
        public var breached: Bool
    }

    public struct DashboardCounts: Sendable {
        public var assetsByStatus: [Count]
        /// Assets with at least one open fault of each code.
        public var faultsByCode: [Count]
        public var openTickets: [OpenTicketClock]
    }

    public func dashboardCounts() throws -> DashboardCounts {
        try pool.read { db in
            let statuses = try Row.fetchAll(cached: db, sql: "SELECT status AS key, count(*) AS n FROM asset GROUP BY status ORDER BY n DESC, status")
            let faults = try Row.fetchAll(cached: db, sql: "SELECT code AS key, count(DISTINCT assetId) AS n FROM fault GROUP BY code ORDER BY n DESC, code")
            let tickets = try Row.fetchAll(cached: db, sql: """
                SELECT tier, createdAt, resolutionDueAt, resolutionBreached FROM ticket WHERE status NOT IN ('resolved', 'closed') AND stormId IS NULL
                """).compactMap { row -> OpenTicketClock? in
                guard let created = ISO8601.parse(row["createdAt"]), let due = ISO8601.parse(row["resolutionDueAt"]) else { return nil }
                return OpenTicketClock(tier: row["tier"], createdAt: Date(timeIntervalSince1970: created), resolutionDueAt: Date(timeIntervalSince1970: due),
                                       breached: row["resolutionBreached"])
            }
            return DashboardCounts(assetsByStatus: statuses.map { Count(key: $0["key"], count: $0["n"]) },
                                   faultsByCode: faults.map { Count(key: $0["key"], count: $0["n"]) }, openTickets: tickets)
        }
    }
}
