public import DesksideInventory
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// `updates.hotfix.old`: the newest update installed on a Windows machine is older than the policy
/// allows (`hotfixMaxAgeDays`): the machine has stopped taking Microsoft's monthly updates. Only
/// machines that report hotfixes with dates are judged.
public struct HotfixAgeCheck: FaultCheck {
    public static let code = "updates.hotfix.old"

    public init() {}

    public func faults(in inventory: Inventory, policy: FaultPolicy, now: Date) -> [Fault] {
        guard let hotfixes = inventory.updates.hotfixes, let last = inventory.updates.lastHotfixAt else { return [] }
        let days = now.timeIntervalSince(last) / 86400
        guard days > policy.hotfixMaxAgeDays else { return [] }
        let newest = hotfixes.filter { $0.installedAt == last }.map(\.id).sorted().first ?? "?"
        return [Fault(code: Self.code, severity: .warning, subject: "",
                      summary: "No Windows update installed for \(Int(days)) days (the newest is \(newest))",
                      facts: ["newestHotfix": .string(newest), "ageDays": .int(Int64(days)), "thresholdDays": .double(policy.hotfixMaxAgeDays)])]
    }
}
