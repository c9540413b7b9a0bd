import Foundation

/// A helper of Tests/Tools (the SMTP sink, the webhook receiver) run with the tests' Python (the venv
/// scripts/test makes, with aiosmtpd), until `stop()`. It writes the port it listens on to a file.
public final class PythonTool: @unchecked Sendable {
    public let process: Process
    public let port: Int

    public static var python: String {
        ProcessInfo.processInfo.environment["DESKSIDE_PYTHON"] ?? Fixtures.packageRoot + "/.build/pytools/bin/python3"
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ script: String, _ arguments: [String], portFile: String) throws {
        try? FileManager.default.removeItem(atPath: portFile)
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [Fixtures.packageRoot + "/Tests/Tools/" + script] + arguments + ["--port-file", portFile]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) {
                self.port = port
                return
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        if process.isRunning { process.terminate() }
        throw StartFailure(description: "\(script) did not start (is aiosmtpd in \(Self.python)? scripts/test installs it)")
    }

    /// SIGKILL: the helpers keep nothing that needs flushing (the sink writes each message whole).
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}
