import DesksideProtocol
import DesksideTransport
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// One simulated agent: a real TLS connection with its own client certificate, one request in flight.
final class SimulatedAgent: Sendable {
    let channel: any Channel
    private let waiting: NIOLockedValueBox<[EventLoopPromise<WireMessage>]>
    /// The last message that answered nothing (the collector's goodbye at shutdown).
    private let unsolicited: NIOLockedValueBox<WireMessage?>

    private init(channel: any Channel, waiting: NIOLockedValueBox<[EventLoopPromise<WireMessage>]>, unsolicited: NIOLockedValueBox<WireMessage?>) {
        self.channel = channel
        self.waiting = waiting
        self.unsolicited = unsolicited
    }

    static func connect(to endpoint: Endpoint, tls: NIOSSLContext, group: any EventLoopGroup) async throws -> SimulatedAgent {
        let waiting = NIOLockedValueBox<[EventLoopPromise<WireMessage>]>([])
        let unsolicited = NIOLockedValueBox<WireMessage?>(nil)
        let channel = try await WireClient.connect(to: endpoint, tls: tls, group: group, encoder: false) {
            Answers(waiting: waiting, unsolicited: unsolicited)
        }
        return SimulatedAgent(channel: channel, waiting: waiting, unsolicited: unsolicited)
    }

    /// What the collector said when it closed the connection without being asked: when to come back.
    var toldRetryAfter: Int? {
        guard case .error(let error) = unsolicited.withLockedValue({ $0 }) else { return nil }
        return error.retryAfterSeconds
    }

    /// Sends `message` and returns the answer.
    func request(_ message: WireMessage) async throws -> WireMessage {
        try await request(frame: message.frame().encoded())
    }

    /// Sends an encoded frame and returns the answer.
    func request(frame: [UInt8]) async throws -> WireMessage {
        let promise = channel.eventLoop.makePromise(of: WireMessage.self)
        waiting.withLockedValue { $0.append(promise) }
        channel.writeAndFlush(ByteBuffer(bytes: frame)).whenFailure { promise.fail($0) }
        return try await promise.futureResult.get()
    }

    func close() { channel.close(promise: nil) }

    private final class Answers: ChannelInboundHandler {
        typealias InboundIn = WireMessage
        let waiting: NIOLockedValueBox<[EventLoopPromise<WireMessage>]>
        let unsolicited: NIOLockedValueBox<WireMessage?>

        init(waiting: NIOLockedValueBox<[EventLoopPromise<WireMessage>]>, unsolicited: NIOLockedValueBox<WireMessage?>) {
            self.waiting = waiting
            self.unsolicited = unsolicited
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let message = unwrapInboundIn(data)
            if let promise = waiting.withLockedValue({ $0.isEmpty ? nil : $0.removeFirst() }) {
                promise.succeed(message)
            } else {
                unsolicited.withLockedValue { $0 = message }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            struct Closed: Error {}
            for promise in waiting.withLockedValue({ list in defer { list = [] }; return list }) { promise.fail(Closed()) }
        }
    }
}
