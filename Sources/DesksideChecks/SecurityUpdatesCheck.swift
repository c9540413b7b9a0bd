public import DesksideInventory
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// `updates.security.pending`: security updates have waited longer than the policy allows. One fault
/// per machine, with the count and the age of the oldest; critical past three times the allowed age.
public struct SecurityUpdatesCheck: FaultCheck {
    public static let code = "updates.security.pending"

    public init() {}

    public func faults(in inventory: Inventory, policy: FaultPolicy, now: Date) -> [Fault] {
        let security = inventory.updates.pending.filter(\.security)
        guard !security.isEmpty else { return [] }
        // Without a first-seen time (no agent state) an update counts as seen now.
        let oldest = security.map { $0.firstSeenAt ?? now }.min() ?? now
        let ageDays = max(0, now.timeIntervalSince(oldest) / 86400)
        guard ageDays >= policy.securityUpdateMaxAgeDays else { return [] }
        let names = security.map(\.name).sorted()
        return [Fault(
            code: Self.code,
            severity: ageDays >= policy.securityUpdateMaxAgeDays * 3 && policy.securityUpdateMaxAgeDays > 0 ? .critical : .warning,
            subject: "",
            summary: "\(security.count) security update(s) pending, oldest for \(Int(ageDays)) day(s)",
            facts: [
                "count": .int(Int64(security.count)), "oldestAgeDays": .double(ageDays.oneDecimal),
                "packages": .string(names.prefix(20).joined(separator: ", ") + (names.count > 20 ? ", ..." : "")),
                "thresholdDays": .double(policy.securityUpdateMaxAgeDays),
            ]
        )]
    }
}
