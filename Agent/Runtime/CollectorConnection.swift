import DesksideProtocol
import DesksideTransport
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// One TLS connection from the agent to the collector. `open` returns once the TLS handshake is done
/// (so a collector that cannot prove itself with the pinned CA is refused before anything is sent);
/// then messages arrive on ``events`` until the connection ends.
final class CollectorConnection: Sendable {
    enum Event: Sendable {
        case message(WireMessage)
        /// The connection ended; the error, when there was one.
        case closed(String?)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let channel: any Channel
    let events: AsyncStream<Event>

    private init(channel: any Channel, events: AsyncStream<Event>) {
        self.channel = channel
        self.events = events
    }

    static func open(to endpoint: Endpoint, tls: NIOSSLContext, group: any EventLoopGroup,
                     timeout: TimeAmount = .seconds(15)) async throws -> CollectorConnection {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let handshake = group.next().makePromise(of: Void.self)
        let channel: any Channel
        do {
            channel = try await WireClient.connect(to: endpoint, tls: tls, group: group, timeout: timeout) {
                Forwarder(continuation: continuation, handshake: handshake)
            }
        } catch {
            handshake.fail(error)
            continuation.finish()
            throw Failure(description: "cannot connect to the collector at \(endpoint): \(error)")
        }
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { handshake.fail(Failure(description: "no TLS handshake within \(timeout)")) }
        do {
            try await handshake.futureResult.get()
            deadline.cancel()
        } catch {
            deadline.cancel()
            channel.close(promise: nil)
            throw Failure(description: "TLS with the collector at \(endpoint) failed: \(error)")
        }
        return CollectorConnection(channel: channel, events: events)
    }

    func send(_ message: WireMessage) {
        channel.writeAndFlush(message, promise: nil)
    }

    func close() {
        channel.close(promise: nil)
    }

    /// Passes inbound messages to the stream and completes the handshake promise.
    private final class Forwarder: ChannelInboundHandler {
        typealias InboundIn = WireMessage

        let continuation: AsyncStream<Event>.Continuation
        let handshake: EventLoopPromise<Void>
        var failure: String?

        init(continuation: AsyncStream<Event>.Continuation, handshake: EventLoopPromise<Void>) {
            self.continuation = continuation
            self.handshake = handshake
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case TLSUserEvent.handshakeCompleted = event { handshake.succeed() }
            context.fireUserInboundEventTriggered(event)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            continuation.yield(.message(unwrapInboundIn(data)))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            failure = failure ?? "\(error)"
            handshake.fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            handshake.fail(Failure(description: failure ?? "the connection was closed"))
            continuation.yield(.closed(failure))
            continuation.finish()
            context.fireChannelInactive()
        }
    }
}
