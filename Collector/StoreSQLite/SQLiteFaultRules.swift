public import DesksideHelpdesk
public import DesksideStore
import GRDB

/// The fault rules on SQLite (`faultRule`), which the fault-to-ticket loop reads inside a report's
/// transaction (`FaultRules.fetch`).
public struct SQLiteFaultRules: FaultRuleRepository {
    let pool: DatabasePool

    public func storedFaultRules() async throws -> [FaultRule] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT code FROM faultRule ORDER BY code").compactMap { try FaultRules.fetch(db, code: $0) }
        }
    }

    public func setFaultRule(_ rule: FaultRule) async throws {
        try await pool.write { db in
            try db.run("""
                INSERT INTO faultRule (code, opensTicket, category, impact, urgency, tier) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET opensTicket = excluded.opensTicket, category = excluded.category, impact = excluded.impact,
                    urgency = excluded.urgency, tier = excluded.tier
                """, arguments: [rule.code, rule.opensTicket, rule.category, rule.impact.rawValue, rule.urgency.rawValue, rule.tier])
        }
    }
}

extension CollectorStore {
    public var faultRules: SQLiteFaultRules { SQLiteFaultRules(pool: pool) }
}
