public import DesksideInventory
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Turns an inventory into faults. Each check is a pure function of the inventory, the policy and
/// the time, so that it can be tested with tables of cases and run again on the collector.
public protocol FaultCheck: Sendable {
    /// The fault code this check raises.
    static var code: String { get }
    func faults(in inventory: Inventory, policy: FaultPolicy, now: Date) -> [Fault]
}

/// Runs every check; faults are ordered by severity (critical first), then code and subject.
public struct FaultChecker: Sendable {
    public static let allChecks: [any FaultCheck] = [
        DiskSpaceCheck(), SmartCheck(), SecurityUpdatesCheck(), RebootRequiredCheck(), FailedServiceCheck(),
        BatteryWearCheck(), MemoryLowCheck(), AntivirusCheck(), HotfixAgeCheck(),
    ]

    public let policy: FaultPolicy
    public let checks: [any FaultCheck]

    public init(policy: FaultPolicy = FaultPolicy(), checks: [any FaultCheck] = FaultChecker.allChecks) {
        self.policy = policy
        self.checks = checks
    }

    public func faults(in inventory: Inventory, now: Date) -> [Fault] {
        checks.flatMap { $0.faults(in: inventory, policy: policy, now: now) }
            .sorted { ($1.severity, $0.code, $0.subject) < ($0.severity, $1.code, $1.subject) }
    }
}

/// Human-readable sizes for fault summaries.
enum ByteCount {
    static func format(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return unit == 0 ? "\(bytes) B" : "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}

extension Double {
    /// Rounded to one decimal, for facts that people read.
    var oneDecimal: Double { (self * 10).rounded() / 10 }
}
