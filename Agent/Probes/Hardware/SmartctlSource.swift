#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import DesksideInventory

/// SMART verdicts from smartctl (smartmontools), the agent's one optional tool. Run with typed
/// arguments (never a shell), a time limit, and its output capped.
public struct SmartctlSource: SmartSource {
    public static let candidates = ["/usr/sbin/smartctl", "/usr/bin/smartctl", "/sbin/smartctl"]
    public let executable: String
    public let timeoutSeconds: Double

    public init(executable: String, timeoutSeconds: Double = 10) {
        self.executable = executable
        self.timeoutSeconds = timeoutSeconds
    }

    /// smartctl when present on the live system; otherwise a source that answers unknown.
    public static func `default`(for root: SystemRoot) -> any SmartSource {
        guard root.isLiveSystem else { return UnavailableSmartSource(reason: "SMART is not read from a copied system tree") }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return UnavailableSmartSource(reason: "smartctl is not installed (package smartmontools)")
        }
        return SmartctlSource(executable: path)
    }

    public func health(of disk: String) -> SmartHealth {
        guard disk.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            return SmartHealth(verdict: .unknown, detail: "unexpected device name")
        }
        let result: ChildProcess.Result
        do throws(ChildProcess.LaunchError) {
            result = try ChildProcess.run(executable, ["--json=c", "--health", "--attributes", "/dev/" + disk],
                                          timeoutSeconds: timeoutSeconds, outputLimit: 1 << 20)
        } catch {
            return SmartHealth(verdict: .unknown, detail: "smartctl could not be started (errno \(error.errno))")
        }
        if result.timedOut {
            return SmartHealth(verdict: .unknown, detail: "smartctl did not answer within \(Int(timeoutSeconds)) s")
        }
        return SmartctlOutput.parse(Data(result.output))
    }
}
