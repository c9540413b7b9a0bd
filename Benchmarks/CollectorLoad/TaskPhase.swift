import DesksideTasks
import Foundation
import FoundationNetworking
import NIOConcurrencyHelpers

/// The tasks phase of `scripts/bench collector`: how soon a queued task reaches its agent over the
/// live connection, how soon its result is stored and acknowledged, and how fast the collector
/// carries 1,000 onboarding runs of a 5-step template at once. The simulated agents check each
/// task's signature with the collector's key and answer with a result at once: what is measured is
/// the collector's side.
struct TaskPhase {
    let base: String
    let token: String
    let agents: [SimulatedAgent]
    let agentIDs: [String]
    let verifier: TaskVerifier
    let pid: Int32
    let session = URLSession(configuration: .ephemeral)

    struct Figures {
        var receipt: (Double, Double)
        var acknowledged: (Double, Double)
        var tasks: Int
        var runs: Int
        var steps: Int
        var stepsPerSecond: Double
        var collectorMicrosPerStep: Double
        var refused: Int
    }

    func measure(pushes: Int, rate: Double, runs: Int) async throws -> Figures {
        let assets = try await assetIDs()
        // Each agent answers every task it is pushed: the signature checked, a result at once.
        let sent = NIOLockedValueBox<[String: UInt64]>([:])
        let receipts = LatencyLog(), acks = LatencyLog()
        let received = NIOLockedValueBox<[String: UInt64]>([:])
        let refused = NIOLockedValueBox(0)
        let done = NIOLockedValueBox(0)
        let verifier = self.verifier
        for (index, agent) in agents.enumerated() {
            let id = agentIDs[index]
            agent.tasks.withLockedValue {
                $0 = .init(received: { task, agent in
                    let now = DispatchTime.now().uptimeNanoseconds
                    received.withLockedValue { $0[task.taskID] = now }
                    var result = TaskResult(taskID: task.taskID, status: .succeeded, summary: "done by the load generator", finishedAt: Date())
                    do throws(TaskRefusal) {
                        _ = try verifier.open(task, agentID: id, now: Date())
                    } catch {
                        refused.withLockedValue { $0 += 1 }
                        result = .refused(task.taskID, error, at: Date())
                    }
                    agent.send(.taskResult(result))
                }, acknowledged: { taskID in
                    let now = DispatchTime.now().uptimeNanoseconds
                    done.withLockedValue { $0 += 1 }
                    guard let start = sent.withLockedValue({ $0[taskID] }) else { return }
                    acks.add(Double(now - start) / 1e6)
                    if let got = received.withLockedValue({ $0[taskID] }) { receipts.add(Double(got - start) / 1e6) }
                })
            }
        }

        // Push latency: single tasks, paced, each to another agent, from the API call that queues it.
        let interval = 1 / rate
        let start = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<pushes {
                let due = start.addingTimeInterval(Double(index) * interval)
                if due.timeIntervalSinceNow > 0.001 { try await Task.sleep(for: .milliseconds(Int(due.timeIntervalSinceNow * 1000))) }
                let agent = agentIDs[(index * 7919) % agentIDs.count]
                guard let asset = assets[agent] else { continue }
                group.addTask {
                    let queuedAt = DispatchTime.now().uptimeNanoseconds
                    let answer = try await self.post("/api/v1/tasks", #"{"kind": "inventory.refresh", "assetIds": [\#(asset)]}"#)
                    guard let tasks = answer["tasks"] as? [[String: Any]], let uuid = tasks.first?["uuid"] as? String else { return }
                    sent.withLockedValue { $0[uuid] = queuedAt }
                }
            }
            try await group.waitForAll()
        }
        try await Task.sleep(for: .seconds(2))

        // Onboarding throughput: a 5-step template started for `runs` people on as many machines at once.
        _ = try await post("/api/v1/templates", """
            {"name": "bench-laptop", "steps": [
              {"kind": "account.create", "parameters": {"username": "{{account.username}}", "fullName": "{{account.name}}"}},
              {"kind": "packages.install", "parameters": {"packages": ["htop", "git"]}},
              {"kind": "updates.apply"},
              {"kind": "hostname.set", "parameters": {"hostname": "lap-{{asset.id}}"}},
              {"kind": "inventory.refresh"}]}
            """)
        let before = done.withLockedValue { $0 }
        let cpuBefore = CPUShare.cpuSeconds("/proc/\(pid)/stat")
        let began = Date()
        let targets = Array(agentIDs.compactMap { assets[$0] }.prefix(runs))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, asset) in targets.enumerated() {
                if index >= 8 { try await group.next() }
                group.addTask {
                    _ = try await self.post("/api/v1/onboardings", #"{"account": "bench\#(index)", "name": "Bench Person \#(index)", "template": "bench-laptop", "assetId": \#(asset)}"#)
                }
            }
            try await group.waitForAll()
        }
        let steps = targets.count * 5
        // Until every step is answered, or nothing moved for 30 s (a run that stopped is counted as it is).
        var last = (count: 0, at: Date())
        while done.withLockedValue({ $0 }) - before < steps, Date().timeIntervalSince(last.at) < 30 {
            try await Task.sleep(for: .milliseconds(50))
            let count = done.withLockedValue { $0 } - before
            if count != last.count { last = (count, Date()) }
        }
        let seconds = last.at.timeIntervalSince(began)
        let cpu = CPUShare.cpuSeconds("/proc/\(pid)/stat") - cpuBefore
        for agent in agents { agent.tasks.withLockedValue { $0 = nil } }
        return Figures(receipt: receipts.percentiles(), acknowledged: acks.percentiles(), tasks: pushes, runs: targets.count, steps: steps,
                       stepsPerSecond: Double(last.count) / seconds, collectorMicrosPerStep: cpu / Double(max(1, last.count)) * 1e6,
                       refused: refused.withLockedValue { $0 })
    }

    /// Agent id -> asset id, through the API.
    func assetIDs() async throws -> [String: Int] {
        var map: [String: Int] = [:]
        var offset = 0
        while true {
            let page = try await get("/api/v1/assets?limit=500&offset=\(offset)")
            let items = page["items"] as? [[String: Any]] ?? []
            for item in items { if let agent = item["agentID"] as? String, let id = item["id"] as? Int { map[agent] = id } }
            offset += items.count
            if items.isEmpty || offset >= (page["total"] as? Int ?? 0) { return map }
        }
    }

    func get(_ path: String) async throws -> [String: Any] { try await call("GET", path, nil) }
    func post(_ path: String, _ body: String) async throws -> [String: Any] { try await call("POST", path, body) }

    private func call(_ method: String, _ path: String, _ body: String?) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
        }
        let (data, response) = try await session.data(for: request)
        guard let status = (response as? HTTPURLResponse)?.statusCode, (200..<300).contains(status) else {
            throw TaskPhaseError("\(method) \(path): \(String(decoding: data, as: UTF8.self))")
        }
        return (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}

struct TaskPhaseError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
