public import DesksideInventory
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// `disk.space.low`: a volume's free space is below the policy's percentage, or below its absolute
/// floor on volumes large enough for the floor to make sense. Critical below the critical percentage.
public struct DiskSpaceCheck: FaultCheck {
    public static let code = "disk.space.low"

    public init() {}

    public func faults(in inventory: Inventory, policy: FaultPolicy, now: Date) -> [Fault] {
        inventory.hardware.volumes.compactMap { volume in
            guard !volume.readOnly, !policy.ignoredMountPoints.contains(volume.mountPoint),
                  let free = volume.freeBytes, let size = volume.sizeBytes, size > 0,
                  let freePercent = volume.freePercent else { return nil }
            let belowPercent = freePercent < policy.diskFreePercentMin
            let (floorScale, overflow) = policy.diskFreeBytesMin.multipliedReportingOverflow(by: 4)
            let belowBytes = !overflow && size >= floorScale && free < policy.diskFreeBytesMin
            guard belowPercent || belowBytes else { return nil }
            return Fault(
                code: Self.code,
                severity: freePercent < policy.diskFreePercentCritical ? .critical : .warning,
                subject: volume.mountPoint,
                summary: "\(volume.mountPoint) has \(ByteCount.format(free)) free (\(freePercent.oneDecimal)%)",
                facts: [
                    "mountPoint": .string(volume.mountPoint), "device": .string(volume.device),
                    "freeBytes": .int(Int64(clamping: free)), "sizeBytes": .int(Int64(clamping: size)), "freePercent": .double(freePercent.oneDecimal),
                    "thresholdPercent": .double(policy.diskFreePercentMin), "thresholdBytes": .int(Int64(clamping: policy.diskFreeBytesMin)),
                ]
            )
        }
    }
}
