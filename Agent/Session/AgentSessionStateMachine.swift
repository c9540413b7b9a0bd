public import DesksideInventory
public import DesksideProtocol

/// The agent's side of a session with the collector, as a pure state machine: events go in, actions
/// come out, and the caller does the I/O (connect, send, spool, timers). Modelled on postgres-nio's
/// ConnectionStateMachine, so that every path is tested without a socket.
///
/// One report is in flight at a time; the spool holds the rest. A report leaves the spool only when the
/// collector acknowledges it, after its commit. Every failure (a refused connection, a closed or
/// refused session, a timeout) backs off exponentially with full jitter, and only an exchange that
/// worked (an `ack` or a `pong`) resets the count: a collector that accepts and then closes cannot
/// pull its fleet back every two seconds. A collector's `retryAfterSeconds` is a floor.
public struct AgentSessionStateMachine: Sendable {
    public enum State: Sendable, Equatable {
        /// Not connected; `attempt` failed connections in a row so far.
        case disconnected(attempt: Int)
        case connecting(attempt: Int)
        /// `hello` sent, waiting for `welcome`.
        case awaitingWelcome
        /// Nothing in flight.
        case ready
        /// A report was sent; waiting for its `ack`.
        case awaitingAck(sequence: UInt64, id: String)
        /// A `ping` was sent (nothing else was in flight); waiting for its `pong`.
        case awaitingPong
        /// A `renew` was sent (nothing else was in flight); waiting for the new certificate.
        case awaitingRenewal
        /// The collector said this agent's identity is not valid: stop until enrolled again.
        case needsEnrollment
    }

    /// A report in the spool, as far as resuming needs it.
    public struct SpooledReport: Sendable, Equatable {
        public var sequence: UInt64
        public var id: String
        public var hash: String

        public init(sequence: UInt64, id: String, hash: String) {
            self.sequence = sequence
            self.id = id
            self.hash = hash
        }
    }

    public enum Event: Sendable {
        case start
        case connected
        case connectionFailed
        case connectionClosed
        case received(WireMessage)
        /// The spool's oldest pending report, and the inventory hash it leads to.
        case reportPending(sequence: UInt64, id: String, hash: String)
        /// No answer within the deadline: no `welcome` after `hello`, or no `ack` after a report.
        case responseTimeout
        case reconnectTimerFired
        /// The heartbeat interval passed: show the collector this agent is alive.
        case heartbeatDue
        /// `welcome`, with the spooled report whose sequence is the collector's `lastSequence` (when
        /// the collector holds more than this agent knew was acknowledged and the spool has one).
        case welcomed(Welcome, spooledAtLastSequence: SpooledReport?)
        /// A signing request for a new key, made after `welcome` said the certificate is due.
        case renewalReady(csrPEM: String)
    }

    public enum Action: Sendable, Equatable {
        case connect
        case send(WireMessage)
        /// Look in the spool; if a report is pending, feed it back as `reportPending`.
        case sendOldestPending
        /// Send this spooled report as it is.
        case sendSpooled(sequence: UInt64)
        /// Drop this spooled report: the collector refused its content, so resending it cannot help.
        case discardSpooled(sequence: UInt64, reason: String)
        /// Delete spooled reports up to this sequence and remember the collector's new base.
        case acknowledge(through: UInt64, base: String?)
        case applyPolicy(FaultPolicy, heartbeatSeconds: Int, reportIntervalSeconds: Int)
        /// Drop spooled deltas and heartbeats and queue a full report: the collector lacks their base.
        case queueFullReport(reason: String)
        /// This agent's state is behind the collector (restored from an old copy, or lost): number the
        /// next reports above `sequence`, the newest the collector stored.
        case resumeAfter(sequence: UInt64)
        case close
        case scheduleReconnect(afterSeconds: Double)
        /// Stop reconnecting; the operator must enroll the agent again.
        case reportIdentityRejected(String)
        /// Make a new key and a signing request for it, then feed back `renewalReady`.
        case prepareRenewal
        /// Keep the new key with this certificate as the agent's identity (used from the next connection).
        case installCertificate(Renewed)
    }

    public private(set) var state: State = .disconnected(attempt: 0)
    /// Base and sequence the collector last acknowledged (persisted by the caller with `acknowledge`).
    public private(set) var acknowledgedBase: String?
    public private(set) var acknowledgedSequence: UInt64?
    /// The hash each in-flight report leads to, to become the base once acknowledged.
    private var inFlightHash: String?
    /// Failures since the last exchange that worked.
    private var failures = 0

    public let agentVersion: String
    public let backoffBaseSeconds: Double
    public let backoffCapSeconds: Double
    /// A random number in [0, 1) for each reconnect delay (full jitter); injected so tests are exact.
    private var random: @Sendable () -> Double

    public init(agentVersion: String, acknowledgedBase: String? = nil, acknowledgedSequence: UInt64? = nil,
                backoffBaseSeconds: Double = 1, backoffCapSeconds: Double = 300, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.agentVersion = agentVersion
        self.acknowledgedBase = acknowledgedBase
        self.acknowledgedSequence = acknowledgedSequence
        self.backoffBaseSeconds = backoffBaseSeconds
        self.backoffCapSeconds = backoffCapSeconds
        self.random = random
    }

    /// Error codes after which reconnecting cannot help.
    public static let identityErrorCodes: Set<String> = ["IDENTITY_INVALID", "AGENT_REVOKED"]

    /// The delay before reconnect attempt `attempt` (1-based): uniform in [0, min(cap, base * 2^attempt)].
    public func backoff(attempt: Int) -> Double {
        let ceiling = min(backoffCapSeconds, backoffBaseSeconds * Double(1 << min(attempt, 30)))
        return ceiling * random()
    }

    /// Feeds one event; returns what to do, in order.
    public mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.needsEnrollment, _):
            return []
        case (.disconnected(let attempt), .start), (.disconnected(let attempt), .reconnectTimerFired):
            state = .connecting(attempt: attempt)
            return [.connect]
        case (.connecting, .connected):
            state = .awaitingWelcome
            return [.send(.hello(Hello(agentVersion: agentVersion, acknowledgedBase: acknowledgedBase, acknowledgedSequence: acknowledgedSequence)))]
        case (.connecting, .connectionFailed):
            return retry()
        case (.disconnected, _), (.connecting, _):
            return []
        case (_, .connectionFailed), (_, .connectionClosed):
            inFlightHash = nil
            return retry()
        case (.awaitingAck, .responseTimeout), (.awaitingWelcome, .responseTimeout), (.awaitingPong, .responseTimeout), (.awaitingRenewal, .responseTimeout):
            inFlightHash = nil
            return [.close] + retry()
        case (.awaitingAck(let sequence, _), .received(.error(let error))) where error.code == "BAD_REPORT":
            // The report itself is wrong (a bug, or damage after it was spooled); sent again it would
            // block the spool forever. It goes, counted as lost, and a full report replaces it.
            inFlightHash = nil
            return [.discardSpooled(sequence: sequence, reason: error.message), .queueFullReport(reason: "the collector refused a report: \(error.message)"), .close]
                + retry()
        case (_, .received(.error(let error))):
            inFlightHash = nil
            if Self.identityErrorCodes.contains(error.code) {
                state = .needsEnrollment
                return [.close, .reportIdentityRejected(error.message)]
            }
            return [.close] + retry(notBefore: error.retryAfterSeconds)
        case (.awaitingWelcome, .received(.welcome(let welcome))):
            return handle(.welcomed(welcome, spooledAtLastSequence: nil))
        case (.awaitingWelcome, .welcomed(let welcome, let spooled)):
            state = .ready
            var actions: [Action] = [.applyPolicy(welcome.policy, heartbeatSeconds: welcome.heartbeatSeconds, reportIntervalSeconds: welcome.reportIntervalSeconds)]
            var fullReport: String?
            if let last = welcome.lastSequence, acknowledgedSequence.map({ last > $0 }) ?? true {
                if let spooled, spooled.sequence == last, spooled.id == welcome.lastReportID {
                    // The collector stored the report in flight and stopped before acknowledging it.
                    acknowledgedSequence = last
                    acknowledgedBase = spooled.hash
                    actions.append(.acknowledge(through: last, base: spooled.hash))
                } else {
                    // The collector holds reports this agent does not remember sending: its state was
                    // restored from an old copy or lost. Reports numbered at or below the collector's
                    // would be taken for old ones, so numbering continues above it, with a full report.
                    acknowledgedSequence = last
                    actions.append(.resumeAfter(sequence: last))
                    fullReport = "the collector holds report \(last), newer than this agent's state"
                }
            }
            if welcome.base != acknowledgedBase {
                // The collector holds another base (or none): deltas on ours would be refused.
                acknowledgedBase = welcome.base
                fullReport = fullReport ?? (welcome.base == nil ? "the collector holds no inventory for this agent" : "the collector holds another base")
            }
            if let fullReport { actions.append(.queueFullReport(reason: fullReport)) }
            // A due certificate is renewed before anything else is sent (reports wait in the spool).
            actions.append(welcome.renewCertificate == true ? .prepareRenewal : .sendOldestPending)
            return actions
        case (.ready, .renewalReady(let csrPEM)):
            state = .awaitingRenewal
            return [.send(.renew(RenewRequest(csrPEM: csrPEM)))]
        case (.awaitingRenewal, .received(.renewed(let renewed))):
            state = .ready
            failures = 0
            return [.installCertificate(renewed), .sendOldestPending]
        case (.ready, .reportPending(let sequence, let id, let hash)):
            state = .awaitingAck(sequence: sequence, id: id)
            inFlightHash = hash
            return [.sendSpooled(sequence: sequence)]
        case (.awaitingAck(let sequence, let id), .received(.ack(let ack))) where ack.sequence == sequence && ack.id == id:
            state = .ready
            failures = 0
            acknowledgedSequence = sequence
            if let hash = inFlightHash { acknowledgedBase = hash }
            inFlightHash = nil
            return [.acknowledge(through: sequence, base: acknowledgedBase), .sendOldestPending]
        case (.ready, .heartbeatDue):
            state = .awaitingPong
            return [.send(.ping(Ping()))]
        case (.awaitingPong, .received(.pong)):
            // A report that became pending meanwhile was held back; it goes now.
            state = .ready
            failures = 0
            return [.sendOldestPending]
        case (.awaitingAck, .received(.needFullReport(let need))):
            state = .ready
            inFlightHash = nil
            return [.queueFullReport(reason: need.reason), .sendOldestPending]
        case (_, .received):
            // A message out of turn: the peer does not follow the protocol.
            inFlightHash = nil
            return [.send(.error(ErrorMessage(code: "UNEXPECTED_MESSAGE", message: "message out of turn"))), .close] + retry()
        default:
            // A report queued while one is in flight goes after its ack; stale timers do nothing.
            return []
        }
    }

    /// One more failure: wait the backoff for the count so far, or between `notBefore` and twice it
    /// when the collector said so and that is longer.
    private mutating func retry(notBefore: Int? = nil) -> [Action] {
        failures += 1
        state = .disconnected(attempt: failures)
        var delay = backoff(attempt: failures)
        if let notBefore, notBefore > 0 {
            delay = max(delay, min(backoffCapSeconds * 2, Double(notBefore) * (1 + random())))
        }
        return [.scheduleReconnect(afterSeconds: delay)]
    }
}
