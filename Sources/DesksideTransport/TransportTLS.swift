import Crypto
import DesksideInventory
public import NIOCore
public import NIOSSL
import NIOTLS
import X509

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

    /// The client side's TLS handlers for `endpoint`, to add first in a pipeline: for a host name, SNI
    /// and a check that the certificate names exactly that host; for an address literal, a check
    /// against the certificate's IP addresses.
    public static func clientHandlers(context: NIOSSLContext, endpoint: Endpoint) throws -> [any ChannelHandler] {
        let tls = try NIOSSLClientHandler(context: context, serverHostname: endpoint.serverName)
        return endpoint.serverName.map { [tls, ServerNameCheck(host: $0)] } ?? [tls]
    }

    /// The collector's certificate does not name the host the agent was configured with.
    public struct ServerNameMismatch: Error, CustomStringConvertible {
        public var host: String
        public var names: [String]
        public var description: String { "the collector's certificate names \(names.joined(separator: ", ")), not \(host)" }
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

/// After the TLS handshake, checks that the collector's certificate names the host the agent asked
/// for. NIOSSL accepts a certificate when any of its names matches the host name *or* its IP
/// addresses match the socket's address; an agent configured with a name requires that name. On a
/// mismatch the connection is closed before the handshake is reported, so nothing is ever sent.
final class ServerNameCheck: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    let host: String

    init(host: String) { self.host = host.lowercased() }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case TLSUserEvent.handshakeCompleted = event else { return context.fireUserInboundEventTriggered(event) }
        let names = (try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate?.toDERBytes())
            .flatMap { $0 }.flatMap { try? Certificate(derEncoded: $0) }
            .flatMap { try? $0.extensions.subjectAlternativeNames }?
            .compactMap { name -> String? in if case .dnsName(let dns) = name { dns.lowercased() } else { nil } } ?? []
        guard names.contains(host) else {
            context.fireErrorCaught(TransportTLS.ServerNameMismatch(host: host, names: names))
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
