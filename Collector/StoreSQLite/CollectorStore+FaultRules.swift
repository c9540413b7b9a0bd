public import DesksideHelpdesk
import GRDB

extension CollectorStore {
    /// Every fault code's rule: the stored ones, and the defaults of the known codes not stored.
    public func faultRules() throws -> [FaultRule] {
        try pool.read { db in
            let stored = try String.fetchAll(db, sql: "SELECT code FROM faultRule")
            return try Set(FaultRule.knownCodes + stored).sorted().map { try FaultRules.fetch(db, code: $0) ?? FaultRule.defaultRule(for: $0) }
        }
    }

    public func setFaultRule(_ rule: FaultRule) throws {
        try rule.validate()
        try pool.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO faultRule (code, opensTicket, category, impact, urgency, tier) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [rule.code, rule.opensTicket, rule.category, rule.impact.rawValue, rule.urgency.rawValue, rule.tier])
        }
    }
}

