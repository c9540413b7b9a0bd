import DesksideHelpdesk
import DesksideStore
import Foundation
import Testing

/// `FaultRuleRepository` on both engines: a rule set is kept as set, a second replaces it, and the
/// list the desk shows is the stored rules over the defaults.
@Suite struct FaultRuleConformanceTests {
    @Test(arguments: Engine.allCases)
    func aRuleIsKeptAsSetAndReplacedBySettingItAgain(_ engine: Engine) async throws {
        try await engine.withFaultRules { rules in
            #expect(try await rules.storedFaultRules() == [])
            #expect(FaultRule.listed(stored: []) == FaultRule.knownCodes.sorted().map(FaultRule.defaultRule(for:)))

            let reboot = FaultRule(code: "reboot.required", opensTicket: true, category: "maintenance", impact: .medium, urgency: .high, tier: 3)
            let vendor = FaultRule(code: "acme.fan.noise", opensTicket: true, category: "hardware", impact: .low, urgency: .low, tier: 2)
            try await rules.setFaultRule(reboot)
            try await rules.setFaultRule(vendor)
            #expect(try await rules.storedFaultRules() == [vendor, reboot], "by code")

            var quieter = reboot
            quieter.opensTicket = false
            quieter.impact = .low
            try await rules.setFaultRule(quieter)
            #expect(try await rules.storedFaultRules() == [vendor, quieter])

            let listed = FaultRule.listed(stored: try await rules.storedFaultRules())
            #expect(listed.map(\.code) == Set(FaultRule.knownCodes + ["acme.fan.noise"]).sorted())
            #expect(listed.first { $0.code == "reboot.required" } == quieter)
            #expect(listed.first { $0.code == "disk.space.low" } == FaultRule.defaultRule(for: "disk.space.low"))
        }
    }
}

/// `AuditTrail` on both engines: entries kept in order, as written, refusals too.
@Suite struct AuditTrailConformanceTests {
    @Test(arguments: Engine.allCases)
    func entriesAreKeptInOrderAsWritten(_ engine: Engine) async throws {
        try await engine.withRepositories { repositories in
            let trail = repositories.auditTrail
            #expect(try await trail.entries() == [])
            let start = Date(timeIntervalSince1970: 1_796_000_000)
            let written = [
                AuditEntry(at: start, actor: "-", action: "login", allowed: false, detail: "unknown, departed or password-less account"),
                AuditEntry(at: start.addingTimeInterval(1), actor: "ann", action: "account.create", allowed: true, detail: "tess as technician"),
                // Written later with an earlier time (clocks of two collectors): the log keeps the order of writing.
                AuditEntry(at: start.addingTimeInterval(-5), actor: "token:sync", action: "apiToken.revoke", allowed: true, detail: "7 'quoted' \"text\" ✓"),
            ]
            for entry in written { try await trail.record(entry) }
            #expect(try await trail.entries() == written)
        }
    }
}
