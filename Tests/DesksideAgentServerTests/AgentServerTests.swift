import X509
import DesksideAuthority
import Crypto
import DesksideAgentServer
import DesksideCompression
import DesksideInventory
import DesksideProbes
import DesksideProtocol
import DesksideSession
import DesksideStoreSQLite
import DesksideTestSupport
import DesksideTransport
import Foundation
import NIOSSL
import Testing

/// The agent listener against hostile and faulty peers, over real TLS on loopback
/// (../shared/SECURITY-TESTS.md, "Enrollment and transport" and "Hostile input").
@Suite struct AgentServerTests {
    static let inventory: Inventory = {
        InventoryProbe(InventoryProbe.Configuration(root: SystemRoot(Fixtures.system("laptop")))).collect()
    }()

    static func hello() -> WireMessage { .hello(Hello(agentVersion: "test")) }

    static func code(_ messages: [WireMessage]) -> String? {
        for case .error(let error) in messages { return error.code }
        return nil
    }

    /// An enrolled agent past hello and welcome.
    static func session(_ harness: ServerHarness) async throws -> (RawClient, ServerHarness.Credentials) {
        let credentials = try await harness.enrollAgent()
        let client = try await harness.connect(tls: harness.clientTLS(certificatePEM: credentials.certificatePEM, keyPEM: credentials.keyPEM))
        client.send(hello())
        let answer = await client.messages(count: 1)
        guard case .welcome = answer.first else { throw ExpectationFailure(description: "no welcome: \(answer) \(client.error ?? "")") }
        return (client, credentials)
    }

    struct ExpectationFailure: Error, CustomStringConvertible { var description: String }

    @Test func anAgentSaysHelloReportsAndPings() async throws {
        let harness = try await ServerHarness()
        let (client, credentials) = try await Self.session(harness)
        let report = ReportBuilder.report(id: "r1", sequence: 1, inventory: Self.inventory, faults: [], base: nil)
        client.send(.report(report))
        client.send(.ping(Ping()))
        // The pong does not wait for the report's commit; the ack comes after it.
        let answers = await client.messages(count: 3)
        #expect(answers.contains(.ack(Ack(id: "r1", sequence: 1, duplicate: false))))
        #expect(answers.contains(.pong(Pong())))
        #expect(harness.server.connected.isConnected(credentials.agentID))
        client.close()
        await harness.stop()
    }

    /// SECURITY-TESTS 48: a report id with CR/LF in it (JSON strings may hold them) is logged on one
    /// line, escaped; nobody can forge a line of the collector's log.
    @Test func agentSuppliedValuesCannotForgeALogLine() async throws {
        let harness = try await ServerHarness()
        let (client, _) = try await Self.session(harness)
        let forged = "r1\r\n2026-12-06T00:00:00Z notice test: agent enrolled agent.id=forged"
        client.send(.report(Report(id: forged, sequence: 1, kind: .full, base: nil, hash: "x", collectedAt: Date(), faults: [])))
        #expect(await client.waitForClose())
        let lines = harness.log.all
        let refused = try #require(lines.first { $0.contains("report refused") }, "\(lines)")
        #expect(refused.contains(#"report.id="r1\r\n2026-12-06T00:00:00Z notice test: agent enrolled agent.id=forged""#))
        #expect(lines.allSatisfy { $0.filter(\.isNewline).count == 1 && $0.hasSuffix("\n") }, "\(lines)")
        await harness.stop()
    }

    /// SECURITY-TESTS 45: a second machine with the same certificate is refused while the first is
    /// connected (no flapping, nothing of it stored); once the first speaks again, the clone is certain
    /// and the asset gets `agent.identity.cloned`, which opens a ticket.
    @Test func aClonedCertificateIsRefusedAndReported() async throws {
        let harness = try await ServerHarness()
        let (first, credentials) = try await Self.session(harness)
        first.send(.report(ReportBuilder.report(id: "r1", sequence: 1, inventory: Self.inventory, faults: [], base: nil)))
        #expect(await first.messages(count: 2).contains(.ack(Ack(id: "r1", sequence: 1, duplicate: false))))
        let clone = try await harness.connect(tls: harness.clientTLS(certificatePEM: credentials.certificatePEM, keyPEM: credentials.keyPEM))
        clone.send(Self.hello())
        #expect(await clone.waitForClose())
        #expect(Self.code(clone.messages) == "IDENTITY_IN_USE")
        #expect(first.channel.isActive, "the first connection is not closed by the second")
        let assetID = try #require(try harness.home.store.assetID(agentUUID: credentials.agentID))
        #expect(!(try harness.home.store.history(assetID: assetID)).contains { $0.item == "agent.identity.cloned" })
        first.send(.ping(Ping()))
        _ = await first.messages(count: 3)
        var recorded = false
        for _ in 0..<100 where !recorded {
            recorded = try harness.home.store.history(assetID: assetID).contains { $0.item == "agent.identity.cloned" }
            if !recorded { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(recorded)
        var query = CollectorStore.TicketQuery()
        query.faultCode = "agent.identity.cloned"
        #expect(try harness.home.store.tickets(matching: query).items.count == 1)
        // A connection that closed is no holder: the same agent reconnects at once.
        first.close()
        _ = await first.waitForClose()
        let again = try await harness.connect(tls: harness.clientTLS(certificatePEM: credentials.certificatePEM, keyPEM: credentials.keyPEM))
        again.send(Self.hello())
        let answer = await again.messages(count: 1)
        guard case .welcome = answer.first else { throw ExpectationFailure(description: "no welcome after the first closed: \(answer)") }
        await harness.stop()
    }

    /// SECURITY-TESTS 44: an agent whose clock is hours off still connects; `welcome` carries the
    /// collector's time, and the asset gets `clock.skewed`, cleared when the clock is right again.
    @Test func aSkewedClockConnectsAndIsReported() async throws {
        let harness = try await ServerHarness()
        let credentials = try await harness.enrollAgent()
        let tls = try harness.clientTLS(certificatePEM: credentials.certificatePEM, keyPEM: credentials.keyPEM)
        let first = try await harness.connect(tls: tls)
        first.send(Self.hello())
        _ = await first.messages(count: 1)
        first.send(.report(ReportBuilder.report(id: "r1", sequence: 1, inventory: Self.inventory, faults: [], base: nil)))
        _ = await first.messages(count: 2)
        first.close()
        _ = await first.waitForClose()
        let assetID = try #require(try harness.home.store.assetID(agentUUID: credentials.agentID))
        for (offset, skewed) in [(-5 * 3600.0, true), (30.0, false)] {
            let client = try await harness.connect(tls: tls)
            client.send(.hello(Hello(agentVersion: "test", time: Date().addingTimeInterval(offset))))
            let answer = await client.messages(count: 1)
            guard case .welcome(let welcome) = answer.first else { throw ExpectationFailure(description: "no welcome: \(answer)") }
            #expect(abs(try #require(welcome.time).timeIntervalSinceNow) < 60)
            let faults = try harness.home.store.faultRecords(assetID: assetID).filter { $0.code == "clock.skewed" }
            #expect(faults.count == (skewed ? 1 : 0))
            if skewed { #expect(faults.first?.facts["skewMinutes"] == .int(-300)) }
            client.close()
            _ = await client.waitForClose()
        }
        await harness.stop()
    }

    /// SECURITY-TESTS 43: a certificate past two thirds of its life is renewed over the session with a
    /// new key; the new certificate works from the next connection, and the one it replaces keeps
    /// working until then (an agent may stop before it stores the new one).
    @Test func aCertificateNearItsEndIsRenewedOverTheSession() async throws {
        let harness = try await ServerHarness()
        let agentID = UUID().uuidString.lowercased()
        let old = try ServerHarness.certificate(from: harness.home.authority, notBefore: Date().addingTimeInterval(-300 * 86400), days: 365, agentID: agentID)
        try harness.home.store.registerAgent(uuid: agentID, certificateFingerprint: CertificateAuthority.fingerprint(of: try Certificate(pemEncoded: old.certificatePEM)),
                                             at: Date())
        let client = try await harness.connect(tls: harness.clientTLS(certificatePEM: old.certificatePEM, keyPEM: old.keyPEM))
        client.send(Self.hello())
        guard case .welcome(let welcome) = await client.messages(count: 1).first else { throw ExpectationFailure(description: "no welcome") }
        #expect(welcome.renewCertificate == true)
        let key = P256.Signing.PrivateKey()
        let request = try CertificateSigningRequest(version: .v1, subject: try DistinguishedName { CommonName("renewal") },
                                                    privateKey: Certificate.PrivateKey(key), attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256)
        client.send(.renew(RenewRequest(csrPEM: try request.serializeAsPEM().pemString)))
        guard case .renewed(let renewed) = await client.messages(count: 2).last else { throw ExpectationFailure(description: "not renewed: \(client.messages)") }
        let certificate = try Certificate(pemEncoded: renewed.certificatePEM)
        #expect(certificate.publicKey == Certificate.PublicKey(key.publicKey))
        #expect(certificate.subject.description.contains(agentID))
        #expect(certificate.notValidAfter > Date().addingTimeInterval(360 * 86400))
        client.close()
        let keyPEM = try Certificate.PrivateKey(key).serializeAsPEM().pemString
        for (certificatePEM, keyPEM, due) in [(renewed.certificatePEM, keyPEM, false), (old.certificatePEM, old.keyPEM, true)] {
            let next = try await harness.connect(tls: harness.clientTLS(certificatePEM: certificatePEM, keyPEM: keyPEM))
            next.send(Self.hello())
            guard case .welcome(let again) = await next.messages(count: 1).first else { throw ExpectationFailure(description: "no welcome with \(due ? "old" : "new")") }
            #expect((again.renewCertificate == true) == due)
            next.close()
            _ = await next.waitForClose()
        }
        // A request that is not a signing request is refused; the certificate stays as it was.
        let (other, _) = try await Self.session(harness)
        other.send(.renew(RenewRequest(csrPEM: "not a request")))
        #expect(await other.waitForClose())
        #expect(Self.code(other.messages) == "RENEWAL_REFUSED")
        await harness.stop()
    }

    @Test func aLengthPrefixThatLiesIsRefusedBeforeTheBodyArrives() async throws {
        let harness = try await ServerHarness()
        let client = try await harness.connect(tls: harness.clientTLS())
        // Two gigabytes announced, nothing sent after: the answer comes at once.
        client.send([0x7F, 0xFF, 0xFF, 0xFF])
        #expect(await client.waitForClose())
        #expect(Self.code(client.messages) == "FRAME_TOO_LARGE")
        await harness.stop()
    }

    @Test func aCompressionBombStopsAtTheCap() async throws {
        let harness = try await ServerHarness()
        let bomb = Deflate.compress([UInt8](repeating: 0x20, count: 80 << 20))
        #expect(bomb.count < 200_000)
        let (client, _) = try await Self.session(harness)
        client.send(Frame(type: .report, compressed: true, body: bomb).encoded())
        #expect(await client.waitForClose())
        #expect(Self.code(client.messages) == "BAD_COMPRESSION")
        await harness.stop()
    }

    /// SECURITY-TESTS 47: before the handshake has shown a certificate of the CA, a peer gets nothing
    /// larger than 64 KiB read, and nothing compressed inflated, however small.
    @Test func anUnauthenticatedPeerCanSendOnlySmallPlainFrames() async throws {
        let harness = try await ServerHarness()
        let large = try await harness.connect(tls: harness.clientTLS())
        large.send(Frame(type: .enroll, body: [UInt8](repeating: 0x20, count: 70_000)).encoded())
        #expect(await large.waitForClose())
        #expect(Self.code(large.messages) == "FRAME_TOO_LARGE")
        let compressed = try await harness.connect(tls: harness.clientTLS())
        compressed.send(Frame(type: .enroll, compressed: true, body: Deflate.compress(Array("{}".utf8))).encoded())
        #expect(await compressed.waitForClose())
        #expect(Self.code(compressed.messages) == "COMPRESSION_NOT_ALLOWED")
        // An enrolled agent sends large compressed reports as before.
        let (client, _) = try await Self.session(harness)
        let report = ReportBuilder.report(id: "r1", sequence: 1, inventory: Self.inventory, faults: [], base: nil)
        let frame = WireMessage.report(report).frame()
        #expect(frame.compressed)
        client.send(frame.encoded())
        #expect(await client.messages(count: 2).contains(.ack(Ack(id: "r1", sequence: 1, duplicate: false))))
        await harness.stop()
    }

    @Test func deeplyNestedJSONIsRefusedWithoutRecursion() async throws {
        let harness = try await ServerHarness()
        let (client, _) = try await Self.session(harness)
        client.send(Frame(type: .report, body: Array(String(repeating: "[", count: 100_000).utf8)).encoded())
        #expect(await client.waitForClose())
        #expect(Self.code(client.messages) == "MALFORMED_BODY")
        // Before authentication the same depth fits in 64 KiB and is refused the same way.
        let anonymous = try await harness.connect(tls: harness.clientTLS())
        anonymous.send(Frame(type: .enroll, body: Array(String(repeating: "[", count: 60_000).utf8)).encoded())
        #expect(await anonymous.waitForClose())
        #expect(Self.code(anonymous.messages) == "MALFORMED_BODY")
        await harness.stop()
    }

    @Test func withoutACertificateOnlyEnrollmentIsPossible() async throws {
        let harness = try await ServerHarness()
        let client = try await harness.connect(tls: harness.clientTLS())
        client.send(Self.hello())
        #expect(await client.waitForClose())
        #expect(Self.code(client.messages) == "CERTIFICATE_REQUIRED")
        await harness.stop()
    }

    @Test func certificatesExpiredNotYetValidOrFromAnotherCAFailTheHandshake() async throws {
        let harness = try await ServerHarness()
        let other = try CertificateAuthorityFixture.other()
        let cases: [(String, (certificatePEM: String, keyPEM: String))] = [
            ("expired", try ServerHarness.certificate(from: harness.home.authority, notBefore: Date().addingTimeInterval(-10 * 86400), days: 2)),
            ("not yet valid", try ServerHarness.certificate(from: harness.home.authority, notBefore: Date().addingTimeInterval(5 * 86400), days: 30)),
            ("another CA", try ServerHarness.certificate(from: other, notBefore: Date().addingTimeInterval(-60), days: 30)),
        ]
        for (name, credentials) in cases {
            let client = try await harness.connect(tls: harness.clientTLS(certificatePEM: credentials.certificatePEM, keyPEM: credentials.keyPEM))
            client.send(Self.hello())
            #expect(await client.waitForClose(), "\(name)")
            #expect(client.messages.isEmpty, "\(name): nothing is answered")
        }
        #expect(harness.log.all.filter { $0.contains("TLS failed") && $0.contains("peer.address=") }.count >= 3, "the collector logs why: \(harness.log.all)")
        await harness.stop()
    }

    @Test func anAgentRefusesACollectorCertificateForAnotherName() async throws {
        let harness = try await ServerHarness()
        let context = try NIOSSLContext(configuration: harness.clientTLS())
        // The certificate names localhost (and 127.0.0.1, the address connected to): asking for
        // another name fails, although the address matches; asking for localhost works.
        let other = try await RawClient.connect(port: harness.port, handlers: TransportTLS.clientHandlers(
            context: context, endpoint: Endpoint(host: "collector.elsewhere.example", port: harness.port)))
        #expect(await other.waitForClose())
        #expect(other.error?.contains("not collector.elsewhere.example") == true, "\(other.error ?? "")")
        let right = try await RawClient.connect(port: harness.port, handlers: TransportTLS.clientHandlers(
            context: context, endpoint: Endpoint(host: "localhost", port: harness.port)))
        right.send(Self.hello())
        #expect(Self.code(await right.messages(count: 1)) == "CERTIFICATE_REQUIRED")
        await harness.stop()
    }

    /// Renegotiation, asked for by a real OpenSSL client on TLS 1.2, is refused.
    @Test(.enabled(if: Fixtures.which("openssl") != nil, "needs openssl (scripts/install-deps test)"))
    func renegotiationIsRefused() async throws {
        let harness = try await ServerHarness()
        let result = try Fixtures.run(Fixtures.which("openssl")!, ["s_client", "-connect", "127.0.0.1:\(harness.port)", "-tls1_2", "-no_ign_eof"],
                                      stdin: Data("R\n".utf8))
        let output = String(decoding: result.stdout + result.stderr, as: UTF8.self)
        #expect(output.contains("RENEGOTIATING"), "\(output)")
        // Only what follows the request counts: the unverified chain gives errors before it.
        let after = output.components(separatedBy: "RENEGOTIATING").dropFirst().joined()
        #expect(after.contains("alert") || after.contains("error") || after.contains("errno"), "\(output)")
        #expect(output.contains("Protocol  : TLSv1.2"))
        await harness.stop()
    }

    @Test func tlsBelowOnePointTwoIsRefused() async throws {
        let harness = try await ServerHarness()
        let client = try await harness.connect(tls: harness.clientTLS(maximumVersion: .tlsv11))
        client.send(Self.hello())
        #expect(await client.waitForClose())
        #expect(client.messages.isEmpty)
        #expect(client.error != nil)
        await harness.stop()
    }

    @Test func slowHandshakesAreClosedAndRealAgentsStillConnect() async throws {
        // The flood and the agent share 127.0.0.1 here, so the per-address cap (tested on its own) is lifted.
        let harness = try await ServerHarness { $0.handshakeTimeoutSeconds = 3; $0.maxPendingPerAddress = 1000 }
        // A real agent connects in the middle of a flood of connections that never finish a handshake.
        var idle: [RawClient] = []
        for _ in 0..<100 { idle.append(try await harness.connect(tls: nil)) }
        let credentials = try await harness.enrollAgent()
        let agent = try await harness.connect(tls: harness.clientTLS(certificatePEM: credentials.certificatePEM, keyPEM: credentials.keyPEM))
        agent.send(Self.hello())
        for _ in 0..<100 { idle.append(try await harness.connect(tls: nil)) }
        for client in idle { #expect(await client.waitForClose(seconds: 60)) }
        #expect(harness.log.contains("too slow peer.address=") && harness.log.contains("timeout.seconds=3 waited.for=\"TLS handshake\""))
        // The flood is gone; the agent had its welcome and is still served.
        agent.send(.ping(Ping()))
        let answers = await agent.messages(count: 2)
        #expect(answers.first.map { if case .welcome = $0 { true } else { false } } == true, "\(answers)")
        #expect(answers.last == .pong(Pong()))
        agent.close()
        await harness.stop()
    }

    @Test func theConnectionCapHolds() async throws {
        let harness = try await ServerHarness { $0.maxConnections = 5; $0.handshakeTimeoutSeconds = 120 }
        var held: [RawClient] = []
        for _ in 0..<5 { held.append(try await harness.connect(tls: nil)) }
        for _ in 0..<500 where harness.server.openConnections < 5 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(harness.server.openConnections == 5)
        let refused = try await harness.connect(tls: nil)
        #expect(await refused.waitForClose(seconds: 60), "closed at once, not at the 120 s handshake timeout")
        #expect(harness.log.contains("the connection cap is reached cap=5"))
        // Once the held ones go, an agent gets in.
        for client in held { client.close() }
        for _ in 0..<500 where harness.server.openConnections > 0 { try await Task.sleep(for: .milliseconds(20)) }
        let (agent, _) = try await Self.session(harness)
        agent.close()
        await harness.stop()
    }

    /// One address cannot hold more than its share of connections that have not authenticated; an
    /// agent that has shown its certificate no longer counts against its address (offices behind NAT).
    @Test func unauthenticatedConnectionsPerAddressAreCapped() async throws {
        let harness = try await ServerHarness { $0.maxPendingPerAddress = 3; $0.handshakeTimeoutSeconds = 120 }
        var held: [RawClient] = []
        for _ in 0..<3 { held.append(try await harness.connect(tls: nil)) }
        for _ in 0..<500 where harness.server.openConnections < 3 { try await Task.sleep(for: .milliseconds(20)) }
        let refused = try await harness.connect(tls: nil)
        #expect(await refused.waitForClose(seconds: 60), "closed at once, not at the 120 s handshake timeout")
        #expect(harness.log.contains("too many unauthenticated connections from one address"))
        held.removeLast().close()
        for _ in 0..<500 where harness.server.openConnections > 2 { try await Task.sleep(for: .milliseconds(20)) }
        let (agent, _) = try await Self.session(harness)
        // The agent's slot was given back when it authenticated: one more pending connection fits.
        let another = try await harness.connect(tls: nil)
        #expect(await !another.waitForClose(seconds: 1))
        for client in held + [agent, another] { client.close() }
        await harness.stop()
    }

    @Test func anAgentOverItsQuotaIsStoppedAndOthersAreNot() async throws {
        let harness = try await ServerHarness { $0.reportsPerMinute = 2 }
        let (noisy, _) = try await Self.session(harness)
        let full = ReportBuilder.report(id: "n1", sequence: 1, inventory: Self.inventory, faults: [], base: nil)
        noisy.send(.report(full))
        for sequence in 2...3 {
            _ = await noisy.messages(count: sequence)
            noisy.send(.report(ReportBuilder.report(id: "n\(sequence)", sequence: UInt64(sequence), inventory: Self.inventory, faults: [], base: Self.inventory)))
        }
        #expect(await noisy.waitForClose())
        let answers = noisy.messages
        #expect(answers.filter { if case .ack = $0 { true } else { false } }.count == 2)
        #expect(answers.contains(.error(ErrorMessage(code: "RATE_LIMITED", message: "too many reports; try again later", retryAfterSeconds: 60))))
        let (quiet, _) = try await Self.session(harness)
        quiet.send(.report(ReportBuilder.report(id: "q1", sequence: 1, inventory: Self.inventory, faults: [], base: nil)))
        #expect(await quiet.messages(count: 2).last == .ack(Ack(id: "q1", sequence: 1, duplicate: false)))
        quiet.close()
        await harness.stop()
    }

    /// SECURITY-TESTS 13: a stopping collector tells its agents when to come back, spread with the
    /// number connected, so that a restart is not followed by every agent at once.
    @Test func aStoppingCollectorTellsAgentsWhenToComeBack() async throws {
        let harness = try await ServerHarness { $0.reconnectsPerSecond = 1 }
        var clients: [RawClient] = []
        for _ in 0..<7 { clients.append(try await Self.session(harness).0) }
        await harness.server.shutdown()
        for client in clients {
            #expect(await client.waitForClose())
            #expect(client.messages.last == .error(ErrorMessage(code: "UNAVAILABLE", message: "the collector is stopping", retryAfterSeconds: 7)))
        }
        await harness.stop()
    }

    @Test func revocationClosesTheConnectionAndRefusesTheNextOne() async throws {
        let harness = try await ServerHarness { $0.heartbeatSeconds = 1 }
        let (client, credentials) = try await Self.session(harness)
        #expect(try harness.home.store.revokeAgent(uuid: credentials.agentID, now: Date()))
        #expect(await client.waitForClose(seconds: 60))
        #expect(Self.code(client.messages) == "AGENT_REVOKED")
        let again = try await harness.connect(tls: harness.clientTLS(certificatePEM: credentials.certificatePEM, keyPEM: credentials.keyPEM))
        again.send(Self.hello())
        #expect(await again.waitForClose())
        #expect(Self.code(again.messages) == "AGENT_REVOKED")
        await harness.stop()
    }
}
