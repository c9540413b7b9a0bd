import DesksideTestSupport
import Foundation
import Testing

/// `kill -9` of the collector and of the agent in the middle of a stream of reports: no acknowledged
/// report is lost, none is stored twice, and the collector ends up holding exactly the agent's
/// inventory. Real processes, real signals, the same SQLite file across restarts.
@Suite(.serialized) struct DurabilityTests {
    typealias Workspace = AgentSessionTests.Workspace

    /// A port free right now on loopback (the collector must come back on the same one).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(fd, raw, length) == 0, getsockname(fd, raw, &length) == 0 else { throw POSIXError(.EADDRINUSE) }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func startAgent(_ workspace: Workspace, once: Bool) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: AgentSessionTests.agent)
        process.arguments = ["run"] + (once ? ["--once"] : []) + ["--root", workspace.root, "--state", workspace.state]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Delivers what is left, then checks the collector holds what the agent had acknowledged.
    static func checkConsistency(_ workspace: Workspace, _ collector: RunningCollector) throws {
        var delivered = false
        for _ in 0..<3 where !delivered {
            delivered = try AgentSessionTests.runOnce(workspace).status == 0
        }
        #expect(delivered)
        let database = collector.data + "/deskside.sqlite"
        let session = try workspace.session()
        let acknowledged = try #require(session["acknowledgedSequence"] as? Int)
        #expect(try AgentSessionTests.sql(database, "PRAGMA integrity_check") == "ok")
        // The acknowledged report is stored; no sequence is stored twice.
        #expect(try AgentSessionTests.sql(database, "SELECT count(*) FROM report WHERE sequence = \(acknowledged)") == "1")
        #expect(try AgentSessionTests.sql(database, "SELECT count(*) - count(DISTINCT sequence) FROM report") == "0")
        // The collector's base is the agent's acknowledged inventory, and it holds today's packages.
        #expect(try AgentSessionTests.sql(database, "SELECT baseHash FROM agent") == session["acknowledgedBase"] as? String)
        let page = try AgentSessionTests.json(collector.get("/api/v1/assets").body)
        let id = try #require((page["items"] as? [[String: Any]])?.first?["id"] as? Int)
        let detail = try AgentSessionTests.json(collector.get("/api/v1/assets/\(id)").body)
        let packages = ((detail["inventory"] as? [String: Any])?["software"] as? [String: Any])?["packages"] as? [Any]
        let installed = try workspace.installedPackageCount()
        #expect(packages?.count == installed)
        #expect(try AgentSessionTests.sql(database, "SELECT count(*) FROM asset") == "1")
    }

    @Test func killingTheCollectorMidStreamLosesNoAcknowledgedReport() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let address = "127.0.0.1:\(try Self.freePort())"
        var collector = try RunningCollector(data: workspace.data, agentListen: address)
        try AgentSessionTests.enroll(workspace, with: collector)
        for _ in 0..<6 {
            try workspace.uninstallLastPackage()
            let agent = try Self.startAgent(workspace, once: true)
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.6))
            collector.kill()
            agent.waitUntilExit()
            collector = try RunningCollector(data: workspace.data, agentListen: address)
        }
        defer { collector.stop() }
        try Self.checkConsistency(workspace, collector)
    }

    @Test func killingTheAgentBetweenSendAndAckStoresTheReportOnce() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let collector = try RunningCollector(data: workspace.data)
        defer { collector.stop() }
        try AgentSessionTests.enroll(workspace, with: collector)
        for _ in 0..<6 {
            try workspace.uninstallLastPackage()
            let agent = try Self.startAgent(workspace, once: false)
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.8))
            kill(agent.processIdentifier, SIGKILL)
            agent.waitUntilExit()
        }
        try Self.checkConsistency(workspace, collector)
    }

    /// SECURITY-TESTS 41: the agent's state directory put back from an old copy (a VM snapshot). Its
    /// next reports reuse sequence numbers the collector already stored; before `welcome` carried the
    /// collector's newest sequence they were acknowledged as stale and thrown away, so the disk that
    /// filled up after the restore never reached the collector.
    @Test func anAgentRestoredFromAnOldCopyStillDeliversWhatItSeesNext() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let collector = try RunningCollector(data: workspace.data)
        defer { collector.stop() }
        try AgentSessionTests.enroll(workspace, with: collector)
        try FaultTicketTests.setHome(full: false, in: workspace)
        try FaultTicketTests.runOnce(workspace)
        let snapshot = workspace.directory + "/snapshot"
        try Fixtures.run("/bin/cp", ["-a", workspace.state, snapshot])
        for _ in 0..<3 {
            try workspace.uninstallLastPackage()
            try FaultTicketTests.runOnce(workspace)
        }
        try FileManager.default.removeItem(atPath: workspace.state)
        try Fixtures.run("/bin/cp", ["-a", snapshot, workspace.state])
        try FaultTicketTests.setHome(full: true, in: workspace)
        try FaultTicketTests.runOnce(workspace)

        let database = collector.data + "/deskside.sqlite"
        #expect(try AgentSessionTests.sql(database, "SELECT count(*) FROM fault WHERE code = 'disk.space.low'") == "1")
        #expect(try FaultTicketTests.diskTickets(collector).count == 1)
        #expect(try AgentSessionTests.sql(database, "SELECT count(*) FROM report WHERE outcome = 'stale'") == "0")
        // The agent numbers its reports above the collector's, and both agree on the base.
        let session = try workspace.session()
        #expect(session["acknowledgedSequence"] as? Int == Int(try AgentSessionTests.sql(database, "SELECT lastSequence FROM agent")))
        #expect(try AgentSessionTests.sql(database, "SELECT baseHash FROM agent") == session["acknowledgedBase"] as? String)

        // Lost altogether: the same again from an empty state directory (its identity kept).
        for name in ["session.json", "inventory-latest.json"] { try? FileManager.default.removeItem(atPath: workspace.state + "/" + name) }
        try FaultTicketTests.setHome(full: false, in: workspace)
        try FaultTicketTests.runOnce(workspace)
        #expect(try AgentSessionTests.sql(database, "SELECT count(*) FROM fault WHERE code = 'disk.space.low'") == "0")
        #expect(try AgentSessionTests.sql(database, "SELECT count(*) FROM report WHERE outcome = 'stale'") == "0")
    }
}
