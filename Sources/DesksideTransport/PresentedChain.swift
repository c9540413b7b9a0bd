import NIOConcurrencyHelpers
public import NIOCore
import NIOPosix
import NIOSSL

/// Fetches the certificates a server presents in its TLS handshake, and then fails the handshake on
/// purpose: nothing is sent to the server but a ClientHello. Enrollment uses it to find the CA whose
/// fingerprint was pinned at install, before any secret goes over the connection.
public enum PresentedChain {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The server's chain as presented (leaf first), as DER.
    public static func fetch(from endpoint: Endpoint, group: any EventLoopGroup, timeout: TimeAmount = .seconds(10)) async throws -> [[UInt8]] {
        let captured = NIOLockedValueBox<[[UInt8]]>([])
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .noHostnameVerification
        let context = try NIOSSLContext(configuration: configuration)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(
                            context: context, serverHostname: endpoint.serverName,
                            customVerificationCallback: { certificates, promise in
                                captured.withLockedValue { $0 = certificates.compactMap { try? $0.toDERBytes() } }
                                promise.succeed(.failed)
                            })
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            throw Failure(description: "cannot connect to \(endpoint): \(error)")
        }
        // The handshake ends when verification fails; wait for the close (or give up at the timeout).
        let closed = channel.closeFuture
        channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        try? await closed.get()
        let chain = captured.withLockedValue { $0 }
        guard !chain.isEmpty else { throw Failure(description: "\(endpoint) presented no certificate (is it a Deskside collector?)") }
        return chain
    }
}
