public import DesksideInventory
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// `disk.smart.failing`: the disk's own SMART self-assessment says it is failing. Always critical:
/// data loss is near.
public struct SmartCheck: FaultCheck {
    public static let code = "disk.smart.failing"

    public init() {}

    public func faults(in inventory: Inventory, policy: FaultPolicy, now: Date) -> [Fault] {
        inventory.hardware.disks.filter { $0.smart.verdict == .failing }.map { disk in
            var facts: [String: FactValue] = ["disk": .string(disk.name)]
            if let model = disk.model { facts["model"] = .string(model) }
            if let serial = disk.serial { facts["serial"] = .string(serial) }
            if let detail = disk.smart.detail { facts["detail"] = .string(detail) }
            if let hours = disk.smart.powerOnHours { facts["powerOnHours"] = .int(Int64(hours)) }
            return Fault(code: Self.code, severity: .critical, subject: disk.name,
                         summary: "Disk \(disk.name)\(disk.model.map { " (\($0))" } ?? "") reports SMART failure", facts: facts)
        }
    }
}
