import DesksideProtocol
import DesksideTasks
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
    /// Tasks the collector pushes, and its acknowledgements of their results: not answers to a request.
    let tasks: NIOLockedValueBox<TaskListener?>

    /// Called on the event loop for a pushed task (answer with `send`) and for an acknowledged result.
    struct TaskListener: Sendable {
        var received: @Sendable (SignedTask, SimulatedAgent) -> Void
        var acknowledged: @Sendable (String) -> Void
    }

    private init(channel: any Channel, waiting: NIOLockedValueBox<[EventLoopPromise<WireMessage>]>, unsolicited: NIOLockedValueBox<WireMessage?>,
                 tasks: NIOLockedValueBox<TaskListener?>) {
        self.channel = channel
        self.waiting = waiting
        self.unsolicited = unsolicited
        self.tasks = tasks
    }

    static func connect(to endpoint: Endpoint, tls: NIOSSLContext, group: any EventLoopGroup) async throws -> SimulatedAgent {
        let waiting = NIOLockedValueBox<[EventLoopPromise<WireMessage>]>([])
        let unsolicited = NIOLockedValueBox<WireMessage?>(nil)
        let tasks = NIOLockedValueBox<TaskListener?>(nil)
        let agent = NIOLockedValueBox<SimulatedAgent?>(nil)
        let channel = try await WireClient.connect(to: endpoint, tls: tls, group: group, encoder: false) {
            Answers(waiting: waiting, unsolicited: unsolicited, tasks: tasks, agent: agent)
        }
        let connected = SimulatedAgent(channel: channel, waiting: waiting, unsolicited: unsolicited, tasks: tasks)
        agent.withLockedValue { $0 = connected }
        return connected
    }

    /// Sends a message that expects no answer (a task's result).
    func send(_ message: WireMessage) {
        channel.writeAndFlush(ByteBuffer(bytes: message.frame().encoded()), promise: nil)
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
        let tasks: NIOLockedValueBox<TaskListener?>
        let agent: NIOLockedValueBox<SimulatedAgent?>

        init(waiting: NIOLockedValueBox<[EventLoopPromise<WireMessage>]>, unsolicited: NIOLockedValueBox<WireMessage?>,
             tasks: NIOLockedValueBox<TaskListener?>, agent: NIOLockedValueBox<SimulatedAgent?>) {
            self.waiting = waiting
            self.unsolicited = unsolicited
            self.tasks = tasks
            self.agent = agent
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let message = unwrapInboundIn(data)
            switch message {
            case .task(let task):
                if let listener = tasks.withLockedValue({ $0 }), let agent = agent.withLockedValue({ $0 }) { listener.received(task, agent) }
                return
            case .taskAck(let ack):
                tasks.withLockedValue { $0 }?.acknowledged(ack.taskID)
                return
            default:
                break
            }
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
