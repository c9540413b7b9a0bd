#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideJSON
import GRDB

/// What `/metrics` reads from the database at each scrape: the help desk's and the queues' state,
/// and the database's own size.
extension CollectorStore {
    public struct OperationalCounts: Sendable, Equatable {
        /// Open tickets by tier and SLA state (`ok`, `warning`, `breached`).
        public var openTickets: [TicketGroup]
        /// Tasks by state, of `queued` and `sent` (sent: running on its agent).
        public var tasks: [String: Int]
        public var notificationsPending: Int
        public var notificationsFailed: Int
        /// Last runs of the help desk's clock and of the delivery worker, in seconds since 1970.
        public var clockLastRun: Double?
        public var deliveryLastRun: Double?
        public var databaseBytes: Int
        public var walBytes: Int

        public struct TicketGroup: Sendable, Equatable {
            public var tier: Int
            public var sla: String
            public var count: Int
        }
    }

    public func operationalCounts() throws -> OperationalCounts {
        func size(_ file: String) -> Int {
            var info = stat()
            return stat(file, &info) == 0 ? Int(info.st_size) : 0
        }
        return try pool.read { db in
            let tickets = try Row.fetchAll(cached: db, sql: """
                SELECT tier, CASE WHEN responseBreached = 1 OR resolutionBreached = 1 THEN 'breached'
                                  WHEN responseWarned = 1 OR resolutionWarned = 1 THEN 'warning' ELSE 'ok' END AS sla, count(*) AS n
                FROM ticket WHERE status NOT IN ('resolved', 'closed') GROUP BY 1, 2 ORDER BY 1, 2
                """).map { OperationalCounts.TicketGroup(tier: $0["tier"], sla: $0["sla"], count: $0["n"]) }
            let tasks = Dictionary(uniqueKeysWithValues: try Row.fetchAll(cached: db, sql: "SELECT state, count(*) AS n FROM task WHERE state IN ('queued', 'sent') GROUP BY state")
                .map { ($0["state"] as String, $0["n"] as Int) })
            let outbox = try Row.fetchOne(cached: db, sql: """
                SELECT (SELECT count(*) FROM notification WHERE state = 'pending') AS pending,
                       (SELECT count(*) FROM notification WHERE state = 'failed') AS failed,
                       (SELECT lastRunAt FROM workerRun WHERE name = 'clock') AS clock,
                       (SELECT lastRunAt FROM workerRun WHERE name = 'delivery') AS delivery
                """)!
            return OperationalCounts(openTickets: tickets, tasks: ["queued": tasks["queued"] ?? 0, "sent": tasks["sent"] ?? 0],
                                     notificationsPending: outbox["pending"], notificationsFailed: outbox["failed"],
                                     clockLastRun: (outbox["clock"] as String?).flatMap(ISO8601.parse),
                                     deliveryLastRun: (outbox["delivery"] as String?).flatMap(ISO8601.parse),
                                     databaseBytes: size(path), walBytes: size(path + "-wal"))
        }
    }
}
