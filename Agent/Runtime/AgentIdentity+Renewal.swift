#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideJSON
import Crypto
import DesksideFiles
import DesksideInventory
public import DesksideProtocol
import X509

extension AgentIdentity {
    /// A new key and its signing request, for `renew`; the key stays here until the certificate for
    /// it comes back.
    public struct PendingRenewal: Sendable {
        public var privateKeyPEM: String
        public var csrPEM: String
        let publicKey: Certificate.PublicKey
    }

    public func prepareRenewal() throws -> PendingRenewal {
        let key = P256.Signing.PrivateKey()
        let request = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName(record.agentID) },
            privateKey: Certificate.PrivateKey(key), attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256)
        return PendingRenewal(privateKeyPEM: try Certificate.PrivateKey(key).serializeAsPEM().pemString,
                              csrPEM: try request.serializeAsPEM().pemString, publicKey: Certificate.PublicKey(key.publicKey))
    }

    /// The identity with the renewed certificate and the new key, after checking the certificate is
    /// for that key and issued by the CA that comes with it.
    public func renewed(_ renewed: Renewed, pending: PendingRenewal) throws -> AgentIdentity {
        let certificate = try Certificate(pemEncoded: renewed.certificatePEM)
        let authority = try Certificate(pemEncoded: renewed.caCertificatePEM)
        guard certificate.publicKey == pending.publicKey else { throw RuntimeError("the collector renewed a certificate for another key") }
        guard authority.publicKey.isValidSignature(certificate.signature, for: certificate) else {
            throw RuntimeError("the renewed certificate is not signed by the CA sent with it")
        }
        var next = self
        next.privateKeyPEM = pending.privateKeyPEM
        next.certificatePEM = renewed.certificatePEM
        next.caPEM = renewed.caCertificatePEM
        next.record.caFingerprint = Hex.certificateFingerprint(der: try authority.serializeAsPEM().derBytes)
        return next
    }

    /// What `renewal.json` holds: the whole new identity in one file, written atomically before the
    /// separate files are replaced, so that a crash in between never pairs a key with another key's
    /// certificate; `load` finishes a replacement it finds half done.
    struct Replacement: Codable {
        var record: Record
        var privateKeyPEM: String
        var certificatePEM: String
        var caPEM: String
    }

    static func replacementPath(_ state: String) -> String { directory(state) + "/renewal.json" }

    /// Replaces the stored identity with this one, crash-safe.
    public func replace(stateDirectory: String) throws {
        let path = Self.replacementPath(stateDirectory)
        try DurableFile.write(try JSONCoder.encode(Replacement(record: record, privateKeyPEM: privateKeyPEM, certificatePEM: certificatePEM, caPEM: caPEM)),
                              to: path, mode: 0o600)
        try save(stateDirectory: stateDirectory)
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A replacement left by a crash, finished; `nil` when there is none (or it is unreadable: then
    /// the separate files were not touched yet).
    static func finishReplacement(stateDirectory: String) -> AgentIdentity? {
        guard let bytes = DurableFile.read(replacementPath(stateDirectory), limit: 1 << 16),
              let saved = try? JSONCoder.decode(Replacement.self, from: bytes) else { return nil }
        let identity = AgentIdentity(record: saved.record, privateKeyPEM: saved.privateKeyPEM, certificatePEM: saved.certificatePEM, caPEM: saved.caPEM)
        try? identity.replace(stateDirectory: stateDirectory)
        return identity
    }
}
