import Foundation

/// The real `deskside-collector serve`, started on loopback with ports chosen by the system, for
/// end-to-end tests. Its announced addresses and CA fingerprint are read from its standard output.
public final class RunningCollector: @unchecked Sendable {
    public let data: String
    public let process: Process
    public private(set) var agentAddress = ""
    public private(set) var httpAddress = ""
    public private(set) var fingerprint = ""
    private let output = LockedData()
    private let errors = LockedData()

    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts the collector on `data`; returns once both listeners are announced. `command` runs
    /// another build of it, or runs it through a launcher (`setpriv ... deskside-collector`).
    public init(data: String, agentListen: String = "127.0.0.1:0", extraArguments: [String] = [], timeout: TimeInterval = 60,
                command: [String] = [Fixtures.program("deskside-collector")]) throws {
        self.data = data
        process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = command.dropFirst() + ["serve", "--data", data, "--agent-listen", agentListen, "--http-listen", "127.0.0.1:0"] + extraArguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        out.fileHandleForReading.collect(into: output)
        err.fileHandleForReading.collect(into: errors)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = stdout
            if let agents = Self.value(after: "agents (TLS):", in: text), let http = Self.value(after: "HTTP API:", in: text),
               let fingerprint = Self.value(after: "CA fingerprint:", in: text) {
                agentAddress = agents
                httpAddress = http.replacingOccurrences(of: "/api/v1", with: "")
                self.fingerprint = fingerprint
                return
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        if process.isRunning { process.terminate() }
        throw StartFailure(description: "the collector did not start: \(stdout) \(stderr)")
    }

    public var stdout: String { String(decoding: output.get(), as: UTF8.self) }
    public var stderr: String { String(decoding: errors.get(), as: UTF8.self) }

    public var enrollmentTokenFile: String { data + "/secrets/enrollment-token" }
    public var adminToken: String {
        (try? String(contentsOfFile: data + "/secrets/admin-token", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    /// A GET on the HTTP API with the admin token (or `token`), through curl.
    public func get(_ path: String, token: String? = nil) throws -> (status: Int, body: Data) {
        try send("GET", path, token: token)
    }

    /// A request with a JSON body (or none) on the HTTP API with the admin token (or `token`), through
    /// curl; the token goes through curl's standard input, never its command line.
    public func send(_ method: String, _ path: String, json: String? = nil, token: String? = nil) throws -> (status: Int, body: Data) {
        var arguments = ["-sS", "-o", "-", "-w", "\n%{http_code}", "-X", method, "-K", "-"]
        var bodyFile: String?
        if let json {
            let file = try Fixtures.temporaryDirectory() + "/body.json"
            try Data(json.utf8).write(to: URL(fileURLWithPath: file))
            arguments += ["-H", "Content-Type: application/json", "--data-binary", "@" + file]
            bodyFile = file
        }
        defer { if let bodyFile { try? FileManager.default.removeItem(atPath: (bodyFile as NSString).deletingLastPathComponent) } }
        let result = try Fixtures.run("/usr/bin/curl", arguments + [httpAddress + path],
                                      stdin: Data("header = \"Authorization: Bearer \(token ?? adminToken)\"\n".utf8))
        let text = String(decoding: result.stdout, as: UTF8.self)
        guard let split = text.lastIndex(of: "\n"), let status = Int(text[text.index(after: split)...]), status > 0 else {
            // No answer at all: say why, for the failure message.
            return (0, Data("curl exited \(result.status): \(String(decoding: result.stderr, as: UTF8.self)); the collector is \(process.isRunning ? "running" : "gone"); its log: \(stderr.suffix(3000))".utf8))
        }
        return (status, Data(text[..<split].utf8))
    }

    /// SIGTERM, then waits for the exit.
    public func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        drain()
    }

    /// SIGKILL: no chance to clean up.
    public func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        drain()
    }

    /// Once the collector has exited: no handler is left watching its pipes (see `collect(into:)`),
    /// and what it wrote last is kept.
    private func drain() {
        for (pipe, sink) in [(process.standardOutput, output), (process.standardError, errors)] {
            guard let handle = (pipe as? Pipe)?.fileHandleForReading else { continue }
            handle.readabilityHandler = nil
            sink.append(handle.readDataToEndOfFile())
        }
    }

    static func value(after label: String, in text: String) -> String? {
        guard let range = text.range(of: label) else { return nil }
        let rest = text[range.upperBound...]
        guard let end = rest.firstIndex(of: "\n") else { return nil }
        return rest[..<end].trimmingCharacters(in: .whitespaces).components(separatedBy: " ").first
    }

    deinit { if process.isRunning { kill() } }
}
