#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import DesksideEnrollment
import DesksideHelpdesk
import DesksideIngest
import DesksideMetrics
import DesksideProtocol
public import DesksideStoreSQLite
import DesksideTransport
public import Logging
public import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix
public import NIOSSL

/// The collector's agent listener: one long-lived mutual-TLS connection per agent, over which it
/// enrolls (without a client certificate, nothing else allowed), says hello, reports and pings.
///
/// Guards: a handshake timeout (and the same again for the first message), an idle timeout, a cap on
/// connections, a per-agent report quota. Reports are stored on a thread pool off the event loops and
/// acknowledged only after the store commits. Every few seconds a sweep writes the batched last-seen
/// times and closes the connections of agents revoked meanwhile (by `deskside-collector agents revoke`,
/// which may run in another process).
public final class AgentServer: Sendable {
    public let settings: AgentServerSettings
    public let connected = ConnectedAgents()
    let store: CollectorStore
    let ingest: ReportIngest
    /// Enrollment behind the listener (tests enroll through it directly).
    public let enrollment: EnrollmentService
    /// During a CA rollover, the next CA: announced in `welcome` to agents that do not trust it yet.
    public let nextCA: NextCA?
    /// The task-signing public key, given to agents at enrollment and in `welcome`.
    let taskKey: String?
    let tls: NIOSSLContext
    let group: any EventLoopGroup
    let threadPool: NIOThreadPool
    let logger: Logger
    let gate: ConnectionGate
    let pending: PendingConnections
    let lastSeen = LastSeen()
    let quota: NIOLockedValueBox<RateLimiter>
    /// Reports acknowledged without being stored because their sequence was not above the newest
    /// stored (each is also a `stale` row in the report table and a warning in the log).
    public let staleReports = NIOLockedValueBox(0)
    private let running = NIOLockedValueBox<(channel: (any Channel)?, sweep: RepeatedTask?)>((nil, nil))

    /// A CA that agents are told of before the collector switches to it.
    public struct NextCA: Sendable {
        public var certificatePEM: String
        public var fingerprint: String
        public init(certificatePEM: String, fingerprint: String) {
            self.certificatePEM = certificatePEM
            self.fingerprint = fingerprint
        }
    }

    public init(settings: AgentServerSettings, store: CollectorStore, enrollment: EnrollmentService, tls: TLSConfiguration,
                group: any EventLoopGroup, threadPool: NIOThreadPool, logger: Logger, nextCA: NextCA? = nil, taskKey: String? = nil) throws {
        self.settings = settings
        self.nextCA = nextCA
        self.taskKey = taskKey
        self.store = store
        self.ingest = ReportIngest(store: store, isConnected: { [connected] in connected.isConnected($0) })
        self.enrollment = enrollment
        self.tls = try NIOSSLContext(configuration: tls)
        self.group = group
        self.threadPool = threadPool
        self.logger = logger
        self.gate = ConnectionGate(limit: settings.maxConnections)
        self.pending = PendingConnections(limit: settings.maxPendingPerAddress)
        self.quota = NIOLockedValueBox(RateLimiter(capacity: Double(settings.reportsPerMinute), refillPerSecond: Double(settings.reportsPerMinute) / 60))
    }

    /// What the service layer wants to hear of (provisioning): set once, before `start`.
    public let hooks = NIOLockedValueBox(Hooks())

    public struct Hooks: Sendable {
        /// An agent enrolled (on the thread pool).
        public var enrolled: (@Sendable (String) throws -> Void)?
        /// A report of the agent was stored (on the thread pool, after the commit).
        public var reportStored: (@Sendable (String) throws -> Void)?
        /// A task's result was stored (on the thread pool, after the commit).
        public var taskFinished: (@Sendable (CollectorStore.TaskRecord) throws -> Void)?
        public init() {}
    }

    /// Runs a hook, logging what it throws: a hook's failure never fails the agent's request.
    func hook(_ name: String, agentID: String, _ body: (Hooks) throws -> Void) {
        do { try body(hooks.withLockedValue { $0 }) } catch {
            logger.error("provisioning could not follow", metadata: ["hook": "\(name)", "agent.id": "\(agentID)", "error": "\(error)"])
        }
    }

    /// A task was queued for `agentUUID`: its connection, if open, takes it from the store and sends
    /// it now (or after the task it is running).
    public func wakeTasks(for agentUUID: String) {
        connected.channel(agentUUID)?.pipeline.fireUserInboundEventTriggered(TaskWake())
    }

    /// Open connections (agents with a session, and others still in their handshake or enrolling).
    public var openConnections: Int { gate.count }

    /// Binds and starts accepting; returns the address bound (the port is chosen when 0 was asked).
    public func start() async throws -> SocketAddress {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelInitializer { [self] channel in
                guard gate.enter() else {
                    CollectorMetrics.refused(reason: "connection_cap")
                    logger.warning("connection refused: the connection cap is reached",
                                   metadata: ["peer.address": "\(channel.remoteAddress.map(AgentConnectionHandler.describe) ?? "?")", "cap": "\(settings.maxConnections)"])
                    return channel.close()
                }
                let address = channel.remoteAddress?.ipAddress ?? "unknown"
                guard pending.enter(address) else {
                    gate.leave()
                    CollectorMetrics.refused(reason: "pending_per_address")
                    logger.warning("connection refused: too many unauthenticated connections from one address",
                                   metadata: ["peer.address": "\(address)", "cap": "\(settings.maxPendingPerAddress)"])
                    return channel.close()
                }
                let authenticated = NIOLockedValueBox(false)
                channel.closeFuture.whenComplete { [gate, pending] _ in
                    gate.leave()
                    if !authenticated.withLockedValue({ $0 }) { pending.leave(address) }
                }
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLServerHandler(context: tls))
                    try pipeline.addHandler(IdleStateHandler(readTimeout: .seconds(Int64(settings.idleTimeoutSeconds))))
                    let allowance = FrameAllowance.unauthenticated()
                    try pipeline.addHandler(ByteToMessageHandler(WireMessageDecoder(allowance: allowance)))
                    try pipeline.addHandler(MessageToByteHandler(WireMessageEncoder()))
                    try pipeline.addHandler(AgentConnectionHandler(server: self, allowance: allowance) { [pending] in
                        authenticated.withLockedValue { done in
                            if !done { pending.leave(address) }
                            done = true
                        }
                    })
                }
            }
            .bind(host: settings.listen.host, port: settings.listen.port).get()
        let sweepInterval = TimeAmount.seconds(Int64(max(1, min(5, settings.heartbeatSeconds))))
        let loop = group.next()
        let sweep = loop.scheduleRepeatedAsyncTask(initialDelay: sweepInterval, delay: sweepInterval) { [self] _ in
            threadPool.runIfActive(eventLoop: loop) { self.sweep() }
        }
        running.withLockedValue { $0 = (channel, sweep) }
        guard let address = channel.localAddress else { throw ChannelError.inappropriateOperationForState }
        return address
    }

    /// Stops accepting, closes every connection and writes the last-seen times.
    public func shutdown() async {
        let (channel, sweep) = running.withLockedValue { state in
            defer { state = (nil, nil) }
            return state
        }
        sweep?.cancel()
        try? await channel?.close()
        // Agents are told when to come back, spread so that the fleet returns at about
        // `reconnectsPerSecond` rather than all at once when the collector is up again.
        let connections = connected.all()
        let spread = max(5, connections.count / settings.reconnectsPerSecond)
        let goodbye = WireMessage.error(ErrorMessage(code: "UNAVAILABLE", message: "the collector is stopping", retryAfterSeconds: spread))
        await withTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { try? await connection.writeAndFlush(goodbye).flatMap { connection.close() }.get() }
            }
        }
        do {
            try await threadPool.runIfActive { try self.store.recordLastSeen(self.lastSeen.drain()) }
        } catch {
            logger.error("could not write last-seen times at shutdown", metadata: ["error": "\(error)"])
        }
    }

    /// Writes the batched last-seen times; closes the connections of revoked agents.
    func sweep() {
        do {
            try store.recordLastSeen(lastSeen.drain())
            let revoked = try store.revokedAgentUUIDs()
            for agentID in connected.agentIDs where revoked.contains(agentID) {
                logger.notice("closing the connection of a revoked agent", metadata: ["agent.id": "\(agentID)"])
                connected.close(agentID, sending: .error(ErrorMessage(code: "AGENT_REVOKED", message: "this agent was revoked")))
            }
        } catch {
            logger.error("agent sweep failed", metadata: ["error": "\(error)"])
        }
    }
}
