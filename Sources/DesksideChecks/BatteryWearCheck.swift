public import DesksideInventory
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// `battery.worn`: a battery holds much less than it did new.
public struct BatteryWearCheck: FaultCheck {
    public static let code = "battery.worn"

    public init() {}

    public func faults(in inventory: Inventory, policy: FaultPolicy, now: Date) -> [Fault] {
        inventory.hardware.batteries.compactMap { battery in
            guard battery.present, let wear = battery.wearPercent, wear >= policy.batteryWearPercentMax else { return nil }
            var facts: [String: FactValue] = ["battery": .string(battery.name), "wearPercent": .double(wear.oneDecimal),
                                              "thresholdPercent": .double(policy.batteryWearPercentMax)]
            if let design = battery.designCapacity { facts["designCapacity"] = .int(Int64(clamping: design)) }
            if let full = battery.fullCapacity { facts["fullCapacity"] = .int(Int64(clamping: full)) }
            if let cycles = battery.cycleCount { facts["cycleCount"] = .int(Int64(cycles)) }
            if let unit = battery.capacityUnit { facts["unit"] = .string(unit) }
            return Fault(code: Self.code, severity: .warning, subject: battery.name,
                         summary: "Battery \(battery.name) has lost \(Int(wear))% of its capacity", facts: facts)
        }
    }
}
