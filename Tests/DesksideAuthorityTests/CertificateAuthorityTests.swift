import Crypto
import DesksideAuthority
import DesksideTestSupport
import Foundation
import Testing
import X509

/// The CA, checked by OpenSSL itself where it can be: chains verify, purposes are right, a forged
/// request is refused, the pinned fingerprint is stable across a reload.
@Suite struct CertificateAuthorityTests {
    static func write(_ text: String, _ path: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }

    @Test func reloadKeepsTheFingerprint() throws {
        let authority = try CertificateAuthority.create()
        let reloaded = try CertificateAuthority(certificatePEM: try authority.certificatePEM(), privateKeyPEM: try authority.privateKeyPEM())
        #expect(reloaded.fingerprint == authority.fingerprint)
        #expect(authority.fingerprint.hasPrefix("SHA256:"))
        #expect(authority.fingerprint.count == 7 + 64)
        let other = try CertificateAuthority.create()
        #expect(other.fingerprint != authority.fingerprint)
        #expect(throws: (any Error).self) {
            _ = try CertificateAuthority(certificatePEM: try authority.certificatePEM(), privateKeyPEM: try other.privateKeyPEM())
        }
    }

    @Test func agentCertificatesComeFromTheirSigningRequests() throws {
        let authority = try CertificateAuthority.create()
        let agentKey = P256.Signing.PrivateKey()
        let request = try CertificateSigningRequest(version: .v1, subject: try DistinguishedName { CommonName("ignored-hostname") },
                                                    privateKey: Certificate.PrivateKey(agentKey), attributes: .init(),
                                                    signatureAlgorithm: .ecdsaWithSHA256)
        let certificate = try authority.signAgentRequest(request, agentID: "5f0c9e1a-7d2b-4c55-9a51-2f3e8c1d0b77")
        #expect(authority.issued(certificate))
        #expect(certificate.publicKey == Certificate.PublicKey(agentKey.publicKey))
        #expect("\(certificate.subject)".contains("5f0c9e1a-7d2b-4c55-9a51-2f3e8c1d0b77"))
        #expect(!"\(certificate.subject)".contains("ignored-hostname"))
        #expect(!(try CertificateAuthority.create()).issued(certificate))
    }

    @Test func aRequestSignedByAnotherKeyIsRefused() throws {
        let authority = try CertificateAuthority.create()
        let real = try CertificateSigningRequest(version: .v1, subject: try DistinguishedName { CommonName("a") },
                                                 privateKey: Certificate.PrivateKey(P256.Signing.PrivateKey()), attributes: .init(),
                                                 signatureAlgorithm: .ecdsaWithSHA256)
        // The same request claiming another key: its signature no longer matches.
        let forged = try CertificateSigningRequest(version: .v1, subject: real.subject, publicKey: Certificate.PublicKey(P256.Signing.PrivateKey().publicKey),
                                                   attributes: .init(), signatureAlgorithm: real.signatureAlgorithm, signature: real.signature)
        #expect(throws: CertificateAuthority.AuthorityError.self) { _ = try authority.signAgentRequest(forged, agentID: "x") }
    }

    @Test func onlyP256AgentKeysAreSigned() throws {
        let authority = try CertificateAuthority.create()
        let request = try CertificateSigningRequest(version: .v1, subject: try DistinguishedName { CommonName("a") },
                                                    privateKey: Certificate.PrivateKey(P384.Signing.PrivateKey()), attributes: .init(),
                                                    signatureAlgorithm: .ecdsaWithSHA384)
        #expect(throws: CertificateAuthority.AuthorityError.invalidSigningRequest("agent keys must be P-256")) {
            _ = try authority.signAgentRequest(request, agentID: "x")
        }
    }

    /// OpenSSL, an independent implementation, verifies the chains and reads the purposes and names.
    @Test(.enabled(if: Fixtures.which("openssl") != nil, "needs openssl"))
    func openSSLVerifiesTheChains() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authority = try CertificateAuthority.create()
        let server = try authority.issueServerCertificate(hostnames: ["collector.example.com", "localhost"], addresses: ["127.0.0.1", "::1"])
        let request = try CertificateSigningRequest(version: .v1, subject: try DistinguishedName { CommonName("agent") },
                                                    privateKey: Certificate.PrivateKey(P256.Signing.PrivateKey()), attributes: .init(),
                                                    signatureAlgorithm: .ecdsaWithSHA256)
        let client = try authority.signAgentRequest(request, agentID: "agent-1")
        try Self.write(try authority.certificatePEM(), directory + "/ca.pem")
        try Self.write(try server.certificate.serializeAsPEM().pemString, directory + "/server.pem")
        try Self.write(try client.serializeAsPEM().pemString, directory + "/client.pem")
        let openssl = Fixtures.which("openssl")!
        let serverCheck = try Fixtures.run(openssl, ["verify", "-CAfile", directory + "/ca.pem", "-purpose", "sslserver", directory + "/server.pem"])
        #expect(serverCheck.status == 0, "\(String(decoding: serverCheck.stderr, as: UTF8.self))")
        let clientCheck = try Fixtures.run(openssl, ["verify", "-CAfile", directory + "/ca.pem", "-purpose", "sslclient", directory + "/client.pem"])
        #expect(clientCheck.status == 0, "\(String(decoding: clientCheck.stderr, as: UTF8.self))")
        // Purposes are exclusive: the agent's certificate cannot serve, the server's cannot be a client.
        #expect(try Fixtures.run(openssl, ["verify", "-CAfile", directory + "/ca.pem", "-purpose", "sslserver", directory + "/client.pem"]).status != 0)
        let names = try Fixtures.run(openssl, ["x509", "-in", directory + "/server.pem", "-noout", "-ext", "subjectAltName"])
        let text = String(decoding: names.stdout, as: UTF8.self)
        #expect(text.contains("DNS:collector.example.com") && text.contains("IP Address:127.0.0.1"))
        // The fingerprint is the one OpenSSL computes.
        let fingerprint = try Fixtures.run(openssl, ["x509", "-in", directory + "/ca.pem", "-noout", "-fingerprint", "-sha256"])
        let hex = String(decoding: fingerprint.stdout, as: UTF8.self).split(separator: "=").last!.replacingOccurrences(of: ":", with: "")
            .trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        #expect(authority.fingerprint == "SHA256:" + hex)
    }
}
