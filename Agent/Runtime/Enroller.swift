#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Crypto
import DesksideInventory
import DesksideProbes
import DesksideProtocol
public import DesksideTransport
public import NIOCore
import NIOSSL
import X509
import DesksideVersion

/// Enrollment, in three steps, none of which sends a secret to a collector that has not proved itself:
///
/// 1. Read the certificates the collector presents (`PresentedChain`: the handshake is failed on
///    purpose, nothing is sent) and find among them the CA with the pinned fingerprint.
/// 2. Connect again with that CA as the only trust root and the collector's name or address checked.
/// 3. Send the token and a signing request for a key made here; receive the client certificate.
public enum Enroller {
    public static func enroll(collector: Endpoint, token: String, caFingerprint: String, hostname: String,
                              stateDirectory: String, group: any EventLoopGroup, now: Date = Date()) async throws -> AgentIdentity {
        let chain = try await PresentedChain.fetch(from: collector, group: group)
        guard let caDER = chain.first(where: { TransportTLS.fingerprintsMatch(Hex.certificateFingerprint(der: $0), caFingerprint) }) else {
            let seen = chain.map { Hex.certificateFingerprint(der: $0) }.joined(separator: ", ")
            throw RuntimeError("the collector at \(collector) is not signed by the pinned CA \(caFingerprint) (it presented \(seen)); nothing was sent")
        }
        let caPEM = try Certificate(derEncoded: caDER).serializeAsPEM().pemString
        let key = P256.Signing.PrivateKey()
        let request = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName(String(hostname.prefix(64))) },
            privateKey: Certificate.PrivateKey(key), attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256)
        let tls = try NIOSSLContext(configuration: TransportTLS.clientConfiguration(caPEM: Array(caPEM.utf8)))
        let connection = try await CollectorConnection.open(to: collector, tls: tls, group: group)
        defer { connection.close() }
        connection.send(.enroll(EnrollRequest(token: token, csrPEM: try request.serializeAsPEM().pemString,
                                              hostname: hostname, agentVersion: DesksideVersion.current)))
        for await event in connection.events {
            switch event {
            case .message(.enrolled(let enrolled)):
                let certificate = try Certificate(pemEncoded: enrolled.certificatePEM)
                guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
                    throw RuntimeError("the collector returned a certificate for another key")
                }
                let identity = AgentIdentity(
                    record: .init(agentID: enrolled.agentID, collector: collector.description, caFingerprint: Hex.certificateFingerprint(der: caDER), enrolledAt: now,
                                  taskKey: enrolled.taskKey),
                    privateKeyPEM: try Certificate.PrivateKey(key).serializeAsPEM().pemString,
                    certificatePEM: enrolled.certificatePEM, caPEM: caPEM)
                try identity.save(stateDirectory: stateDirectory)
                return identity
            case .message(.error(let error)):
                throw RuntimeError("the collector refused the enrollment (\(error.code)): \(error.message)")
            case .message(let other):
                throw RuntimeError("the collector answered the enrollment with \(other.type)")
            case .closed(let reason):
                throw RuntimeError("the collector closed the connection during enrollment\(reason.map { ": \($0)" } ?? "")")
            }
        }
        throw RuntimeError("the collector closed the connection during enrollment")
    }
}
