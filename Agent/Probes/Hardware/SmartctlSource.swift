import DesksideInventory
import Foundation

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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--json=c", "--health", "--attributes", "/dev/" + disk]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return SmartHealth(verdict: .unknown, detail: "smartctl could not be started")
        }
        let deadline = DispatchTime.now() + timeoutSeconds
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            process.waitUntilExit()
            finished.signal()
        }
        // Reading runs while the process does; output past 1 MiB is not read.
        let data = output.fileHandleForReading.readData(ofLength: 1 << 20)
        if finished.wait(timeout: deadline) == .timedOut {
            process.terminate()
            return SmartHealth(verdict: .unknown, detail: "smartctl did not answer within \(Int(timeoutSeconds)) s")
        }
        return SmartctlOutput.parse(data)
    }
}
