#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideJSON
public import DesksideInventory

/// Where SMART verdicts come from. On a live system, `smartctl` (smartmontools) when installed;
/// tests substitute captured `smartctl --json` output.
public protocol SmartSource: Sendable {
    /// The verdict for a disk, e.g. `nvme0n1`.
    func health(of disk: String) -> SmartHealth
}

/// No SMART tool: every verdict is unknown, and says why.
public struct UnavailableSmartSource: SmartSource {
    public let reason: String

    public init(reason: String) { self.reason = reason }

    public func health(of disk: String) -> SmartHealth { SmartHealth(verdict: .unknown, detail: reason) }
}

/// Reads the verdict from smartctl's JSON output (smartmontools 7+, `smartctl --json=c -H -A`).
public enum SmartctlOutput {
    private struct Output: Decodable {
        struct Status: Decodable { var passed: Bool? }
        struct Tool: Decodable {
            struct Message: Decodable { var string: String? }
            var messages: [Message]?
        }
        struct Temperature: Decodable { var current: Int? }
        struct PowerOn: Decodable { var hours: Int? }
        struct NVMeLog: Decodable {
            var critical_warning: Int?
            var percentage_used: Int?
        }
        var smart_status: Status?
        var smartctl: Tool?
        var temperature: Temperature?
        var power_on_time: PowerOn?
        var nvme_smart_health_information_log: NVMeLog?
    }

    /// Parses smartctl's JSON. `smart_status.passed` gives the verdict; temperature, power-on hours and
    /// NVMe wear are kept when present.
    public static func parse(_ data: Data) -> SmartHealth {
        guard let output = try? JSONCoder.decode(Output.self, from: Array(data)) else {
            return SmartHealth(verdict: .unknown, detail: "smartctl output is not JSON")
        }
        var health = SmartHealth()
        if let passed = output.smart_status?.passed {
            health.verdict = passed ? .passed : .failing
        } else {
            health.detail = output.smartctl?.messages?.compactMap(\.string).first ?? "the device does not report SMART status"
        }
        health.temperatureCelsius = output.temperature?.current
        health.powerOnHours = output.power_on_time?.hours
        if let nvme = output.nvme_smart_health_information_log {
            health.percentageUsed = nvme.percentage_used
            if health.verdict == .failing, let warning = nvme.critical_warning, warning != 0 {
                health.detail = "NVMe critical warning 0x" + String(warning, radix: 16)
            }
        }
        return health
    }
}
