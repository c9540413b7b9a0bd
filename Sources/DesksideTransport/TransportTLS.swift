import Crypto
import DesksideInventory
import NIOCore
import NIOSSL

/// The TLS settings both sides use: TLS 1.2 at least (1.3 is preferred by both ends, so it is what they
/// speak), no renegotiation, and trust in the collector's own CA only: never the system's roots.
public enum TransportTLS {
    /// The collector's side: its certificate chain (server certificate, then the CA), and client
    /// certificates checked against the CA when presented. A connection without one may only enroll.
    public static func serverConfiguration(certificateChainPEM: [UInt8], privateKeyPEM: [UInt8], caPEM: [UInt8]) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMBytes(certificateChainPEM)
        let ca = try NIOSSLCertificate.fromPEMBytes(caPEM)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: privateKeyPEM, format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .optionalVerification
        configuration.trustRoots = .certificates(ca)
        configuration.renegotiationSupport = .none
        return configuration
    }

    /// The agent's side: the pinned CA as the only trust root, the server's name or address checked,
    /// and the agent's certificate when it has one.
    public static func clientConfiguration(caPEM: [UInt8], certificatePEM: [UInt8]? = nil, privateKeyPEM: [UInt8]? = nil) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(caPEM))
        configuration.renegotiationSupport = .none
        if let certificatePEM, let privateKeyPEM {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificatePEM).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: privateKeyPEM, format: .pem))
        }
        return configuration
    }

    /// The client-side TLS handler for `endpoint`: SNI and name check for a host name, address check
    /// (against the certificate's IP addresses) for an address literal.
    public static func clientHandler(context: NIOSSLContext, endpoint: Endpoint) throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: context, serverHostname: endpoint.hostIsAddress ? nil : endpoint.host)
    }

    /// `SHA256:` and the hex SHA-256 of a certificate's DER encoding: how a CA is pinned.
    public static func fingerprint(der: [UInt8]) -> String {
        "SHA256:" + Hex.encode(SHA256.hash(data: der))
    }

    /// Whether two fingerprints are the same, ignoring case and a missing `SHA256:` prefix.
    public static func fingerprintsMatch(_ a: String, _ b: String) -> Bool {
        func normal(_ text: String) -> String {
            let lower = text.lowercased()
            return lower.hasPrefix("sha256:") ? String(lower.dropFirst(7)) : lower
        }
        return normal(a) == normal(b) && !normal(a).isEmpty
    }
}
