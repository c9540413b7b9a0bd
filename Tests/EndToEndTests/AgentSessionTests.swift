import DesksideTestSupport
import Foundation
import Testing

/// The real programs over loopback: `deskside-collector serve`, `deskside-agent enroll`, `run`,
/// `status`, and the REST API, through real TLS and a real SQLite file.
@Suite(.serialized) struct AgentSessionTests {
    static let agent = Fixtures.program("deskside-agent")
    static let collectorProgram = Fixtures.program("deskside-collector")

    /// A workspace: a copy of the laptop's files (so that its packages can change) and a state directory.
    struct Workspace {
        let directory: String
        var root: String { directory + "/root" }
        var state: String { directory + "/agent" }
        var data: String { directory + "/data" }

        init() throws {
            directory = try Fixtures.temporaryDirectory()
            try Fixtures.run("/bin/cp", ["-a", Fixtures.system("laptop"), root])
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }

        /// Removes the last package stanza from the copy's dpkg status: one package uninstalled.
        /// Returns its name.
        @discardableResult
        func uninstallLastPackage() throws -> String {
            let path = root + "/var/lib/dpkg/status"
            var stanzas = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n\n").filter { !$0.isEmpty }
            let removed = stanzas.removeLast()
            try (stanzas.joined(separator: "\n\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let line = removed.components(separatedBy: "\n").first { $0.hasPrefix("Package: ") } ?? ""
            return String(line.dropFirst("Package: ".count))
        }

        func installedPackageCount() throws -> Int {
            try String(contentsOfFile: root + "/var/lib/dpkg/status", encoding: .utf8).components(separatedBy: "\n\n")
                .filter { $0.contains("Status: install ok installed") }.count
        }

        func session() throws -> [String: Any] {
            let data = try Data(contentsOf: URL(fileURLWithPath: state + "/session.json"))
            return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        }
    }

    @discardableResult
    static func agent(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try Fixtures.run(agent, arguments)
        return (result.status, String(decoding: result.stdout, as: UTF8.self), String(decoding: result.stderr, as: UTF8.self))
    }

    static func enroll(_ workspace: Workspace, with collector: RunningCollector) throws {
        let enrolled = try agent(["enroll", "--collector", collector.agentAddress, "--token-file", collector.enrollmentTokenFile,
                                  "--ca-fingerprint", collector.fingerprint, "--state", workspace.state])
        try #require(enrolled.status == 0, "\(enrolled.stderr)")
    }

    static func runOnce(_ workspace: Workspace) throws -> (status: Int32, stdout: String, stderr: String) {
        try agent(["run", "--once", "--root", workspace.root, "--state", workspace.state])
    }

    static func json(_ data: Data) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    static func sql(_ database: String, _ query: String) throws -> String {
        let result = try Fixtures.run("/usr/bin/sqlite3", [database, query])
        return String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func anAgentEnrollsReportsAndAppearsInTheAPI() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let collector = try RunningCollector(data: workspace.data)
        defer { collector.stop() }
        try Self.enroll(workspace, with: collector)
        var info = stat()
        #expect(stat(workspace.state + "/identity/key.pem", &info) == 0 && info.st_mode & 0o077 == 0)

        let first = try Self.runOnce(workspace)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("(full,"))
        let list = try collector.get("/api/v1/assets?hostname=jdupont")
        #expect(list.status == 200)
        let page = try Self.json(list.body)
        #expect(page["total"] as? Int == 1)
        let item = try #require((page["items"] as? [[String: Any]])?.first)
        #expect(item["hostname"] as? String == "tp-jdupont")
        let id = try #require(item["id"] as? Int)

        let installed = try workspace.installedPackageCount()
        func detail() throws -> [String: Any] {
            let response = try collector.get("/api/v1/assets/\(id)")
            #expect(response.status == 200)
            return try Self.json(response.body)
        }
        func packageCount(_ detail: [String: Any]) -> Int? {
            ((detail["inventory"] as? [String: Any])?["software"] as? [String: Any]).flatMap { ($0["packages"] as? [Any])?.count }
        }
        #expect(packageCount(try detail()) == installed)

        // A package goes: the next report is a delta, and the change is in the asset's history.
        let removed = try workspace.uninstallLastPackage()
        let second = try Self.runOnce(workspace)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("(delta,"))
        let after = try detail()
        #expect(packageCount(after) == installed - 1)
        let history = after["history"] as? [[String: Any]] ?? []
        #expect(history.contains {
            $0["section"] as? String == "software" && ($0["item"] as? String)?.hasPrefix(removed + ":") == true
                && ($0["newValue"] == nil || $0["newValue"] is NSNull)
        }, "\(removed) removed: \(history)")

        // Nothing changed: a heartbeat report.
        let third = try Self.runOnce(workspace)
        #expect(third.status == 0 && third.stderr.contains("(heartbeat,"), "\(third.stderr)")

        // Searches: by package, by OS, by serial; an unknown package finds nothing.
        #expect(try Self.json(collector.get("/api/v1/assets?package=adduser").body)["total"] as? Int == 1)
        #expect(try Self.json(collector.get("/api/v1/assets?package=no-such-package").body)["total"] as? Int == 0)
        #expect(try Self.json(collector.get("/api/v1/assets?os=debian").body)["total"] as? Int == 1)
        #expect(try Self.json(collector.get("/api/v1/assets?q=%25").body)["total"] as? Int == 0)
        #expect(try collector.get("/api/v1/assets/999999").status == 404)
        #expect(try collector.get("/api/v1/assets/\(id)", token: "dsk_wrong").status == 401)
        #expect(try collector.get("/api/v1/assets?limit=100000").status == 400)

        let status = try Self.agent(["status", "--state", workspace.state])
        #expect(status.status == 0)
        #expect(status.stdout.contains("enrolled:        yes") && status.stdout.contains("spool:           0 report(s) waiting"))
    }

    @Test func anAgentPinnedToAnotherCARefusesBeforeSendingAnything() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let trusted = try RunningCollector(data: workspace.data)
        defer { trusted.stop() }
        let impostor = try RunningCollector(data: workspace.directory + "/impostor")
        defer { impostor.stop() }

        // Enrollment with the trusted CA's pin at the impostor: refused, and no token reached it.
        let refused = try Self.agent(["enroll", "--collector", impostor.agentAddress, "--token-file", trusted.enrollmentTokenFile,
                                      "--ca-fingerprint", trusted.fingerprint, "--state", workspace.state])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("is not signed by the pinned CA"))
        #expect(try Self.sql(impostor.data + "/deskside.sqlite", "SELECT count(*) FROM auditEvent") == "0")
        #expect(!FileManager.default.fileExists(atPath: workspace.state + "/identity/agent.json"))

        // An enrolled agent sent to the impostor: the TLS handshake fails on the agent's side; no hello, no report.
        try Self.enroll(workspace, with: trusted)
        let record = workspace.state + "/identity/agent.json"
        let text = try String(contentsOfFile: record, encoding: .utf8).replacingOccurrences(of: trusted.agentAddress, with: impostor.agentAddress)
        try text.write(toFile: record, atomically: true, encoding: .utf8)
        let run = try Self.runOnce(workspace)
        #expect(run.status == 1)
        #expect(run.stderr.contains("TLS"))
        #expect(try Self.sql(impostor.data + "/deskside.sqlite", "SELECT count(*) FROM report") == "0")
        #expect(try Self.sql(impostor.data + "/deskside.sqlite", "SELECT count(*) FROM agent") == "0")
    }

    @Test func badTokensAreRefusedGenericallyAndAudited() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let collector = try RunningCollector(data: workspace.data)
        defer { collector.stop() }
        let tokenFile = workspace.directory + "/token"
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data("dsk_not-a-real-token\n".utf8), attributes: [.posixPermissions: 0o600])
        let wrong = try Self.agent(["enroll", "--collector", collector.agentAddress, "--token-file", tokenFile,
                                    "--ca-fingerprint", collector.fingerprint, "--state", workspace.state])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("ENROLLMENT_REFUSED"))
        #expect(try Self.sql(collector.data + "/deskside.sqlite", "SELECT outcome || ' ' || detail FROM auditEvent WHERE action = 'enroll'") == "refused unknownToken")
        #expect(try Self.sql(collector.data + "/deskside.sqlite", "SELECT count(*) FROM agent") == "0")

        // A token file others can read is refused before anything is sent.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: tokenFile)
        let exposed = try Self.agent(["enroll", "--collector", collector.agentAddress, "--token-file", tokenFile,
                                      "--ca-fingerprint", collector.fingerprint, "--state", workspace.state])
        #expect(exposed.status != 0 && exposed.stderr.contains("chmod 600"))
        #expect(try Self.sql(collector.data + "/deskside.sqlite", "SELECT count(*) FROM auditEvent WHERE action = 'enroll'") == "1")
    }

    @Test func aRevokedAgentIsDisconnectedWithinAHeartbeatAndCannotReturn() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let config = workspace.directory + "/collector.json"
        try #"{"heartbeatSeconds": 5}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let collector = try RunningCollector(data: workspace.data, extraArguments: ["--config", config])
        defer { collector.stop() }
        try Self.enroll(workspace, with: collector)
        let running = Process()
        running.executableURL = URL(fileURLWithPath: Self.agent)
        running.arguments = ["run", "--root", workspace.root, "--state", workspace.state]
        running.standardError = FileHandle.nullDevice
        try running.run()
        defer { if running.isRunning { kill(running.processIdentifier, SIGKILL) } }
        // Connected and reported.
        var reported = false
        for _ in 0..<300 where !reported {
            reported = (try? Self.json(collector.get("/api/v1/assets").body)["total"] as? Int) == 1
            if !reported { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(reported)
        let agentID = try Self.sql(collector.data + "/deskside.sqlite", "SELECT uuid FROM agent")
        let revoke = try Fixtures.run(Self.collectorProgram, ["agents", "revoke", "--data", collector.data, agentID])
        #expect(revoke.status == 0)
        let revokedAt = Date()
        while running.isRunning && Date().timeIntervalSince(revokedAt) < 30 { Thread.sleep(forTimeInterval: 0.1) }
        #expect(!running.isRunning)
        #expect(Date().timeIntervalSince(revokedAt) < 15, "closed within one heartbeat (5 s) and the sweep (5 s)")
        #expect(running.terminationStatus == 3)
        let again = try Self.runOnce(workspace)
        #expect(again.status == 3, "\(again.stderr)")
    }
}
