public import DesksideInventory
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// `service.failed`: a systemd unit is in the failed state; one fault per unit.
public struct FailedServiceCheck: FaultCheck {
    public static let code = "service.failed"

    public init() {}

    public func faults(in inventory: Inventory, policy: FaultPolicy, now: Date) -> [Fault] {
        (inventory.health.failedUnits ?? []).filter { !policy.ignoredUnits.contains($0.name) }.map { unit in
            var facts: [String: FactValue] = ["unit": .string(unit.name)]
            if let description = unit.description { facts["description"] = .string(description) }
            return Fault(code: Self.code, severity: .warning, subject: unit.name, summary: "Service \(unit.name) has failed", facts: facts)
        }
    }
}
