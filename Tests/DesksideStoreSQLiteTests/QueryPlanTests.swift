import DesksideTestSupport
@testable import DesksideStoreSQLite
import Foundation
import GRDB
import Testing

/// The statements that run for every fault ticket (the storm lookups), every mailed ticket event (a
/// tier's technicians) and every few seconds (revoked agents) read an index, not a share of the
/// fleet, even once SQLite has statistics of a large fleet: a plan is held to the index it must use.
@Suite struct QueryPlanTests {
    /// Statistics as ANALYZE wrote them for a fleet of 10,000 machines with a ticket each, most of
    /// them in one storm, and 10,000 accounts of which 100 are technicians: with these, SQLite chose
    /// a full scan of `ticket` for a code's open storm before v20.
    static let fleetStatistics = [
        ("ticket", "ticket_fault", "10001 10001 34"), ("ticket", "ticket_storm", "9980 9980 34"), ("ticket", "ticket_queue", "10001 5001 5001 3334"),
        ("ticket", "ticket_open", "11 6 1"), ("ticket", "ticket_requester", "10001 10001"), ("ticket", "ticket_assignee", "10001 10001"),
        ("ticket", "ticket_fault_recent", "20 20 20"), ("ticket", "ticket_storm_open", "1 1 1"), ("ticket", "ticket_storm_unresolved", "1 1"),
        ("account", "sqlite_autoindex_account_1", "10000 1"), ("account", "account_tier_technicians", "100 100 1"), ("account", "account_admins", "5 1"),
        ("agent", "sqlite_autoindex_agent_1", "10000 1"), ("agent", "agent_revoked", "1 1"),
    ]

    static let statements: [(name: String, sql: String, index: String)] = [
        ("a code's recent fault tickets", FaultTicketLoop.recentFaultTickets, "ticket_fault_recent"),
        ("a code's open storm", FaultTicketLoop.openStorm, "ticket_storm_open"),
        ("a machine joined the storm lately", FaultTicketLoop.stormJoinedSince, "ticket_storm"),
        ("an open ticket under the storm", FaultTicketLoop.openStormMember, "ticket_storm_unresolved"),
        ("the storm's machines", FaultTicketLoop.stormMembers, "ticket_storm"),
        ("a tier's technicians", Outbox.tierTechnicians, "account_tier_technicians"),
        ("the admins", Outbox.activeAdmins, "account_admins"),
        ("revoked agents", CollectorStore.revokedAgents, "agent_revoked"),
    ]

    @Test(arguments: [false, true])
    func eachReadsItsIndex(withFleetStatistics: Bool) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CollectorStore(path: directory + "/collector.sqlite")
        try store.pool.write { db in
            guard withFleetStatistics else { return }
            try db.execute(sql: "ANALYZE")
            try db.execute(sql: "DELETE FROM sqlite_stat1")
            for (table, index, stat) in Self.fleetStatistics {
                try db.execute(sql: "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", arguments: [table, index, stat])
            }
            try db.execute(sql: "ANALYZE sqlite_schema")
        }
        for statement in Self.statements {
            let plan = try store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: StatementArguments(
                    Array(repeating: "x" as (any DatabaseValueConvertible)?, count: statement.sql.filter { $0 == "?" }.count))!)
                    .map { $0["detail"] as String }
            }
            #expect(plan.contains { $0.contains("INDEX \(statement.index) ") || $0.hasSuffix("INDEX \(statement.index)") },
                    "\(statement.name): \(plan)")
            // A scan of a partial index reads only its rows (the admins); a scan of the table reads the fleet.
            #expect(!plan.contains { $0.hasPrefix("SCAN ") && !$0.contains("INDEX") }, "\(statement.name): \(plan)")
        }
    }
}
