import Crypto
import DesksideAuthority
import DesksideCollectorHome
import DesksideInventory
import DesksideProtocol
import DesksideSession
import DesksideStoreSQLite
import DesksideTasks
import DesksideTransport
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import X509

/// `deskside-loadgen`: drives a real `deskside-collector serve` with simulated agents over loopback
/// TLS and prints the collector benchmark's table (scripts/bench collector).
///
/// Usage: deskside-loadgen COLLECTOR_BINARY FIXTURES_DIR [--agents N] [--seconds S] [--packages P] [--durability full|normal]
/// (`deskside-loadgen flood BASE CLIENTS SECONDS` is the sign-in flood's child process, see SignInFlood.)
@main
struct LoadGenerator {
    static func main() async throws {
        signal(SIGPIPE, SIG_IGN)
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "flood", arguments.count == 4, let clients = Int(arguments[2]), let seconds = Int(arguments[3]) {
            await SignInFlood.run(base: arguments[1], clients: clients, seconds: seconds)
            return
        }
        func option(_ name: String, _ fallback: Int) -> Int {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
            arguments.removeSubrange(index...index + 1)
            return value
        }
        let agents = option("--agents", 1000)
        let seconds = option("--seconds", 10)
        let packages = option("--packages", 2000)
        var durability = "full"
        if let index = arguments.firstIndex(of: "--durability"), index + 1 < arguments.count {
            durability = arguments[index + 1]
            arguments.removeSubrange(index...index + 1)
        }
        let notifications = option("--notifications", 0), smtpPort = option("--smtp-port", 0)
        var webhookURL = ""
        if let index = arguments.firstIndex(of: "--webhook"), index + 1 < arguments.count {
            webhookURL = arguments[index + 1]
            arguments.removeSubrange(index...index + 1)
        }
        guard arguments.count == 2, ["full", "normal"].contains(durability) else {
            FileHandle.standardError.write(Data("usage: deskside-loadgen COLLECTOR FIXTURES [--agents N] [--seconds S] [--packages P] [--durability full|normal] [--notifications N --smtp-port P --webhook URL]\n".utf8))
            exit(64)
        }
        let run = try await Run(collector: arguments[0], fixtures: arguments[1], agents: agents, seconds: seconds, packages: packages, durability: durability)
        if notifications > 0 {
            try await run.measureNotifications(count: notifications, smtpPort: smtpPort, webhookURL: webhookURL)
        } else {
            try await run.measure()
        }
    }
}

final class Run: @unchecked Sendable {
    let collectorPath: String
    let agents: Int
    let seconds: Int
    let fleet: Fleet
    let data: String
    let durability: String
    let group = MultiThreadedEventLoopGroup.singleton
    var identities: [(id: String, tls: NIOSSLContext)] = []

    init(collector: String, fixtures: String, agents: Int, seconds: Int, packages: Int, durability: String) async throws {
        collectorPath = collector
        self.durability = durability
        self.agents = agents
        self.seconds = seconds
        fleet = Fleet(fixtures: fixtures, packages: packages)
        data = NSTemporaryDirectory() + "deskside-bench-" + UUID().uuidString.prefix(8)
    }

    /// Enrolls the simulated agents through the store, as enrollment does (the enrollment path itself
    /// is rate limited per address and is not what this measures).
    func enroll() throws {
        let home = try CollectorHome.open(directory: data)
        let token = try home.store.createEnrollmentToken(name: "bench", reusable: true, expiresAt: nil, now: Date())
        let caPEM = Array(try home.authority.certificatePEM().utf8)
        for _ in 0..<agents {
            let key = P256.Signing.PrivateKey()
            let request = try CertificateSigningRequest(version: .v1, subject: try DistinguishedName { CommonName("bench") },
                                                        privateKey: Certificate.PrivateKey(key), attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256)
            let id = UUID().uuidString.lowercased()
            let certificate = try home.authority.signAgentRequest(request, agentID: id)
            _ = try home.store.enrollAgent(tokenSecret: token.secret, uuid: id, certificateFingerprint: CertificateAuthority.fingerprint(of: certificate), now: Date())
            let tls = try NIOSSLContext(configuration: TransportTLS.clientConfiguration(
                caPEM: caPEM, certificatePEM: Array(try certificate.serializeAsPEM().pemString.utf8),
                privateKeyPEM: Array(try Certificate.PrivateKey(key).serializeAsPEM().pemString.utf8)))
            identities.append((id, tls))
        }
    }

    /// The collector started on the benchmark's config (with `extra` settings), the agents connected,
    /// each agent's full report stored, and the deltas each agent then sends.
    struct Fleetwide {
        var collector: Process
        let endpoint: Endpoint
        let httpBase: String
        let config: String
        let connected: [SimulatedAgent]
        let machines: [Inventory]
        let full: CPUShare
        let idleRSS: Int
        let connectedRSS: Int
        let delta: @Sendable (Int) -> WireMessage
    }

    func start(extra: String = "") async throws -> Fleetwide {
        try enroll()
        let config = data + "-config.json"
        // Every simulated agent connects from 127.0.0.1: the per-address cap on connections still in
        // their handshake is lifted, as an office's NAT address would need.
        try #"{"maxConnections": \#(agents + 1000), "maxPendingPerAddress": \#(agents + 1000), "reportsPerMinute": 10000, "idleTimeoutSeconds": 3600, "heartbeatSeconds": 600, "durability": "\#(durability)"\#(extra)}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        let (collector, endpoint, httpBase) = try startCollector(config: config, agentListen: "127.0.0.1:0")
        try await Task.sleep(for: .seconds(1))
        let idleRSS = Self.rss(collector.processIdentifier)
        progress("connecting")
        // Connected agents, each past hello and welcome.
        // In the order of `identities`: the tasks phase needs each connection's agent id.
        var connected: [SimulatedAgent] = []
        for batch in stride(from: 0, to: agents, by: 100) {
            try await withThrowingTaskGroup(of: (Int, SimulatedAgent).self) { group in
                for index in batch..<min(agents, batch + 100) {
                    group.addTask { [identities, group = self.group] in
                        let agent = try await SimulatedAgent.connect(to: endpoint, tls: identities[index].tls, group: group)
                        _ = try await agent.request(.hello(Hello(agentVersion: "bench")))
                        return (index, agent)
                    }
                }
                var batchAgents: [(Int, SimulatedAgent)] = []
                for try await agent in group { batchAgents.append(agent) }
                connected += batchAgents.sorted { $0.0 < $1.0 }.map(\.1)
            }
        }
        try await Task.sleep(for: .seconds(1))
        let connectedRSS = Self.rss(collector.processIdentifier)

        // Full reports: every agent sends its first, all at once. The frames are encoded before the
        // clock starts, so that the generator's share of the two cores goes to sending them.
        progress("encoding the full reports (the load generator's own work)")
        let machines = (0..<agents).map(fleet.machine)
        let fullFrames = machines.enumerated().map { index, machine in
            WireMessage.report(ReportBuilder.report(id: "full-\(index)", sequence: 1, inventory: machine, faults: [], base: nil)).frame().encoded()
        }
        let pid = collector.processIdentifier
        progress("full reports")
        let full = try await CPUShare.measure(collector: pid) {
            let start = Date()
            try await forEachAgent(connected) { index, agent in
                guard case .ack = try await agent.request(frame: fullFrames[index]) else { throw CocoaError(.featureUnsupported) }
            }
            return Double(agents) / Date().timeIntervalSince(start)
        }

        // Deltas of 20 changed packages, alternating between two states per agent.
        let changed = machines.enumerated().map { Fleet.changed($0.element, count: 20, round: $0.offset) }
        let forward = zip(machines, changed).map { InventoryDelta(from: $0, to: $1) }
        let backward = zip(changed, machines).map { InventoryDelta(from: $0, to: $1) }
        let sequences = SequenceCounter(agents: agents)
        @Sendable func delta(_ index: Int) -> WireMessage {
            let sequence = sequences.next(index)
            let delta = sequence % 2 == 0 ? forward[index] : backward[index]
            return .report(Report(id: "d-\(index)-\(sequence)", sequence: sequence, kind: .delta, base: delta.base, hash: delta.target,
                                  collectedAt: Date(), delta: delta, faults: []))
        }
        return Fleetwide(collector: collector, endpoint: endpoint, httpBase: httpBase, config: config, connected: connected, machines: machines,
                         full: full, idleRSS: idleRSS, connectedRSS: connectedRSS, delta: delta)
    }

    func measure() async throws {
        var fleet = try await start()
        defer { if fleet.collector.isRunning { fleet.collector.terminate() } }
        let (endpoint, httpBase, config, connected, machines, full, idleRSS, connectedRSS, delta) =
            (fleet.endpoint, fleet.httpBase, fleet.config, fleet.connected, fleet.machines, fleet.full, fleet.idleRSS, fleet.connectedRSS, fleet.delta)
        let pid = fleet.collector.processIdentifier
        progress("deltas (saturated)")
        let deltas = try await CPUShare.measure(collector: pid) { try await saturate(connected) { index in delta(index) } }
        progress("heartbeats (saturated)")
        let pings = try await CPUShare.measure(collector: pid) { try await saturate(connected) { _ in .ping(Ping()) } }
        progress("deltas (paced)")
        let deltaLatency = try await paced(connected, rate: deltas.rate / 2) { index in delta(index) }
        progress("heartbeats (paced)")
        let pingLatency = try await paced(connected, rate: pings.rate / 2) { _ in .ping(Ping()) }
        // The same deltas while 50 clients hammer the sign-in route with wrong passwords.
        progress("deltas under the sign-in flood")
        let flood = try SignInFlood(base: httpBase, clients: 50, seconds: seconds + 2)
        try await Task.sleep(for: .seconds(1))
        var floodedLatency = (0.0, 0.0)
        let flooded = try await CPUShare.measure(collector: pid) {
            floodedLatency = try await paced(connected, rate: deltas.rate / 2) { index in delta(index) }
            return deltas.rate / 2
        }
        let (signIns, floodCPU) = flood.finish()
        // The control: the same flood against another collector on this machine, so that the machine
        // is as busy as above but the collector measured handles no sign-in. What the flood costs the
        // agents through the measured collector is the difference between the two.
        progress("deltas while the flood hits another collector (control)")
        let (control, _, controlBase) = try startCollector(config: config, agentListen: "127.0.0.1:0", data: data + "-control")
        defer { if control.isRunning { control.terminate() } }
        let controlFlood = try SignInFlood(base: controlBase, clients: 50, seconds: seconds + 2)
        try await Task.sleep(for: .seconds(1))
        let controlLatency = try await paced(connected, rate: deltas.rate / 2) { index in delta(index) }
        _ = controlFlood.finish()
        control.terminate()

        // Fault to ticket under the delta load: the same deltas at half peak, each agent's reports in
        // this phase alternately carrying its disk fault and not, so every other report makes the fault
        // appear (a ticket opens, or reopens) and the ones between clear it (resolved), all in the
        // transaction the report is acknowledged after. The latency of the reports on which the fault
        // appears is the time from the fault's report to its ticket being committed.
        let disk = Fault(code: "disk.space.low", severity: .warning, subject: "/", summary: "/ has 1.2 GiB free (3.9%)",
                         facts: ["freePercent": .double(3.9), "thresholdPercent": .double(10)])
        let faultLatency = LatencyLog()
        let rounds = SequenceCounter(agents: agents)
        let carries = BusySet(count: agents)
        progress("fault to ticket")
        _ = try await paced(connected, rate: deltas.rate / 2, record: { index, milliseconds in
            if carries.isBusy(index) { faultLatency.add(milliseconds) }
        }) { index in
            guard case .report(var report) = delta(index) else { return .ping(Ping()) }
            carries.set(index, rounds.next(index) % 2 == 0)
            if carries.isBusy(index) { report.faults = [disk] }
            return .report(report)
        }
        let faultToTicket = faultLatency.percentiles()

        // Tasks: pushes to idle connected agents, then 1,000 onboarding runs at once.
        progress("tasks and onboarding runs")
        let token = try String(contentsOfFile: data + "/secrets/admin-token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let key = try String(contentsOfFile: data + "/tasks/signing-key", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let signer = try TaskSigner(rawRepresentation: Data(base64Encoded: key) ?? Data())
        let tasks = try await TaskPhase(base: httpBase, token: token, agents: connected, agentIDs: identities.map(\.id),
                                        verifier: try TaskVerifier(publicKey: signer.publicKey), pid: pid)
            .measure(pushes: min(agents, 500), rate: 50, runs: min(agents, 1000))

        // A restart: SIGTERM (the collector tells each agent when to come back), a new collector on
        // the same port, and the agents returning as the agent does.
        progress("restart")
        let stoppedAt = Date()
        fleet.collector.terminate()
        fleet.collector.waitUntilExit()
        for _ in 0..<200 where connected.contains(where: { $0.channel.isActive }) { try await Task.sleep(for: .milliseconds(10)) }
        let told = connected.map(\.toldRetryAfter)
        fleet.collector = try startCollector(config: config, agentListen: "\(endpoint)").0
        let restarted = fleet.collector
        let storm = try await ReconnectStorm.run(agents: told, identities: identities.map(\.tls), endpoint: endpoint, group: group,
                                                 stoppedAt: stoppedAt, collector: { restarted.processIdentifier })
        fleet.collector.terminate()
        fleet.collector.waitUntilExit()
        let databaseBytes = ["", "-wal", "-shm"].reduce(0) { total, suffix in
            total + ((try? FileManager.default.attributesOfItem(atPath: data + "/deskside.sqlite" + suffix)[.size] as? Int) ?? 0)
        }
        var diskTickets = CollectorStore.TicketQuery()
        diskTickets.faultCode = "disk.space.low"
        let inQueue = (try? CollectorHome.open(directory: data).store.tickets(matching: diskTickets).total) ?? 0
        diskTickets.includeStormMembers = true
        let tickets = (try? CollectorHome.open(directory: data).store.tickets(matching: diskTickets).total) ?? 0
        try? FileManager.default.removeItem(atPath: data)
        try? FileManager.default.removeItem(atPath: config)

        let packageCount = machines.map(\.software.packages.count).reduce(0, +) / max(1, agents)
        print("Collector benchmark: \(agents) simulated agents (\(packageCount) packages each, \(Fleet.images.count) base images), real TLS over loopback,")
        print("durability \(durability) (synchronous=\(durability == "full" ? "FULL" : "NORMAL") on the writer);")
        print("the collector and this load generator share the machine's \(ProcessInfo.processInfo.activeProcessorCount) cores. Phases of \(seconds) s.\n")
        let table: [(String, String, String)] = [
            ("full reports/s", String(format: "%.0f", full.rate), "200"),
            ("deltas/s (20 package changes)", String(format: "%.0f", deltas.rate), "5,000"),
            ("heartbeats/s", String(format: "%.0f", pings.rate), "20,000"),
            ("delta send->ack p50 / p99 at half peak", String(format: "%.1f / %.1f ms", deltaLatency.0, deltaLatency.1), "p99 < 100 ms"),
            ("heartbeat send->ack p50 / p99 at half peak", String(format: "%.1f / %.1f ms", pingLatency.0, pingLatency.1), "p99 < 100 ms"),
            ("delta p50 / p99, 50 clients flooding /login", String(format: "%.1f / %.1f ms", floodedLatency.0, floodedLatency.1), "as without"),
            ("  their answers: 401 / 429 / other", "\(signIns[401, default: 0]) / \(signIns[429, default: 0]) / \(signIns.filter { $0.key != 401 && $0.key != 429 }.values.reduce(0, +))", ""),
            ("  the flooding clients' CPU (nice 19)", String(format: "%.2f cores", floodCPU / Double(seconds + 2)), ""),
            ("  control: the flood on another collector", String(format: "%.1f / %.1f ms", controlLatency.0, controlLatency.1), ""),
            ("fault -> ticket p50 / p99 under delta load", String(format: "%.1f / %.1f ms", faultToTicket.0, faultToTicket.1), "p99 < 50 ms"),
            ("collector RSS per connected agent", String(format: "%.0f KB", Double(connectedRSS - idleRSS) / Double(agents) / 1024), "< 100 KB (10,000 in 1 GB)"),
            ("collector RSS idle / with agents", String(format: "%.0f MB / %.0f MB", Double(idleRSS) / 1048576, Double(connectedRSS) / 1048576), ""),
            ("database bytes per asset", String(format: "%.1f KB", Double(databaseBytes) / Double(agents) / 1024), "< 50 KB"),
            ("task push, queued -> agent p50 / p99", String(format: "%.1f / %.1f ms", tasks.receipt.0, tasks.receipt.1), "p99 < 50 ms"),
            ("task queued -> result acknowledged p50 / p99", String(format: "%.1f / %.1f ms", tasks.acknowledged.0, tasks.acknowledged.1), ""),
            ("onboarding runs (5 steps) at once: steps/s", String(format: "%.0f (%d runs)", tasks.stepsPerSecond, tasks.runs), ""),
            ("  tasks refused by the agents (must be 0)", "\(tasks.refused)", "0"),
            ("  collector CPU per step", String(format: "%.0f µs", tasks.collectorMicrosPerStep), ""),
            ("restart: all agents back (told \(storm.toldRetryAfter.map { "\($0)" } ?? "-") s)", String(format: "%.1f s", storm.seconds), "no storm"),
            ("restart: peak collector CPU, failed connects", String(format: "%.2f cores, %d", storm.peakCollectorCores, storm.failedAttempts), ""),
        ]
        print("metric".padding(toLength: 47, withPad: " ", startingAt: 0) + "measured".padding(toLength: 22, withPad: " ", startingAt: 0) + "target")
        for (name, value, target) in table {
            print(name.padding(toLength: 47, withPad: " ", startingAt: 0) + value.padding(toLength: 22, withPad: " ", startingAt: 0) + target)
        }
        print("\ndisk-fault tickets after the run: \(tickets), of which \(inQueue) in the queue and the rest filed under fault-storm summaries")
        print("\nwhere the cores went (collector / load generator), and the collector's CPU time per message:")
        for (name, share) in [("full reports", full), ("deltas", deltas), ("heartbeats", pings), ("deltas+login flood", flooded)] {
            print("  " + name.padding(toLength: 20, withPad: " ", startingAt: 0)
                  + String(format: "%.2f / %.2f cores   %.0f µs", share.collectorCores, share.generatorCores, share.collectorMicrosPerMessage))
        }
    }

    /// A phase starting, on standard error with the time since the run began: where a long run is.
    let began = Date()
    func progress(_ phase: String) {
        FileHandle.standardError.write(Data(String(format: "[%6.1f s] %@\n", Date().timeIntervalSince(began), phase).utf8))
    }

    /// Starts `deskside-collector serve` on the benchmark's data; returns it and its agent endpoint.
    func startCollector(config: String, agentListen: String, data: String? = nil) throws -> (Process, Endpoint, String) {
        let collector = Process()
        collector.executableURL = URL(fileURLWithPath: collectorPath)
        collector.arguments = ["serve", "--data", data ?? self.data, "--agent-listen", agentListen, "--http-listen", "127.0.0.1:0", "--config", config]
        let output = Pipe()
        collector.standardOutput = output
        collector.standardError = FileHandle.nullDevice
        try collector.run()
        var announced = ""
        // Both listeners announce themselves, in either order (they start concurrently).
        while !announced.contains("HTTP API:") || !announced.contains("agents (TLS):") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw CocoaError(.fileReadUnknown) }
            announced += String(decoding: chunk, as: UTF8.self)
        }
        func value(_ label: String) -> String {
            announced.components(separatedBy: "\n").first { $0.contains(label) }!.components(separatedBy: " ").last { !$0.isEmpty }!
        }
        return (collector, try Endpoint(parsing: value("agents (TLS):")), value("HTTP API:").replacingOccurrences(of: "/api/v1", with: ""))
    }

    /// Runs `body` for every agent concurrently.
    func forEachAgent(_ agents: [SimulatedAgent], _ body: @escaping @Sendable (Int, SimulatedAgent) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, agent) in agents.enumerated() { group.addTask { try await body(index, agent) } }
            try await group.waitForAll()
        }
    }

    /// Every agent sends back to back for the phase; returns answers per second.
    func saturate(_ agents: [SimulatedAgent], _ message: @escaping @Sendable (Int) -> WireMessage) async throws -> Double {
        let end = Date().addingTimeInterval(Double(seconds))
        let counter = SequenceCounter(agents: 1)
        let start = Date()
        try await forEachAgent(agents) { index, agent in
            while Date() < end {
                _ = try await agent.request(message(index))
                _ = counter.next(0)
            }
        }
        return Double(counter.current(0)) / Date().timeIntervalSince(start)
    }

    /// Sends at `rate` per second (open loop, round robin over free agents); returns p50 and p99 in ms.
    func paced(_ agents: [SimulatedAgent], rate: Double, record: (@Sendable (Int, Double) -> Void)? = nil,
               _ message: @escaping @Sendable (Int) -> WireMessage) async throws -> (Double, Double) {
        let latencies = LatencyLog()
        let interval = 1.0 / max(rate, 1)
        let start = Date()
        let total = Int(rate * Double(seconds))
        let busy = BusySet(count: agents.count)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            for sent in 0..<total {
                let due = start.addingTimeInterval(Double(sent) * interval)
                let wait = due.timeIntervalSinceNow
                if wait > 0.001 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
                var tries = 0
                while busy.isBusy(next) && tries < agents.count { next = (next + 1) % agents.count; tries += 1 }
                let index = next
                next = (next + 1) % agents.count
                busy.set(index, true)
                group.addTask {
                    let frame = message(index).frame().encoded()
                    let sentAt = DispatchTime.now()
                    _ = try await agents[index].request(frame: frame)
                    let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - sentAt.uptimeNanoseconds) / 1e6
                    latencies.add(milliseconds)
                    record?(index, milliseconds)
                    busy.set(index, false)
                }
            }
            try await group.waitForAll()
        }
        return latencies.percentiles()
    }

    static func rss(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.components(separatedBy: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return (Int(line.components(separatedBy: " ").filter { !$0.isEmpty }[1]) ?? 0) * 1024
    }
}

final class SequenceCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [UInt64]
    init(agents: Int) { values = Array(repeating: 1, count: agents) }
    func next(_ index: Int) -> UInt64 { lock.withLock { values[index] += 1; return values[index] } }
    func current(_ index: Int) -> UInt64 { lock.withLock { values[index] - 1 } }
}

final class BusySet: @unchecked Sendable {
    private let lock = NSLock()
    private var flags: [Bool]
    init(count: Int) { flags = Array(repeating: false, count: count) }
    func isBusy(_ index: Int) -> Bool { lock.withLock { flags[index] } }
    func set(_ index: Int, _ value: Bool) { lock.withLock { flags[index] = value } }
}

final class LatencyLog: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    func add(_ value: Double) { lock.withLock { values.append(value) } }
    func percentiles() -> (Double, Double) {
        let sorted = lock.withLock { values.sorted() }
        guard !sorted.isEmpty else { return (0, 0) }
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
    }
}
