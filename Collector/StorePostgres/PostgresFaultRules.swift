public import DesksideHelpdesk
public import DesksideStore
import PostgresNIO

/// The fault rules on PostgreSQL (`fault_rule`, see `PostgresMigrations.faultRules`).
public struct PostgresFaultRules: FaultRuleRepository {
    let database: PostgresStore

    public init(_ database: PostgresStore) {
        self.database = database
    }

    public func storedFaultRules() async throws -> [FaultRule] {
        try await database.rows("SELECT code, opens_ticket, category, impact, urgency, tier FROM fault_rule ORDER BY code").map { row in
            let (code, opens, category, impact, urgency, tier) = try row.decode((String, Bool, String, String, String, Int32).self)
            return FaultRule(code: code, opensTicket: opens, category: category, impact: try PostgresStore.word(impact, "impact"),
                             urgency: try PostgresStore.word(urgency, "urgency"), tier: Int(tier))
        }
    }

    public func setFaultRule(_ rule: FaultRule) async throws {
        _ = try await database.rows("""
            INSERT INTO fault_rule (code, opens_ticket, category, impact, urgency, tier)
            VALUES (\(rule.code), \(rule.opensTicket), \(rule.category), \(rule.impact.rawValue), \(rule.urgency.rawValue), \(Int32(rule.tier)))
            ON CONFLICT (code) DO UPDATE SET opens_ticket = excluded.opens_ticket, category = excluded.category, impact = excluded.impact,
                urgency = excluded.urgency, tier = excluded.tier
            """)
    }
}
