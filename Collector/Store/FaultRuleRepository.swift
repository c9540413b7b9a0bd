public import DesksideHelpdesk

/// The fault rules an admin set (what each fault code does to the desk), as each engine stores them
/// (`SQLiteFaultRules`, `PostgresFaultRules`). The defaults of the codes none is set for are the
/// domain's (`FaultRule.defaultRule`, `FaultRule.listed`), and the desk validates a rule before a call.
public protocol FaultRuleRepository: Sendable {
    /// The rules set, by code.
    func storedFaultRules() async throws -> [FaultRule]
    /// Sets (or replaces) the rule of `rule.code`.
    func setFaultRule(_ rule: FaultRule) async throws
}
