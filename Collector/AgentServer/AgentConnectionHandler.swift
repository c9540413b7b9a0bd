import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideEnrollment
import DesksideHelpdesk
import DesksideInventory
import DesksideMetrics
import DesksideProtocol
import DesksideStoreSQLite
import DesksideTasks
import DesksideTransport
import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// One agent's connection, from the TLS handshake to its close. Runs on the connection's event loop;
/// store work goes to the server's thread pool (enrollment to the `EnrollmentService` actor) and
/// comes back here.
///
/// ```
/// handshaking --handshake done--> awaitingFirstMessage --hello (client certificate)--> opening --> session
///                                                      \--enroll (no certificate)--> enrolling --> closed
/// ```
final class AgentConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WireMessage
    typealias OutboundOut = WireMessage

    enum Phase {
        case handshaking
        case awaitingFirstMessage(certificateFingerprint: String?)
        case opening
        case enrolling
        case session(agentID: String)
        case closing
    }

    private let server: AgentServer
    private var phase = Phase.handshaking
    private var deadline: Scheduled<Void>?
    /// Reports received while one is being stored; they are taken in order.
    private var queued: [Report] = []
    private var storing = false
    private var peer = "?"
    /// The client certificate of this connection, and whether it is due for renewal.
    private var presentedFingerprint: String?
    private var certificateDue = false

    /// The task sent and not yet answered (one at a time per agent), and whether the next one is
    /// being taken from the store.
    private var taskInFlight: String?
    private var takingTask = false

    /// The decoder's caps: small and plain until the handshake shows a certificate of the CA.
    private let allowance: FrameAllowance

    /// Called once, when the handshake shows a certificate of the CA.
    private let onAuthenticated: @Sendable () -> Void

    /// `203.0.113.7:51514` or `[2001:db8::7]:51514`, for the log.
    static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress else { return "\(address)" }
        let host = ip.contains(":") ? "[" + ip + "]" : ip
        return address.port.map { host + ":\($0)" } ?? host
    }

    init(server: AgentServer, allowance: FrameAllowance, onAuthenticated: @escaping @Sendable () -> Void) {
        self.server = server
        self.allowance = allowance
        self.onAuthenticated = onAuthenticated
    }

    private var logger: Logger { server.logger }

    func handlerAdded(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress.map(Self.describe) ?? "?"
        armDeadline(context: context, what: "TLS handshake")
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        if case .session(let agentID) = phase { server.connected.remove(agentID, channel: context.channel) }
    }

    /// Closes the connection unless the current step ends within the handshake timeout.
    private func armDeadline(context: ChannelHandlerContext, what: String) {
        deadline?.cancel()
        let channel = context.channel
        let peer = self.peer
        let logger = self.logger
        let seconds = server.settings.handshakeTimeoutSeconds
        deadline = context.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) {
            logger.info("closing a connection: too slow", metadata: ["peer.address": "\(peer)", "waited.for": "\(what)", "timeout.seconds": "\(seconds)"])
            channel.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            var fingerprint: String?
            if let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self),
               let certificate = handler.peerCertificate, let der = try? certificate.toDERBytes() {
                fingerprint = Hex.certificateFingerprint(der: der)
                presentedFingerprint = fingerprint
                // Due at two thirds of its lifetime, or at once when a CA the collector is rolling away from issued it.
                certificateDue = SessionObservations.renewalDue(notBefore: Double(certificate.notValidBefore), notAfter: Double(certificate.notValidAfter),
                                                                now: Date().timeIntervalSince1970)
                    || !server.enrollment.issuedByCurrentCA(der: der)
                // The handshake checked it against the CA: the peer may now send full-size reports.
                allowance.maxFrameLength = server.settings.maxFrameLength
                allowance.compressionAllowed = true
                onAuthenticated()
            }
            phase = .awaitingFirstMessage(certificateFingerprint: fingerprint)
            armDeadline(context: context, what: "first message")
        } else if event is TaskWake {
            if case .session(let agentID) = phase { sendNextTask(context: context, agentID: agentID) }
        } else if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            logger.info("closing an idle connection", metadata: ["peer.address": "\(peer)", "timeout.seconds": "\(server.settings.idleTimeoutSeconds)"])
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        switch (phase, message) {
        case (.awaitingFirstMessage(.some(let fingerprint)), .hello(let hello)):
            deadline?.cancel()
            phase = .opening
            open(context: context, fingerprint: fingerprint, agentTime: hello.time, trustedCAs: hello.trustedCAs)
        case (.awaitingFirstMessage(.none), .enroll(let request)):
            deadline?.cancel()
            phase = .enrolling
            enroll(context: context, request: request)
        case (.awaitingFirstMessage(.none), _):
            refuse(context: context, code: "CERTIFICATE_REQUIRED", message: "without a client certificate, only enrollment is possible")
        case (.session(let agentID), .ping):
            server.lastSeen.touch(agentID)
            checkClone(context: context, agentID: agentID)
            context.writeAndFlush(wrapOutboundOut(.pong(Pong())), promise: nil)
        case (.session(let agentID), .report(let report)):
            server.lastSeen.touch(agentID)
            checkClone(context: context, agentID: agentID)
            guard server.quota.withLockedValue({ $0.allow(agentID, now: Date()) }) else {
                logger.warning("agent over its report quota", metadata: ["agent.id": "\(agentID)", "quota.perMinute": "\(server.settings.reportsPerMinute)"])
                refuse(context: context, code: "RATE_LIMITED", message: "too many reports; try again later", retryAfterSeconds: 60)
                return
            }
            CollectorMetrics.reportReceived(kind: report.kind.rawValue)
            queued.append(report)
            storeNext(context: context, agentID: agentID)
        case (.session(let agentID), .taskResult(let result)):
            server.lastSeen.touch(agentID)
            finishTask(context: context, agentID: agentID, result: result)
        case (.session(let agentID), .renew(let request)):
            server.lastSeen.touch(agentID)
            renew(context: context, agentID: agentID, request: request)
        case (.closing, _):
            break
        default:
            refuse(context: context, code: "UNEXPECTED_MESSAGE", message: "\(message.type) is not expected now")
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case let error as ProtocolError:
            logger.warning("refusing a peer: protocol error", metadata: ["peer.address": "\(peer)", "error.code": "\(error.code)", "error": "\(error)"])
            refuse(context: context, code: error.code, message: error.description)
        case let error as NIOSSLError:
            logger.warning("TLS failed", metadata: ["peer.address": "\(peer)", "error": "\(error)"])
            context.close(promise: nil)
        default:
            logger.info("connection ended", metadata: ["peer.address": "\(peer)", "error": "\(error)"])
            context.close(promise: nil)
        }
    }

    // MARK: - Steps

    private func open(context: ChannelHandlerContext, fingerprint: String, agentTime: Date?, trustedCAs: [String]?) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let store = server.store
        let tolerance = server.settings.clockSkewToleranceSeconds
        // The next CA goes to an agent that does not list it (older agents list nothing, and ignore it).
        let announce = server.nextCA.flatMap { next in
            (trustedCAs ?? []).contains { TransportTLS.fingerprintsMatch($0, next.fingerprint) } ? nil : next.certificatePEM
        }
        server.threadPool.runIfActive(eventLoop: context.eventLoop) {
            let session = try store.agentSession(certificateFingerprint: fingerprint)
            if let session, !session.revoked {
                let now = Date()
                if let agentTime {
                    let skew = SessionObservations.clockSkew(agentTime: agentTime, collectorTime: now, toleranceSeconds: tolerance)
                    try store.setCollectorFault(agentUUID: session.uuid, code: CollectorFault.clockSkewed, skew, at: now)
                }
                if let trustedCAs { try store.recordTrustedCAs(agentUUID: session.uuid, fingerprints: trustedCAs) }
            }
            return session
        }.whenComplete { result in
            let (handler, context) = bound.value
            handler.opened(context: context, result: result, nextCA: announce)
        }
    }

    private func opened(context: ChannelHandlerContext, result: Result<CollectorStore.AgentSession?, any Error>, nextCA: String?) {
        guard case .opening = phase else { return }
        switch result {
        case .failure(let error):
            logger.error("cannot open a session", metadata: ["peer.address": "\(peer)", "error": "\(error)"])
            refuse(context: context, code: "UNAVAILABLE", message: "the collector cannot serve this agent now", retryAfterSeconds: 30)
        case .success(.none):
            logger.warning("a certificate of the collector's CA that belongs to no agent", metadata: ["peer.address": "\(peer)"])
            refuse(context: context, code: "IDENTITY_INVALID", message: "this certificate belongs to no enrolled agent")
        case .success(.some(let session)) where session.revoked:
            logger.notice("refusing a revoked agent", metadata: ["agent.id": "\(session.uuid)", "peer.address": "\(peer)"])
            refuse(context: context, code: "AGENT_REVOKED", message: "this agent was revoked")
        case .success(.some(let session)):
            if let holder = server.connected.register(session.uuid, channel: context.channel) {
                // Two live connections for one identity: refused, and a clone if the first speaks again.
                let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
                server.connected.contest(session.uuid, peer: address)
                logger.warning("second connection for a connected agent refused", metadata: [
                    "agent.id": "\(session.uuid)", "peer.address": "\(peer)", "connected.address": "\(holder.remoteAddress.map { "\($0)" } ?? "?")"])
                refuse(context: context, code: "IDENTITY_IN_USE",
                       message: "another machine is connected with this agent's certificate; if this machine is a copy of another, enroll it again")
                return
            }
            phase = .session(agentID: session.uuid)
            server.lastSeen.touch(session.uuid)
            logger.info("agent connected", metadata: ["agent.id": "\(session.uuid)", "peer.address": "\(peer)"])
            let settings = server.settings
            context.writeAndFlush(wrapOutboundOut(.welcome(Welcome(
                base: session.base, heartbeatSeconds: settings.heartbeatSeconds,
                reportIntervalSeconds: settings.reportIntervalSeconds, policy: settings.policy,
                lastSequence: session.lastSequence, lastReportID: session.lastReportID, time: Date(),
                renewCertificate: certificateDue ? true : nil, nextCACertificatePEM: nextCA, taskKey: server.taskKey))), promise: nil)
            sendNextTask(context: context, agentID: session.uuid)
        }
    }

    private func enroll(context: ChannelHandlerContext, request: EnrollRequest) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let enrollment = server.enrollment
        let taskKey = server.taskKey
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        context.eventLoop.makeFutureWithTask { () -> Enrolled? in
            guard let result = try? await enrollment.enroll(tokenSecret: request.token, csrPEM: request.csrPEM, peerAddress: address) else { return nil }
            return Enrolled(agentID: result.agentID, certificatePEM: result.certificatePEM, caCertificatePEM: result.caCertificatePEM, taskKey: taskKey)
        }.whenSuccess { enrolled in
            let (handler, context) = bound.value
            let answer: WireMessage
            if let enrolled {
                handler.logger.notice("agent enrolled", metadata: ["agent.id": "\(enrolled.agentID)", "peer.address": "\(address)"])
                let server = handler.server
                server.threadPool.submit { _ in server.hook("enrolled", agentID: enrolled.agentID) { try $0.enrolled?(enrolled.agentID) } }
                answer = .enrolled(enrolled)
            } else {
                // The same refusal whatever the reason; the reason is in the audit log.
                handler.logger.warning("enrollment refused", metadata: ["peer.address": "\(address)"])
                let refused = EnrollmentService.Refused()
                answer = .error(ErrorMessage(code: refused.code, message: refused.description))
            }
            handler.phase = .closing
            let channel = context.channel
            context.writeAndFlush(handler.wrapOutboundOut(answer)).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Signs a new certificate for the agent's new key (the actor checks the request and records it).
    private func renew(context: ChannelHandlerContext, agentID: String, request: RenewRequest) {
        guard let presented = presentedFingerprint else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let enrollment = server.enrollment
        context.eventLoop.makeFutureWithTask {
            await enrollment.renew(agentID: agentID, csrPEM: request.csrPEM, presentedFingerprint: presented)
        }.whenSuccess { renewed in
            let (handler, context) = bound.value
            guard case .session = handler.phase else { return }
            guard let renewed else {
                handler.logger.warning("certificate renewal refused", metadata: ["agent.id": "\(agentID)"])
                handler.refuse(context: context, code: "RENEWAL_REFUSED", message: "the signing request could not be used; the current certificate stays valid")
                return
            }
            handler.logger.notice("agent certificate renewed", metadata: ["agent.id": "\(agentID)"])
            context.writeAndFlush(handler.wrapOutboundOut(.renewed(Renewed(certificatePEM: renewed.certificatePEM, caCertificatePEM: renewed.caCertificatePEM))),
                                  promise: nil)
        }
    }

    /// The registered connection spoke after a second one for its identity was refused: two machines
    /// hold the key. The asset gets `agent.identity.cloned`; nothing of the second machine is stored.
    private func checkClone(context: ChannelHandlerContext, agentID: String) {
        guard let refused = server.connected.confirmClone(agentID, now: Date()) else { return }
        let connected = context.channel.remoteAddress?.ipAddress ?? "unknown"
        let (store, logger) = (server.store, logger)
        logger.error("two machines use one agent identity", metadata: ["agent.id": "\(agentID)", "peer.address": "\(connected)", "refused.address": "\(refused)"])
        server.threadPool.runIfActive(eventLoop: context.eventLoop) {
            try store.recordCollectorEvent(agentUUID: agentID, SessionObservations.clonedIdentity(connectedPeer: connected, refusedPeer: refused), at: Date())
        }.whenFailure { error in
            logger.error("could not record a cloned identity", metadata: ["agent.id": "\(agentID)", "error": "\(error)"])
        }
    }

    // MARK: - Tasks

    /// Takes the agent's next task from the store and sends it, unless one is out already.
    private func sendNextTask(context: ChannelHandlerContext, agentID: String) {
        guard taskInFlight == nil, !takingTask, server.taskKey != nil else { return }
        takingTask = true
        let store = server.store
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        server.threadPool.runIfActive(eventLoop: context.eventLoop) {
            try store.takeNextTask(agentUUID: agentID, now: Date())
        }.whenComplete { result in
            let (handler, context) = bound.value
            handler.takingTask = false
            guard case .session = handler.phase else { return }
            switch result {
            case .success(.some(let task)):
                handler.taskInFlight = task.taskID
                handler.logger.info("task sent", metadata: ["agent.id": "\(agentID)", "task.id": "\(task.taskID)"])
                context.writeAndFlush(handler.wrapOutboundOut(.task(task)), promise: nil)
            case .success(.none):
                break
            case .failure(let error):
                // Left queued: the next wake-up or connection takes it.
                handler.logger.error("could not take the next task", metadata: ["agent.id": "\(agentID)", "error": "\(error)"])
            }
        }
    }

    /// Stores a task's result, acknowledges it, and sends the next task.
    private func finishTask(context: ChannelHandlerContext, agentID: String, result: TaskResult) {
        let store = server.store
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let server = self.server
        server.threadPool.runIfActive(eventLoop: context.eventLoop) {
            let record = try store.finishTask(agentUUID: agentID, result: result, receivedAt: Date())
            if let record { server.hook("taskFinished", agentID: agentID) { try $0.taskFinished?(record) } }
            return record
        }.whenComplete { outcome in
            let (handler, context) = bound.value
            guard case .session = handler.phase else { return }
            let metadata: Logger.Metadata = ["agent.id": "\(agentID)", "task.id": "\(result.taskID)", "task.status": "\(result.status.rawValue)"]
            switch outcome {
            case .success(let record):
                if record != nil {
                    handler.logger.info("task finished", metadata: metadata.merging(result.refusal.map { ["task.refusal": "\($0.rawValue)"] } ?? [:]) { $1 })
                }
                context.writeAndFlush(handler.wrapOutboundOut(.taskAck(TaskAck(taskID: result.taskID))), promise: nil)
                if handler.taskInFlight == result.taskID { handler.taskInFlight = nil }
                handler.sendNextTask(context: context, agentID: agentID)
            case .failure(let error):
                // Not acknowledged: the agent keeps the result and sends it at its next connection.
                handler.logger.error("task result not stored", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            }
        }
    }

    /// Stores the next queued report, if none is being stored; answers after the commit.
    private func storeNext(context: ChannelHandlerContext, agentID: String) {
        guard !storing, !queued.isEmpty else { return }
        storing = true
        let report = queued.removeFirst()
        let started = DispatchTime.now().uptimeNanoseconds
        let ingest = server.ingest
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let server = self.server
        server.threadPool.runIfActive(eventLoop: context.eventLoop) {
            let answer = try ingest.answer(report, from: agentID, receivedAt: Date())
            if case .ack = answer.message { server.hook("reportStored", agentID: agentID) { try $0.reportStored?(agentID) } }
            return answer
        }.whenComplete { result in
            let (handler, context) = bound.value
            handler.storing = false
            let metadata: Logger.Metadata = ["agent.id": "\(agentID)", "report.id": "\(report.id)", "report.sequence": "\(report.sequence)"]
            switch result {
            case .success(let answer):
                guard case .session = handler.phase else { return }
                if case .error(let error) = answer.message {
                    CollectorMetrics.reportAnswered(kind: report.kind.rawValue, outcome: "refused")
                    handler.logger.warning("report refused", metadata: metadata.merging(["error.code": "\(error.code)", "error": "\(error.message)"]) { $1 })
                    handler.refuse(context: context, code: error.code, message: error.message)
                    return
                }
                if answer.stale {
                    // Acknowledged without being stored: an agent that resumes as `welcome` says never sends one.
                    handler.server.staleReports.withLockedValue { $0 += 1 }
                    handler.logger.warning("stale report acknowledged and not stored", metadata: metadata)
                }
                context.writeAndFlush(handler.wrapOutboundOut(answer.message), promise: nil)
                switch answer.message {
                case .ack(let ack):
                    CollectorMetrics.reportAnswered(kind: report.kind.rawValue, outcome: ack.duplicate ? "duplicate" : "stored")
                    CollectorMetrics.acknowledged(afterNanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - started))
                default:
                    CollectorMetrics.reportAnswered(kind: report.kind.rawValue, outcome: "needFullReport")
                }
                handler.storeNext(context: context, agentID: agentID)
            case .failure(let error):
                // Not stored, so not acknowledged: the agent keeps the report and sends it again.
                CollectorMetrics.reportAnswered(kind: report.kind.rawValue, outcome: "failed")
                handler.logger.error("report not stored", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                handler.refuse(context: context, code: "UNAVAILABLE", message: "the collector could not store the report; it will be taken again",
                               retryAfterSeconds: 30)
            }
        }
    }

    /// Sends an error and closes the connection.
    private func refuse(context: ChannelHandlerContext, code: String, message: String, retryAfterSeconds: Int? = nil) {
        if case .closing = phase { return }
        CollectorMetrics.refused(reason: code)
        if case .session(let agentID) = phase { server.connected.remove(agentID, channel: context.channel) }
        phase = .closing
        deadline?.cancel()
        queued.removeAll()
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.error(ErrorMessage(code: code, message: message, retryAfterSeconds: retryAfterSeconds)))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
