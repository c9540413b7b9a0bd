public import DesksideInventory
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// `reboot.required`: a reboot has been pending (updates installed that need one) for longer than the
/// policy allows.
public struct RebootRequiredCheck: FaultCheck {
    public static let code = "reboot.required"

    public init() {}

    public func faults(in inventory: Inventory, policy: FaultPolicy, now: Date) -> [Fault] {
        let health = inventory.health
        guard health.rebootRequired else { return [] }
        let ageDays = max(0, now.timeIntervalSince(health.rebootRequiredSince ?? now) / 86400)
        guard ageDays >= policy.rebootRequiredMaxAgeDays else { return [] }
        var facts: [String: FactValue] = ["ageDays": .double(ageDays.oneDecimal), "thresholdDays": .double(policy.rebootRequiredMaxAgeDays)]
        if !health.rebootRequiredPackages.isEmpty { facts["packages"] = .string(health.rebootRequiredPackages.joined(separator: ", ")) }
        return [Fault(code: Self.code, severity: .warning, subject: "",
                      summary: "Reboot required for \(Int(ageDays)) day(s)", facts: facts)]
    }
}
