#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideJSON
public import DesksideAgentTasks
import DesksideTasks
import DesksideInventory
public import DesksideProbes
import DesksideProtocol
import DesksideSession
import DesksideSpool
import DesksideTransport
public import NIOCore
import NIOSSL
import DesksideVersion

/// `deskside-agent run`: the agent's life with its collector. The session's decisions come from
/// `AgentSessionStateMachine`; this type does its I/O (connect, send, spool, timers) and feeds back
/// what happened. Everything runs in one task that takes events from one stream, so there is no
/// shared mutable state.
public final class AgentRunner {
    public struct Options: Sendable {
        public var stateDirectory: String
        public var probe: InventoryProbe.Configuration
        /// Send what is due, wait for its acknowledgement, and return.
        public var once = false
        /// Files whose change means the installed packages changed (dpkg's status, the rpm database).
        public var watchedFiles = ["/var/lib/dpkg/status", "/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite"]
        public var watchIntervalSeconds = 5
        /// How long to wait for `welcome`, `pong` or an acknowledgement.
        public var responseTimeoutSeconds = 120
        /// Which task kinds run, and on which root.
        public var tasks = TaskSettings()
        public var log: @Sendable (String) -> Void

        public init(stateDirectory: String, probe: InventoryProbe.Configuration, once: Bool = false, log: @escaping @Sendable (String) -> Void) {
            self.stateDirectory = stateDirectory
            self.probe = probe
            self.once = once
            self.log = log
        }
    }

    /// How a run ended.
    public enum Outcome: Sendable, Equatable {
        /// `--once`: everything due was acknowledged.
        case delivered(acknowledged: Int)
        /// `--once`: the collector could not be reached or did not acknowledge; the reports stay spooled.
        case undelivered(String)
        /// The collector does not accept this agent's identity: enroll again.
        case identityRejected(String)
    }

    enum Event: Sendable {
        case session(AgentSessionStateMachine.Event)
        case opened(CollectorConnection, generation: Int)
        case connectionEnded(generation: Int, reason: String?)
        case connectFailed(generation: Int, reason: String)
        case message(WireMessage, generation: Int)
        case responseDeadline(Int)
        case collect(forceFull: Bool, reason: String)
        case heartbeatDue
        case taskFinished(TaskResult)
    }

    let options: Options
    private(set) var identity: AgentIdentity
    let spool: ReportSpool
    /// The TLS identity for the next connection (a renewal replaces it).
    private var tls: NIOSSLContext
    let group: any EventLoopGroup
    var state: SessionState
    var machine: AgentSessionStateMachine
    private let events: AsyncStream<Event>
    let continuation: AsyncStream<Event>.Continuation
    var connection: CollectorConnection?
    private var connectionGeneration = 0
    private var deadlineGeneration = 0
    /// The heartbeat and collection timers, and the package watch; cancelled when replaced or done.
    private var timers: [Task<Void, Never>] = []
    private var watch: Task<Void, Never>?
    /// The report `sendOldestPending` found, for the `sendSpooled` that follows it.
    private var nextReport: (sequence: UInt64, report: Report)?
    private var acknowledgedThisRun = 0
    private var outcome: Outcome?
    private var lastFailure: String?
    /// The new key while its renewal is in flight, and when renewal was last tried (once an hour at
    /// most, so that a collector that cannot renew never holds back the reports).
    private var pendingRenewal: AgentIdentity.PendingRenewal?
    private var renewalTriedAt: Date?
    /// Tasks: what ran (on disk), the one running, and those that arrived meanwhile (in order).
    let ledger: TaskLedger
    var runningTask: String?
    var waitingTasks: [TaskEnvelope] = []

    public init(options: Options, identity: AgentIdentity, group: any EventLoopGroup) throws {
        self.options = options
        self.identity = identity
        self.group = group
        spool = try ReportSpool(directory: options.stateDirectory + "/spool")
        tls = try Self.context(for: identity)
        state = SessionState.load(stateDirectory: options.stateDirectory)
        machine = AgentSessionStateMachine(agentVersion: DesksideVersion.current, acknowledgedBase: state.acknowledgedBase,
                                           acknowledgedSequence: state.acknowledgedSequence)
        (events, continuation) = AsyncStream<Event>.makeStream()
        ledger = try TaskLedger(stateDirectory: options.stateDirectory)
        if let interrupted = try ledger.recoverInterrupted(at: Date()) {
            options.log("task \(interrupted.taskID) was interrupted by the agent's stop; reporting it as interrupted")
        }
    }

    /// Runs until `--once` is done, the identity is rejected, or the task is cancelled.
    public func run() async -> Outcome {
        defer {
            continuation.finish()
            for timer in timers { timer.cancel() }
            watch?.cancel()
        }
        produce(forceFull: false, reason: "start")
        startTimers()
        if !options.once { watchPackages() }
        handle(machine.handle(.start))
        for await event in events {
            if Task.isCancelled { break }
            process(event)
            if let outcome {
                connection?.close()
                return outcome
            }
        }
        connection?.close()
        return .undelivered("stopped")
    }

    // MARK: - Events

    private func process(_ event: Event) {
        switch event {
        case .session(let sessionEvent):
            handle(machine.handle(sessionEvent))
        case .opened(let opened, let generation):
            guard generation == connectionGeneration else { return opened.close() }
            connection = opened
            Task { [continuation] in
                for await event in opened.events {
                    switch event {
                    case .message(let message): continuation.yield(.message(message, generation: generation))
                    case .closed(let reason): continuation.yield(.connectionEnded(generation: generation, reason: reason))
                    }
                }
            }
            handle(machine.handle(.connected))
        case .connectionEnded(let generation, let reason):
            guard generation == connectionGeneration, connection != nil else { return }
            connection = nil
            lastFailure = reason ?? "the collector closed the connection"
            options.log("connection to the collector ended: \(lastFailure!)")
            handle(machine.handle(.connectionClosed))
        case .connectFailed(let generation, let reason):
            guard generation == connectionGeneration else { return }
            lastFailure = reason
            options.log(reason)
            handle(machine.handle(.connectionFailed))
        case .message(.task(let signed), let generation):
            guard generation == connectionGeneration else { return }
            receive(signed)
        case .message(.taskAck(let ack), let generation):
            guard generation == connectionGeneration else { return }
            ledger.acknowledge(ack.taskID)
        case .taskFinished(let result):
            finish(result)
        case .message(let message, let generation):
            guard generation == connectionGeneration else { return }
            deadlineGeneration += 1
            state.lastContactAt = Date()
            if case .error(let error) = message {
                lastFailure = "the collector refused (\(error.code)): \(error.message)"
                options.log(lastFailure!)
            }
            if case .welcome(let welcome) = message {
                if state.identityRefused != nil {
                    state.identityRefused = nil
                    saveState()
                }
                if let next = welcome.nextCACertificatePEM { trust(nextCA: next) }
                if let key = welcome.taskKey { pin(taskKey: key) }
                handle(machine.handle(.welcomed(welcome, spooledAtLastSequence: spooledReport(at: welcome.lastSequence))))
                // Results the collector has not acknowledged go first: it is waiting for them.
                for result in ledger.pendingResults() { connection?.send(.taskResult(result)) }
            } else {
                handle(machine.handle(.received(message)))
            }
        case .responseDeadline(let generation):
            guard generation == deadlineGeneration else { return }
            lastFailure = "no answer from the collector within \(options.responseTimeoutSeconds) s"
            options.log(lastFailure!)
            handle(machine.handle(.responseTimeout))
        case .collect(let forceFull, let reason):
            produce(forceFull: forceFull, reason: reason)
            if machine.state == .ready { handle([.sendOldestPending]) }
        case .heartbeatDue:
            handle(machine.handle(.heartbeatDue))
        }
    }

    // MARK: - Actions

    func handle(_ actions: [AgentSessionStateMachine.Action]) {
        for action in actions {
            perform(action)
            if outcome != nil { return }
        }
    }

    private func perform(_ action: AgentSessionStateMachine.Action) {
        switch action {
        case .connect:
            connectionGeneration += 1
            let generation = connectionGeneration
            let (endpoint, tls, group, continuation) = (try? identity.collector, tls, group, continuation)
            guard let endpoint else {
                outcome = .identityRejected("the collector address in the identity is not HOST:PORT; enroll again")
                return
            }
            Task {
                do {
                    let opened = try await CollectorConnection.open(to: endpoint, tls: tls, group: group)
                    continuation.yield(.opened(opened, generation: generation))
                } catch {
                    continuation.yield(.connectFailed(generation: generation, reason: "\(error)"))
                }
            }
        case .send(var message):
            // The state machine reads no clock; `hello` gets this machine's time as it leaves.
            if case .hello(var hello) = message {
                hello.time = Date()
                hello.trustedCAs = identity.trustedCAFingerprints
                message = .hello(hello)
            }
            connection?.send(message)
            armDeadline()
        case .sendOldestPending:
            guard let entry = spool.oldest() else {
                if options.once, machine.state == .ready { outcome = .delivered(acknowledged: acknowledgedThisRun) }
                return
            }
            guard let report = try? JSONCoder.decode(Report.self, from: entry.body) else {
                options.log("spooled report \(entry.sequence) cannot be read; it is dropped and a full report replaces it")
                spool.acknowledge(through: entry.sequence)
                continuation.yield(.collect(forceFull: true, reason: "an unreadable spooled report"))
                return
            }
            nextReport = (entry.sequence, report)
            handle(machine.handle(.reportPending(sequence: entry.sequence, id: report.id, hash: report.hash)))
        case .sendSpooled(let sequence):
            guard let next = nextReport, next.sequence == sequence else { return }
            nextReport = nil
            connection?.send(.report(next.report))
            armDeadline()
        case .discardSpooled(let sequence, let reason):
            options.log("report \(sequence) dropped: \(reason)")
            spool.acknowledge(through: sequence)
        case .acknowledge(let through, let base):
            spool.acknowledge(through: through)
            acknowledgedThisRun += 1
            state.acknowledgedSequence = through
            state.acknowledgedBase = base
            state.acknowledgedAt = Date()
            saveState()
        case .applyPolicy(let policy, let heartbeat, let interval):
            let (heartbeat, interval) = (max(5, heartbeat), max(60, interval))
            let changed = heartbeat != state.heartbeatSeconds || interval != state.reportIntervalSeconds
            state.policy = policy
            state.heartbeatSeconds = heartbeat
            state.reportIntervalSeconds = interval
            saveState()
            if changed { startTimers() }
        case .queueFullReport(let reason):
            options.log("a full report is due: \(reason)")
            spool.acknowledge(through: UInt64.max)
            LatestInventory.remove(stateDirectory: options.stateDirectory)
            produce(forceFull: true, reason: reason)
        case .resumeAfter(let sequence):
            options.log("the collector holds report \(sequence), newer than this agent's state (restored or lost); numbering continues above it")
            state.acknowledgedSequence = sequence
            state.nextSequence = max(state.nextSequence, sequence + 1)
            saveState()
        case .close:
            connection?.close()
            connection = nil
            connectionGeneration += 1
        case .scheduleReconnect(let seconds):
            connection = nil
            if options.once {
                outcome = .undelivered(lastFailure ?? "the collector could not be reached")
                return
            }
            options.log("reconnecting in \((seconds * 10).rounded() / 10) s")
            let continuation = continuation
            Task {
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                continuation.yield(.session(.reconnectTimerFired))
            }
        case .reportIdentityRejected(let message):
            state.identityRefused = message
            saveState()
            options.log("the collector does not accept this agent's identity (\(message)); enroll it again: "
                        + AgentIdentity.enrollCommand(collector: identity.record.collector, caFingerprint: identity.record.caFingerprint,
                                                      stateDirectory: options.stateDirectory))
            outcome = .identityRejected(message)
        case .prepareRenewal:
            if let tried = renewalTriedAt, Date().timeIntervalSince(tried) < 3600 { return handle([.sendOldestPending]) }
            renewalTriedAt = Date()
            do {
                let pending = try identity.prepareRenewal()
                pendingRenewal = pending
                options.log("the certificate is due for renewal: sending a signing request for a new key")
                handle(machine.handle(.renewalReady(csrPEM: pending.csrPEM)))
            } catch {
                options.log("warning: could not prepare the certificate's renewal: \(error)")
                handle([.sendOldestPending])
            }
        case .installCertificate(let renewed):
            guard let pending = pendingRenewal else { return }
            pendingRenewal = nil
            do {
                try adopt(try identity.renewed(renewed, pending: pending))
                options.log("certificate renewed; the new key is used from the next connection")
            } catch {
                // The old certificate stays valid and in use; renewal is tried again at a later welcome.
                options.log("warning: the renewed certificate was not installed: \(error)")
            }
        }
    }

    /// Stores a changed identity (crash-safe) and uses it from the next connection.
    func adopt(_ next: AgentIdentity) throws {
        try next.replace(stateDirectory: options.stateDirectory)
        tls = try Self.context(for: next)
        identity = next
    }

    /// A CA rollover: the next CA, announced in `welcome`, trusted beside the pinned one from now on.
    private func trust(nextCA pem: String) {
        do {
            guard let trusting = try identity.trusting(nextCA: pem) else { return }
            try adopt(trusting)
            options.log("the collector announced its next CA; trusted beside the current one")
        } catch {
            options.log("warning: the collector's next CA was not trusted: \(error)")
        }
    }

    // MARK: - Work

    static func context(for identity: AgentIdentity) throws -> NIOSSLContext {
        try NIOSSLContext(configuration: TransportTLS.clientConfiguration(
            caPEM: Array(identity.caPEM.utf8), certificatePEM: Array(identity.certificatePEM.utf8), privateKeyPEM: Array(identity.privateKeyPEM.utf8)))
    }

    /// The spooled report numbered `sequence`, when the collector says it stored that sequence and this
    /// agent does not know it was acknowledged.
    private func spooledReport(at sequence: UInt64?) -> AgentSessionStateMachine.SpooledReport? {
        guard let sequence, state.acknowledgedSequence.map({ sequence > $0 }) ?? true,
              let entry = spool.entry(at: sequence), let report = try? JSONCoder.decode(Report.self, from: entry.body) else { return nil }
        return .init(sequence: sequence, id: report.id, hash: report.hash)
    }

    private func produce(forceFull: Bool, reason: String) {
        let producer = ReportProducer(probe: InventoryProbe(options.probe), stateDirectory: options.stateDirectory, spool: spool)
        do {
            let produced = try producer.produce(state: &state, forceFull: forceFull)
            options.log("report \(produced.sequence) (\(produced.kind.rawValue), \(produced.faults) faults) spooled: \(reason)")
        } catch {
            // The disk is full or the state directory unwritable: what is spooled still goes; the
            // warning is repeated at every collection until it clears.
            options.log("warning: the report could not be spooled: \(error)")
        }
    }

    private func saveState() {
        do { try state.save(stateDirectory: options.stateDirectory) } catch { options.log("warning: session state not saved: \(error)") }
    }

    private func armDeadline() {
        deadlineGeneration += 1
        let generation = deadlineGeneration
        let (seconds, continuation) = (options.responseTimeoutSeconds, continuation)
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            continuation.yield(.responseDeadline(generation))
        }
    }

    /// (Re)starts the heartbeat and collection timers with the current intervals.
    private func startTimers() {
        for timer in timers { timer.cancel() }
        let continuation = continuation
        func every(_ seconds: Int, _ event: Event) -> Task<Void, Never> {
            Task {
                while (try? await Task.sleep(for: .seconds(seconds))) != nil {
                    if case .terminated = continuation.yield(event) { return }
                }
            }
        }
        timers = [every(state.heartbeatSeconds, .heartbeatDue),
                  every(state.reportIntervalSeconds, .collect(forceFull: false, reason: "interval"))]
    }

    /// Reports again soon after the installed packages change: the watched files are polled, and a
    /// change is acted on once they have been still for one poll (dpkg rewrites its status many times
    /// during one upgrade).
    private func watchPackages() {
        let root = options.probe.root
        let files = options.watchedFiles
        let (seconds, continuation) = (options.watchIntervalSeconds, continuation)
        watch = Task {
            func signature() -> [FileStatus?] { files.map(root.status) }
            var settled = signature()
            var pending: [FileStatus?]?
            while (try? await Task.sleep(for: .seconds(seconds))) != nil {
                let now = signature()
                if let candidate = pending, candidate == now {
                    pending = nil
                    settled = now
                    if case .terminated = continuation.yield(.collect(forceFull: false, reason: "installed packages changed")) { return }
                } else if now != settled {
                    pending = now
                }
            }
        }
    }
}
