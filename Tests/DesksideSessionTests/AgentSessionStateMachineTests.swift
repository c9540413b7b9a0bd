import DesksideInventory
import DesksideProtocol
import DesksideSession
import Testing

/// The agent's session, event by event, without a socket.
@Suite struct AgentSessionStateMachineTests {
    static let welcome = Welcome(base: "base-1", heartbeatSeconds: 60, reportIntervalSeconds: 3600, policy: FaultPolicy())

    static func machine(base: String? = "base-1", random: Double = 0.5) -> AgentSessionStateMachine {
        AgentSessionStateMachine(agentVersion: "0.1.0", acknowledgedBase: base, acknowledgedSequence: 41, random: { random })
    }

    /// A session past hello and welcome, with report 42 in flight.
    static func awaitingAck() -> AgentSessionStateMachine {
        var machine = machine()
        _ = machine.handle(.start)
        _ = machine.handle(.connected)
        _ = machine.handle(.received(.welcome(welcome)))
        _ = machine.handle(.reportPending(sequence: 42, id: "r42", hash: "x"))
        return machine
    }

    @Test func helloWelcomeReportAck() {
        var machine = Self.machine()
        #expect(machine.handle(.start) == [.connect])
        #expect(machine.handle(.connected) == [.send(.hello(Hello(agentVersion: "0.1.0", acknowledgedBase: "base-1", acknowledgedSequence: 41)))])
        #expect(machine.handle(.received(.welcome(Self.welcome))) == [
            .applyPolicy(FaultPolicy(), heartbeatSeconds: 60, reportIntervalSeconds: 3600), .sendOldestPending,
        ])
        #expect(machine.handle(.reportPending(sequence: 42, id: "r42", hash: "base-2")) == [.sendSpooled(sequence: 42)])
        // A second report waits for the first one's ack.
        #expect(machine.handle(.reportPending(sequence: 43, id: "r43", hash: "base-3")) == [])
        #expect(machine.handle(.received(.ack(Ack(id: "r42", sequence: 42, duplicate: false)))) == [
            .acknowledge(through: 42, base: "base-2"), .sendOldestPending,
        ])
        #expect(machine.acknowledgedBase == "base-2")
        #expect(machine.acknowledgedSequence == 42)
        #expect(machine.state == .ready)
    }

    @Test func heartbeatsGoOnlyWhenNothingIsInFlight() {
        var machine = Self.machine()
        _ = machine.handle(.start)
        _ = machine.handle(.connected)
        _ = machine.handle(.received(.welcome(Self.welcome)))
        #expect(machine.handle(.heartbeatDue) == [.send(.ping(Ping()))])
        #expect(machine.state == .awaitingPong)
        // A report that becomes pending meanwhile waits for the pong, then goes.
        #expect(machine.handle(.reportPending(sequence: 42, id: "r42", hash: "x")) == [])
        #expect(machine.handle(.received(.pong(Pong()))) == [.sendOldestPending])
        #expect(machine.handle(.reportPending(sequence: 42, id: "r42", hash: "x")) == [.sendSpooled(sequence: 42)])
        // With a report in flight, its ack shows liveness: no ping.
        #expect(machine.handle(.heartbeatDue) == [])
        // A collector that stops answering pings is left and retried.
        var silent = Self.machine()
        _ = silent.handle(.start)
        _ = silent.handle(.connected)
        _ = silent.handle(.received(.welcome(Self.welcome)))
        _ = silent.handle(.heartbeatDue)
        #expect(silent.handle(.responseTimeout) == [.close, .scheduleReconnect(afterSeconds: 1)])
    }

    @Test func aCollectorWithAnotherBaseGetsAFullReport() {
        var machine = Self.machine(base: "stale")
        _ = machine.handle(.start)
        _ = machine.handle(.connected)
        let actions = machine.handle(.received(.welcome(Self.welcome)))
        #expect(actions.contains(.queueFullReport(reason: "the collector holds another base")))
        var fresh = Self.machine(base: nil)
        _ = fresh.handle(.start)
        _ = fresh.handle(.connected)
        #expect(fresh.handle(.received(.welcome(Welcome(base: nil, heartbeatSeconds: 60, reportIntervalSeconds: 3600, policy: FaultPolicy())))) == [
            .applyPolicy(FaultPolicy(), heartbeatSeconds: 60, reportIntervalSeconds: 3600), .sendOldestPending,
        ])
    }

    /// SECURITY-TESTS 42: the collector committed report 42 and stopped before its ack. `welcome`
    /// names it; the agent finds it in its spool and takes it as acknowledged: no full report.
    @Test func aReportStoredBeforeALostAckIsAcknowledgedAtTheNextWelcome() {
        var machine = Self.machine()
        _ = machine.handle(.start)
        _ = machine.handle(.connected)
        let welcome = Welcome(base: "base-2", heartbeatSeconds: 60, reportIntervalSeconds: 3600, policy: FaultPolicy(), lastSequence: 42, lastReportID: "r42")
        #expect(machine.handle(.welcomed(welcome, spooledAtLastSequence: .init(sequence: 42, id: "r42", hash: "base-2"))) == [
            .applyPolicy(FaultPolicy(), heartbeatSeconds: 60, reportIntervalSeconds: 3600), .acknowledge(through: 42, base: "base-2"), .sendOldestPending,
        ])
        #expect(machine.acknowledgedSequence == 42 && machine.acknowledgedBase == "base-2")
    }

    /// SECURITY-TESTS 41: the collector holds sequence 57 while this agent remembers 41 (its state was
    /// restored from an old copy): the spooled 42 is another report, so numbering continues above 57
    /// with a full report, and nothing is sent that the collector would take as old.
    @Test func anAgentBehindTheCollectorResumesAboveItsSequence() {
        var machine = Self.machine()
        _ = machine.handle(.start)
        _ = machine.handle(.connected)
        let welcome = Welcome(base: "base-9", heartbeatSeconds: 60, reportIntervalSeconds: 3600, policy: FaultPolicy(), lastSequence: 57, lastReportID: "r57")
        #expect(machine.handle(.welcomed(welcome, spooledAtLastSequence: .init(sequence: 57, id: "other", hash: "x"))) == [
            .applyPolicy(FaultPolicy(), heartbeatSeconds: 60, reportIntervalSeconds: 3600), .resumeAfter(sequence: 57),
            .queueFullReport(reason: "the collector holds report 57, newer than this agent's state"), .sendOldestPending,
        ])
        #expect(machine.acknowledgedSequence == 57 && machine.acknowledgedBase == "base-9")
        // State lost altogether: no sequence, no spool.
        var fresh = AgentSessionStateMachine(agentVersion: "0.1.0")
        _ = fresh.handle(.start)
        _ = fresh.handle(.connected)
        #expect(fresh.handle(.received(.welcome(welcome))).contains(.resumeAfter(sequence: 57)))
        // A collector that holds no more than the agent knows changes nothing.
        var level = Self.machine()
        _ = level.handle(.start)
        _ = level.handle(.connected)
        let same = Welcome(base: "base-1", heartbeatSeconds: 60, reportIntervalSeconds: 3600, policy: FaultPolicy(), lastSequence: 41, lastReportID: "r41")
        #expect(level.handle(.received(.welcome(same))) == [.applyPolicy(FaultPolicy(), heartbeatSeconds: 60, reportIntervalSeconds: 3600), .sendOldestPending])
    }

    /// SECURITY-TESTS 43: `welcome` says the certificate is due; the agent renews before it sends
    /// reports, installs the new certificate, then goes on.
    @Test func aDueCertificateIsRenewedBeforeReportsGo() {
        var machine = Self.machine()
        _ = machine.handle(.start)
        _ = machine.handle(.connected)
        var welcome = Self.welcome
        welcome.renewCertificate = true
        #expect(machine.handle(.received(.welcome(welcome))) == [.applyPolicy(FaultPolicy(), heartbeatSeconds: 60, reportIntervalSeconds: 3600), .prepareRenewal])
        #expect(machine.handle(.renewalReady(csrPEM: "CSR")) == [.send(.renew(RenewRequest(csrPEM: "CSR")))])
        #expect(machine.state == .awaitingRenewal)
        // A report spooled meanwhile waits; so does the heartbeat.
        #expect(machine.handle(.reportPending(sequence: 42, id: "r42", hash: "x")) == [])
        #expect(machine.handle(.heartbeatDue) == [])
        let renewed = Renewed(certificatePEM: "CERT", caCertificatePEM: "CA")
        #expect(machine.handle(.received(.renewed(renewed))) == [.installCertificate(renewed), .sendOldestPending])
        #expect(machine.state == .ready)
    }

    @Test func needFullReportQueuesOne() {
        var machine = Self.awaitingAck()
        #expect(machine.handle(.received(.needFullReport(NeedFullReport(id: "r42", reason: "base mismatch")))) == [
            .queueFullReport(reason: "base mismatch"), .sendOldestPending,
        ])
        #expect(machine.acknowledgedBase == "base-1")
    }

    /// SECURITY-TESTS 11 and 13: failures back off exponentially with full jitter; identity is kept.
    @Test func failuresBackOffWithJitter() {
        var machine = Self.machine(random: 1.0 - 1e-9)
        _ = machine.handle(.start)
        var delays: [Double] = []
        for _ in 0..<12 {
            guard case .scheduleReconnect(let delay) = machine.handle(.connectionFailed).last else { Issue.record("no reconnect"); return }
            delays.append(delay)
            #expect(machine.handle(.reconnectTimerFired) == [.connect])
        }
        #expect(delays[0] < 2.01 && delays[1] < 4.01 && delays[2] < 8.01)
        #expect(delays.last! <= 300)
        #expect(delays == delays.sorted())
        // Full jitter: with a random draw of 0.25 the delay is a quarter of the ceiling.
        let jittered = Self.machine(random: 0.25)
        #expect(jittered.backoff(attempt: 3) == 2.0)
        #expect(machine.acknowledgedBase == "base-1")
    }

    /// Sessions that open and are then closed or refused (a collector restarting, over a quota,
    /// unavailable) back off like refused connections; only a working exchange resets the count, and
    /// the collector's `retryAfterSeconds` is a floor, spread over [r, 2r].
    @Test func everyFailureBacksOffUntilAnExchangeWorks() {
        var machine = Self.machine(random: 1.0 - 1e-9)
        _ = machine.handle(.start)
        var delays: [Double] = []
        for _ in 0..<6 {
            _ = machine.handle(.connected)
            _ = machine.handle(.received(.welcome(Self.welcome)))
            guard case .scheduleReconnect(let delay) = machine.handle(.connectionClosed).last else { Issue.record("no reconnect"); return }
            delays.append(delay)
            _ = machine.handle(.reconnectTimerFired)
        }
        #expect(delays.first! < 2.01 && delays.last! > 63)
        _ = machine.handle(.connected)
        _ = machine.handle(.received(.welcome(Self.welcome)))
        guard case .scheduleReconnect(let told) = machine.handle(.received(.error(ErrorMessage(code: "UNAVAILABLE", message: "restarting", retryAfterSeconds: 200)))).last
        else { Issue.record("no reconnect"); return }
        #expect(told > 399 && told <= 400)
        // A pong shows the collector works again: the next failure starts from the bottom.
        _ = machine.handle(.reconnectTimerFired)
        _ = machine.handle(.connected)
        _ = machine.handle(.received(.welcome(Self.welcome)))
        _ = machine.handle(.heartbeatDue)
        _ = machine.handle(.received(.pong(Pong())))
        guard case .scheduleReconnect(let reset) = machine.handle(.connectionClosed).last else { Issue.record("no reconnect"); return }
        #expect(reset < 2.01)
    }

    @Test func ackTimeoutAndLostConnectionsResendLater() {
        var machine = Self.awaitingAck()
        let actions = machine.handle(.responseTimeout)
        #expect(actions.first == .close)
        #expect(machine.state == .disconnected(attempt: 1))
        // Nothing was acknowledged: the report stays in the spool and goes again after reconnecting.
        #expect(machine.acknowledgedSequence == 41)
        #expect(machine.handle(.reconnectTimerFired) == [.connect])
    }

    @Test func aRefusedReportIsDroppedAndReplacedByAFullOne() {
        var machine = Self.awaitingAck()
        let actions = machine.handle(.received(.error(ErrorMessage(code: "BAD_REPORT", message: "hash mismatch"))))
        #expect(actions.prefix(3) == [.discardSpooled(sequence: 42, reason: "hash mismatch"),
                                     .queueFullReport(reason: "the collector refused a report: hash mismatch"), .close])
    }

    @Test func aCollectorThatNeverWelcomesIsLeft() {
        var machine = Self.machine()
        _ = machine.handle(.start)
        _ = machine.handle(.connected)
        #expect(machine.handle(.responseTimeout).first == .close)
        #expect(machine.state == .disconnected(attempt: 1))
    }

    @Test func anAckForAnotherReportIsAProtocolError() {
        var machine = Self.awaitingAck()
        let actions = machine.handle(.received(.ack(Ack(id: "r41", sequence: 41, duplicate: false))))
        #expect(actions.contains(.close))
        #expect(machine.acknowledgedSequence == 41)
    }

    /// SECURITY-TESTS 10: a revoked agent stops and does not hammer the collector.
    @Test func aRevokedIdentityStopsReconnecting() {
        var machine = Self.machine()
        _ = machine.handle(.start)
        _ = machine.handle(.connected)
        #expect(machine.handle(.received(.error(ErrorMessage(code: "AGENT_REVOKED", message: "revoked by admin")))) == [
            .close, .reportIdentityRejected("revoked by admin"),
        ])
        #expect(machine.handle(.reconnectTimerFired) == [])
        #expect(machine.handle(.start) == [])
    }
}
