import Crypto
import DesksideAuthority
import DesksideTestSupport
import Foundation
import Testing
import X509

/// An agent's identity over time, with the real programs: a certificate renewed before it ends, and
/// an identity the collector no longer knows (SECURITY-TESTS 43, and what an operator is told).
@Suite(.serialized) struct IdentityTests {
    typealias Workspace = AgentSessionTests.Workspace

    /// Gives the enrolled agent a certificate for its own key that was issued 300 days ago (as if it
    /// had run for ten months), and tells the collector's database so.
    static func ageCertificate(_ workspace: Workspace) throws -> String {
        let identity = workspace.state + "/identity"
        let authority = try CertificateAuthority(certificatePEM: try String(contentsOfFile: workspace.data + "/ca/ca.pem", encoding: .utf8),
                                                 privateKeyPEM: try String(contentsOfFile: workspace.data + "/ca/ca-key.pem", encoding: .utf8))
        let key = try Certificate.PrivateKey(pemEncoded: try String(contentsOfFile: identity + "/key.pem", encoding: .utf8))
        let agentID = try #require(try AgentSessionTests.json(Data(contentsOf: URL(fileURLWithPath: identity + "/agent.json")))["agentID"] as? String)
        let request = try CertificateSigningRequest(version: .v1, subject: try DistinguishedName { CommonName(agentID) }, privateKey: key,
                                                    attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256)
        let aged = try authority.signAgentRequest(request, agentID: agentID, now: Date().addingTimeInterval(-300 * 86400))
        try aged.serializeAsPEM().pemString.write(toFile: identity + "/certificate.pem", atomically: true, encoding: .utf8)
        let fingerprint = CertificateAuthority.fingerprint(of: aged)
        _ = try AgentSessionTests.sql(workspace.data + "/deskside.sqlite", "UPDATE agent SET certificateFingerprint = '\(fingerprint)'")
        return fingerprint
    }

    @Test func anAgentRenewsItsCertificateBeforeItEnds() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let collector = try RunningCollector(data: workspace.data)
        defer { collector.stop() }
        try AgentSessionTests.enroll(workspace, with: collector)
        let aged = try Self.ageCertificate(workspace)
        let keyBefore = try String(contentsOfFile: workspace.state + "/identity/key.pem", encoding: .utf8)
        let run = try AgentSessionTests.runOnce(workspace)
        try #require(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("certificate renewed"))
        let renewed = try Certificate(pemEncoded: try String(contentsOfFile: workspace.state + "/identity/certificate.pem", encoding: .utf8))
        #expect(try String(contentsOfFile: workspace.state + "/identity/key.pem", encoding: .utf8) != keyBefore, "a new key")
        #expect(renewed.notValidAfter > Date().addingTimeInterval(360 * 86400))
        #expect(!FileManager.default.fileExists(atPath: workspace.state + "/identity/renewal.json"))
        let database = workspace.data + "/deskside.sqlite"
        #expect(try AgentSessionTests.sql(database, "SELECT certificateFingerprint FROM agent") == CertificateAuthority.fingerprint(of: renewed))
        #expect(try AgentSessionTests.sql(database, "SELECT previousFingerprint FROM agent") == aged)
        // The report went too, and the next run connects with the new certificate and does not renew.
        #expect(try AgentSessionTests.sql(database, "SELECT count(*) FROM report") == "1")
        try workspace.uninstallLastPackage()
        let next = try AgentSessionTests.runOnce(workspace)
        #expect(next.status == 0 && !next.stderr.contains("renew"), "\(next.stderr)")
        #expect(try AgentSessionTests.sql(database, "SELECT count(*) FROM report") == "2")
    }

    /// An agent whose certificate the collector does not know (its data restored without it, say):
    /// `run` exits 3 and says what to run; `status` says re-enroll and exits 3 too.
    @Test func anUnknownAgentIsToldToEnrollAgain() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let collector = try RunningCollector(data: workspace.data)
        defer { collector.stop() }
        try AgentSessionTests.enroll(workspace, with: collector)
        _ = try AgentSessionTests.sql(workspace.data + "/deskside.sqlite", "UPDATE agent SET certificateFingerprint = 'SHA256:00'")
        let run = try AgentSessionTests.runOnce(workspace)
        #expect(run.status == 3)
        #expect(run.stderr.contains("deskside-agent enroll --collector \(collector.agentAddress)"), "\(run.stderr)")
        let status = try AgentSessionTests.agent(["status", "--state", workspace.state])
        #expect(status.status == 3)
        #expect(status.stdout.contains("REFUSED by the collector") && status.stdout.contains("re-enroll"), "\(status.stdout)")
    }
}
