import DesksideProtocol
import DesksideTransport
import Foundation
import NIOCore
import NIOSSL

/// The reconnection after a collector restart, as agents do it: each waits what the collector told
/// it at shutdown (between `retryAfterSeconds` and twice that, at random), or, told nothing, the
/// agent's own first backoff (up to 2 s), then connects and says hello, backing off exponentially with
/// jitter while connecting fails. Measures how long until every agent has its `welcome` again, how
/// many connection attempts failed, and the collector's busiest quarter-second.
struct ReconnectStorm {
    var seconds: Double
    var failedAttempts: Int
    var peakCollectorCores: Double
    var toldRetryAfter: Int?

    static func run(agents told: [Int?], identities: [NIOSSLContext], endpoint: Endpoint, group: any EventLoopGroup,
                    stoppedAt: Date, collector pid: @escaping @Sendable () -> Int32) async throws -> ReconnectStorm {
        let failures = SequenceCounter(agents: 1)
        let sampler = Task { () -> Double in
            var peak = 0.0
            var last = (CPUShare.cpuSeconds("/proc/\(pid())/stat"), Date())
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                let now = (CPUShare.cpuSeconds("/proc/\(pid())/stat"), Date())
                let elapsed = now.1.timeIntervalSince(last.1)
                if elapsed > 0, now.0 >= last.0 { peak = max(peak, (now.0 - last.0) / elapsed) }
                last = now
            }
            return peak
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for (index, retryAfter) in told.enumerated() {
                tasks.addTask {
                    let wait = retryAfter.map { Double($0) * (1 + Double.random(in: 0..<1)) } ?? Double.random(in: 0..<2)
                    let due = stoppedAt.addingTimeInterval(wait).timeIntervalSinceNow
                    if due > 0 { try await Task.sleep(for: .milliseconds(Int(due * 1000))) }
                    var attempt = 1
                    while true {
                        do {
                            let agent = try await SimulatedAgent.connect(to: endpoint, tls: identities[index], group: group)
                            guard case .welcome = try await agent.request(.hello(Hello(agentVersion: "bench"))) else { throw CancellationError() }
                            agent.close()
                            return
                        } catch {
                            _ = failures.next(0)
                            attempt += 1
                            try await Task.sleep(for: .milliseconds(Int(min(300, pow(2, Double(attempt))) * Double.random(in: 0..<1) * 1000)))
                        }
                    }
                }
            }
            try await tasks.waitForAll()
        }
        let seconds = Date().timeIntervalSince(stoppedAt)
        sampler.cancel()
        return ReconnectStorm(seconds: seconds, failedAttempts: Int(failures.current(0)), peakCollectorCores: await sampler.value,
                              toldRetryAfter: told.compactMap { $0 }.max())
    }
}
