import DesksideInventory
import Foundation

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
    /// Parses smartctl's JSON. `smart_status.passed` gives the verdict; temperature, power-on hours and
    /// NVMe wear are kept when present.
    public static func parse(_ data: Data) -> SmartHealth {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return SmartHealth(verdict: .unknown, detail: "smartctl output is not JSON")
        }
        var health = SmartHealth()
        if let status = object["smart_status"] as? [String: Any], let passed = status["passed"] as? Bool {
            health.verdict = passed ? .passed : .failing
        } else {
            let messages = ((object["smartctl"] as? [String: Any])?["messages"] as? [[String: Any]])?
                .compactMap { $0["string"] as? String } ?? []
            health.detail = messages.first ?? "the device does not report SMART status"
        }
        health.temperatureCelsius = ((object["temperature"] as? [String: Any])?["current"] as? NSNumber)?.intValue
        health.powerOnHours = ((object["power_on_time"] as? [String: Any])?["hours"] as? NSNumber)?.intValue
        if let nvme = object["nvme_smart_health_information_log"] as? [String: Any] {
            health.percentageUsed = (nvme["percentage_used"] as? NSNumber)?.intValue
            if health.verdict == .failing, let warning = (nvme["critical_warning"] as? NSNumber)?.intValue, warning != 0 {
                health.detail = "NVMe critical warning 0x" + String(warning, radix: 16)
            }
        }
        return health
    }
}
