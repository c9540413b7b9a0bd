import Crypto
import DesksideAgentServer
import DesksideAuthority
import DesksideCollectorHome
import DesksideEnrollment
import DesksideLogging
import DesksideProtocol
import DesksideTestSupport
import DesksideTransport
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import X509

/// A real agent server on loopback (port chosen by the system) over a real data directory, and raw
/// TLS clients that send whatever bytes a test wants.
final class ServerHarness: @unchecked Sendable {
    let directory: String
    let home: CollectorHome
    let server: AgentServer
    let port: Int
    let log = CapturedLog()
    /// Each harness has its own event loop and thread pool, so that tests running side by side (one
    /// inflating a compression bomb, another storing reports) do not hold each other up.
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let threadPool = NIOThreadPool(numberOfThreads: 1)

    init(_ configure: (inout AgentServerSettings) -> Void = { _ in }) async throws {
        directory = try Fixtures.temporaryDirectory()
        home = try CollectorHome.open(directory: directory + "/data")
        var settings = AgentServerSettings()
        settings.listen = Endpoint(host: "127.0.0.1", port: 0)
        // Generous by default: tests share two cores with heavy neighbours; the tests of the timeouts set their own.
        // (A CI run once starved the whole test process for 70 s at its start: two sessions lost their
        // handshake at 60 s.)
        settings.handshakeTimeoutSeconds = 120
        settings.idleTimeoutSeconds = 120
        configure(&settings)
        let caPEM = try home.authority.certificatePEM()
        let tls = try TransportTLS.serverConfiguration(
            certificateChainPEM: Array((try String(contentsOfFile: home.serverCertificatePath, encoding: .utf8) + "\n" + caPEM).utf8),
            privateKeyPEM: Array(try String(contentsOfFile: home.serverKeyPath, encoding: .utf8).utf8), caPEM: Array(caPEM.utf8))
        let log = self.log
        threadPool.start()
        server = try AgentServer(settings: settings, store: home.store, enrollment: EnrollmentService(store: home.store, authority: home.authority),
                                 tls: tls, group: group, threadPool: threadPool,
                                 logger: Logger(label: "test", factory: { _ in CapturingLogHandler(log: log) }))
        port = try await server.start().port ?? 0
    }

    func stop() async {
        await server.shutdown()
        try? await threadPool.shutdownGracefully()
        try? await group.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// An enrolled agent's credentials: its id, certificate and key (PEM).
    struct Credentials {
        var agentID: String
        var certificatePEM: String
        var keyPEM: String
    }

    func enrollAgent() async throws -> Credentials {
        let key = P256.Signing.PrivateKey()
        let request = try CertificateSigningRequest(version: .v1, subject: try DistinguishedName { CommonName("test") },
                                                    privateKey: Certificate.PrivateKey(key), attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256)
        let token = try String(contentsOfFile: home.enrollmentTokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let enrolled = try await server.enrollment.enroll(tokenSecret: token, request: request, peerAddress: "test-\(UUID())")
        return Credentials(agentID: enrolled.agentID, certificatePEM: enrolled.certificatePEM, keyPEM: try Certificate.PrivateKey(key).serializeAsPEM().pemString)
    }

    /// A certificate for `key` signed by `authority`, valid over the given span.
    static func certificate(from authority: CertificateAuthority, notBefore: Date, days: Int,
                            agentID: String = UUID().uuidString) throws -> (certificatePEM: String, keyPEM: String) {
        let key = P256.Signing.PrivateKey()
        let request = try CertificateSigningRequest(version: .v1, subject: try DistinguishedName { CommonName("test") },
                                                    privateKey: Certificate.PrivateKey(key), attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256)
        let certificate = try authority.signAgentRequest(request, agentID: agentID, now: notBefore, validDays: days)
        return (try certificate.serializeAsPEM().pemString, try Certificate.PrivateKey(key).serializeAsPEM().pemString)
    }

    func clientTLS(certificatePEM: String? = nil, keyPEM: String? = nil, maximumVersion: TLSVersion? = nil) throws -> TLSConfiguration {
        var configuration = try TransportTLS.clientConfiguration(caPEM: Array(try home.authority.certificatePEM().utf8),
                                                                 certificatePEM: certificatePEM.map { Array($0.utf8) }, privateKeyPEM: keyPEM.map { Array($0.utf8) })
        if let maximumVersion {
            configuration.minimumTLSVersion = .tlsv1
            configuration.maximumTLSVersion = maximumVersion
        }
        return configuration
    }

    func connect(tls: TLSConfiguration?) async throws -> RawClient {
        try await RawClient.connect(port: port, tls: tls)
    }
}

/// A client that sends raw bytes and keeps every byte it receives, over TLS or plain TCP.
final class RawClient: @unchecked Sendable {
    let channel: any Channel
    private let received: NIOLockedValueBox<[UInt8]>
    private let failure: NIOLockedValueBox<String?>
    let closed: EventLoopFuture<Void>

    private init(channel: any Channel, received: NIOLockedValueBox<[UInt8]>, failure: NIOLockedValueBox<String?>) {
        self.channel = channel
        self.received = received
        self.failure = failure
        closed = channel.closeFuture
    }

    static func connect(port: Int, tls: TLSConfiguration?) async throws -> RawClient {
        let context = try tls.map { try NIOSSLContext(configuration: $0) }
        return try await connect(port: port, handlers: try context.map { [try NIOSSLClientHandler(context: $0, serverHostname: nil)] } ?? [])
    }

    static func connect(port: Int, handlers: [any ChannelHandler]) async throws -> RawClient {
        let received = NIOLockedValueBox<[UInt8]>([])
        let failure = NIOLockedValueBox<String?>(nil)
        let tls = UnsafeTransfer(handlers)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(tls.value)
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received, failure: failure))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawClient(channel: channel, received: received, failure: failure)
    }

    func send(_ bytes: [UInt8]) {
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    func send(_ message: WireMessage) { send(message.frame().encoded()) }

    /// Waits until the server closes the connection (true), or `seconds` pass (false).
    /// Generous: the suite shares two cores with the end-to-end tests' collectors and browser.
    func waitForClose(seconds: Double = 60) async -> Bool {
        let promise = channel.eventLoop.makePromise(of: Bool.self)
        closed.whenComplete { _ in promise.succeed(true) }
        channel.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) { promise.succeed(false) }
        return (try? await promise.futureResult.get()) ?? false
    }

    /// Waits until `count` messages have arrived (or the connection closed, or `seconds` passed).
    func messages(count: Int = 1, seconds: Double = 120) async -> [WireMessage] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let decoded = messages
            if decoded.count >= count || !channel.isActive { return decoded }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return messages
    }

    var messages: [WireMessage] {
        var decoder = FrameDecoder()
        decoder.append(received.withLockedValue { $0 })
        var result: [WireMessage] = []
        while let frame = try? decoder.next(), let message = try? WireMessage(frame: frame) { result.append(message) }
        return result
    }

    var error: String? { failure.withLockedValue { $0 } }

    func close() { channel.close(promise: nil) }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let received: NIOLockedValueBox<[UInt8]>
        let failure: NIOLockedValueBox<String?>

        init(received: NIOLockedValueBox<[UInt8]>, failure: NIOLockedValueBox<String?>) {
            self.received = received
            self.failure = failure
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            received.withLockedValue { $0 += bytes }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            failure.withLockedValue { $0 = $0 ?? "\(error)" }
            context.close(promise: nil)
        }
    }
}

/// Hands a handler made outside the channel's initializer to it (used once, on one channel).
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Log lines kept for the test to read.
final class CapturedLog: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])
    func append(_ line: String) { lines.withLockedValue { $0.append(line) } }
    var all: [String] { lines.withLockedValue { $0 } }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }
}

struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The collector's own line format, so that tests see what an operator would.
    func log(event: LogEvent) {
        var metadata = self.metadata
        metadata.merge(event.metadata ?? [:]) { $1 }
        log.append(LineLogHandler.line(time: Date(), level: event.level, label: "test", message: "\(event.message)", metadata: metadata))
    }
}
