public import DesksideInventory
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// `memory.low`: available memory is below the policy's share of the total.
public struct MemoryLowCheck: FaultCheck {
    public static let code = "memory.low"

    public init() {}

    public func faults(in inventory: Inventory, policy: FaultPolicy, now: Date) -> [Fault] {
        let memory = inventory.hardware.memory
        guard let total = memory.totalBytes, let available = memory.availableBytes, total > 0 else { return [] }
        let percent = Double(available) * 100 / Double(total)
        guard percent < policy.memoryAvailablePercentMin else { return [] }
        return [Fault(code: Self.code, severity: .warning, subject: "",
                      summary: "Only \(ByteCount.format(available)) of \(ByteCount.format(total)) memory available",
                      facts: ["availableBytes": .int(Int64(clamping: available)), "totalBytes": .int(Int64(clamping: total)),
                              "availablePercent": .double(percent.oneDecimal), "thresholdPercent": .double(policy.memoryAvailablePercentMin)])]
    }
}
