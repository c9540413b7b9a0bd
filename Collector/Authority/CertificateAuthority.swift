#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Crypto
import DesksideInventory
import SwiftASN1
public import X509

/// The collector's own certificate authority. It signs the collector's server certificate and one
/// client certificate per enrolled agent; agents pin it by the SHA-256 fingerprint of its certificate,
/// given at install, so no public CA is involved and nobody else can stand in for the collector.
/// Keys are P-256 (ECDSA); the CA key never leaves the collector's data directory.
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    let privateKey: Certificate.PrivateKey

    /// Why a signing request was refused.
    public enum AuthorityError: Error, Equatable {
        case invalidSigningRequest(String)
    }

    /// A new CA, valid for ten years from `now`.
    public static func create(commonName: String = "Deskside collector CA", now: Date = Date()) throws -> CertificateAuthority {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("Deskside")
            CommonName(commonName)
        }
        let publicKey = Certificate.PublicKey(key.publicKey)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now - Self.backdating, notValidAfter: now + 10 * 365 * 86400, issuer: name, subject: name,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        return CertificateAuthority(certificate: certificate, privateKey: Certificate.PrivateKey(key))
    }

    /// Loads a CA from its PEM files' contents.
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        certificate = try Certificate(pemEncoded: certificatePEM)
        privateKey = try Certificate.PrivateKey(pemEncoded: privateKeyPEM)
        guard privateKey.publicKey == certificate.publicKey else {
            throw AuthorityError.invalidSigningRequest("the CA key does not match the CA certificate")
        }
    }

    init(certificate: Certificate, privateKey: Certificate.PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    public func certificatePEM() throws -> String { try certificate.serializeAsPEM().pemString }

    public func privateKeyPEM() throws -> String { try privateKey.serializeAsPEM().pemString }

    /// `SHA256:` and the lowercase hex SHA-256 of the certificate's DER: what agents pin.
    public var fingerprint: String { Self.fingerprint(of: certificate) }

    public static func fingerprint(of certificate: Certificate) -> String {
        var serializer = DER.Serializer()
        try? serializer.serialize(certificate)
        return Hex.certificateFingerprint(der: serializer.serializedBytes)
    }

    /// Certificates this CA issues are valid from a day before they are issued, so that a machine whose
    /// clock is hours behind still accepts (and is accepted with) a certificate issued just now.
    public static let backdating: Double = 86400

    /// The collector's TLS server certificate for the given names and addresses, valid one year.
    public func issueServerCertificate(hostnames: [String], addresses: [String], now: Date = Date())
        throws -> (certificate: Certificate, privateKey: Certificate.PrivateKey) {
        let key = P256.Signing.PrivateKey()
        var names: [GeneralName] = hostnames.map { .dnsName($0) }
        for address in addresses {
            guard let bytes = Self.addressBytes(address) else { throw AuthorityError.invalidSigningRequest("\(address) is not an IP address") }
            names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        let publicKey = Certificate.PublicKey(key.publicKey)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now - Self.backdating, notValidAfter: now + 365 * 86400, issuer: self.certificate.subject,
            subject: try DistinguishedName {
                OrganizationName("Deskside")
                CommonName(hostnames.first ?? addresses.first ?? "deskside-collector")
            },
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: privateKey
        )
        return (certificate, Certificate.PrivateKey(key))
    }

    /// Signs an agent's certificate signing request after checking its signature. The certificate's
    /// subject is the agent's id (never its hostname or serial), for client authentication only.
    public func signAgentRequest(_ request: CertificateSigningRequest, agentID: String, now: Date = Date(), validDays: Int = 365) throws -> Certificate {
        guard P256.Signing.PublicKey(request.publicKey) != nil else {
            throw AuthorityError.invalidSigningRequest("agent keys must be P-256")
        }
        guard request.publicKey.isValidSignature(request.signature, for: request) else {
            throw AuthorityError.invalidSigningRequest("the request's signature does not match its key")
        }
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: request.publicKey,
            notValidBefore: now - Self.backdating, notValidAfter: now + Double(validDays) * 86400, issuer: certificate.subject,
            subject: try DistinguishedName {
                OrganizationName("Deskside agents")
                CommonName(agentID)
            },
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
            },
            issuerPrivateKey: privateKey
        )
    }

    /// Whether `certificate` was signed by this CA's key.
    public func issued(_ certificate: Certificate) -> Bool {
        self.certificate.publicKey.isValidSignature(certificate.signature, for: certificate)
    }

    static func addressBytes(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, let bytes = Optional(parts.compactMap { UInt8($0) }), bytes.count == 4 { return bytes }
        if text == "::1" { return [UInt8](repeating: 0, count: 15) + [1] }
        return nil
    }
}
