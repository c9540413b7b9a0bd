import DesksideAuthority
import DesksideTestSupport
import Foundation
import Testing
import X509

/// The CA's rollover with the real programs: the agent learns the next CA over its session before the
/// collector uses it, renews onto it after the switch, and is never cut off; the steps that would cut
/// agents off are refused.
@Suite(.serialized) struct CARolloverTests {
    typealias Workspace = AgentSessionTests.Workspace

    static func ca(_ arguments: [String], _ workspace: Workspace) throws -> (status: Int32, stdout: String, stderr: String) {
        try CollectorCommandTests.run(["ca"] + arguments + ["--data", workspace.data])
    }

    static func trustedCAs(_ workspace: Workspace) throws -> [String] {
        let text = try String(contentsOfFile: workspace.state + "/identity/ca.pem", encoding: .utf8)
        return text.components(separatedBy: "-----BEGIN CERTIFICATE-----").dropFirst().map { body in
            CertificateAuthority.fingerprint(of: try! Certificate(pemEncoded: "-----BEGIN CERTIFICATE-----" + body))
        }
    }

    @Test func agentsMoveToANewCAWithoutBeingCutOff() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let address = "127.0.0.1:\(try DurabilityTests.freePort())"
        var collector = try RunningCollector(data: workspace.data, agentListen: address)
        try AgentSessionTests.enroll(workspace, with: collector)
        let old = collector.fingerprint
        #expect(try Self.ca(["rollover", "activate"], workspace).stderr.contains("no CA rollover is prepared"))

        // 1. Prepared: the next start announces the next CA; the agent trusts both and says so.
        collector.stop()
        let prepared = try Self.ca(["rollover", "prepare"], workspace)
        try #require(prepared.status == 0, "\(prepared.stderr)")
        let next = try #require(prepared.stdout.components(separatedBy: "\n").first { $0.hasPrefix("next CA:") }?.components(separatedBy: " ").last)
        #expect(try Self.ca(["rollover", "prepare"], workspace).status != 0, "one rollover at a time")
        // Activating before the agent has heard of the next CA would cut it off: refused.
        let early = try Self.ca(["rollover", "activate"], workspace)
        #expect(early.status != 0 && early.stderr.contains("1 of 1 agents do not trust the next CA"), "\(early.stderr)")
        collector = try RunningCollector(data: workspace.data, agentListen: address)
        var run = try AgentSessionTests.runOnce(workspace)
        try #require(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("announced its next CA"))
        #expect(try Self.trustedCAs(workspace) == [old, next])
        run = try AgentSessionTests.runOnce(workspace)   // lists both in hello: the collector records it
        #expect(try Self.ca(["status"], workspace).stdout.contains("1 of 1 agents trust the next CA"))

        // 2. Activated: the collector serves a certificate of the new CA; the agent, trusting it already,
        // connects, is asked to renew, and then pins the new CA alone.
        collector.stop()
        let activated = try Self.ca(["rollover", "activate"], workspace)
        try #require(activated.status == 0, "\(activated.stderr)")
        #expect(try Self.ca(["rollover", "finish"], workspace).stderr.contains("1 of 1 agents still hold a certificate of the retired CA"))
        collector = try RunningCollector(data: workspace.data, agentListen: address)
        #expect(collector.fingerprint == next)
        try workspace.uninstallLastPackage()
        run = try AgentSessionTests.runOnce(workspace)
        try #require(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("certificate renewed"), "\(run.stderr)")
        #expect(try Self.trustedCAs(workspace) == [next])
        let certificate = try Certificate(pemEncoded: try String(contentsOfFile: workspace.state + "/identity/certificate.pem", encoding: .utf8))
        #expect(certificate.issuer.description.contains("Deskside collector CA 2"), "\(certificate.issuer)")

        // 3. Finished: the old CA is gone and the agent still reports.
        collector.stop()
        let finished = try Self.ca(["rollover", "finish"], workspace)
        try #require(finished.status == 0, "\(finished.stderr)")
        #expect(finished.stdout.contains("rollover:    none") && !finished.stdout.contains(old))
        #expect(!FileManager.default.fileExists(atPath: workspace.data + "/ca/retired.pem"))
        collector = try RunningCollector(data: workspace.data, agentListen: address)
        defer { collector.stop() }
        let stored = "SELECT count(*) FROM report WHERE outcome = 'stored'"
        let before = try #require(Int(try AgentSessionTests.sql(workspace.data + "/deskside.sqlite", stored)))
        try workspace.uninstallLastPackage()
        run = try AgentSessionTests.runOnce(workspace)
        #expect(run.status == 0 && !run.stderr.contains("renew"), "\(run.stderr)")
        #expect(try AgentSessionTests.sql(workspace.data + "/deskside.sqlite", stored) == String(before + 1))
    }
}
