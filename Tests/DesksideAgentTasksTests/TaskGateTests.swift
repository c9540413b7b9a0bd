import DesksideAgentTasks
import DesksideTasks
import DesksideTestSupport
import Foundation
import Testing

/// What an agent accepts (SECURITY-TESTS 29-32, 35), with its ledger on disk.
@Suite struct TaskGateTests {
    let signer = TaskSigner.generate().signer
    let now = Date()

    func signed(_ spec: TaskSpec = .inventoryRefresh, id: String = UUID().uuidString, agent: String = "agent-a", expires: TimeInterval = 3600) throws -> SignedTask {
        try signer.sign(TaskEnvelope(taskID: id, agentID: agent, spec: spec, issuedAt: now, expiresAt: now.addingTimeInterval(expires), nonce: UUID().uuidString))
    }

    func gate(allowed: Set<TaskKind> = TaskKind.allowedByDefault, key: String?? = nil) -> TaskGate {
        TaskGate(taskKey: key ?? signer.publicKey, agentID: "agent-a", settings: TaskSettings(allowed: allowed))
    }

    func refusal(_ decision: TaskGate.Decision) -> TaskRefusal.Code? {
        if case .answer(let result) = decision, result.status == .refused { return result.refusal }
        return nil
    }

    @Test func replayedTaskIsRefusedAlsoAfterARestart() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let task = try signed()
        var ledger = try TaskLedger(stateDirectory: directory)
        guard case .run(let envelope) = gate().decide(task, ledger: ledger, now: now) else { Issue.record("not run"); return }
        try ledger.begin(envelope, at: now)
        try ledger.finish(TaskResult(taskID: task.taskID, status: .succeeded, summary: "done", finishedAt: now))
        // Sent again before the result was acknowledged: the kept result is the answer; nothing runs.
        #expect(gate().decide(task, ledger: ledger, now: now) == .answer(ledger.result(task.taskID)!))
        ledger.acknowledge(task.taskID)
        // The agent restarts: the ledger on disk still knows the id.
        ledger = try TaskLedger(stateDirectory: directory)
        #expect(refusal(gate().decide(task, ledger: ledger, now: now)) == .replayed)
    }

    @Test func refusals() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ledger = try TaskLedger(stateDirectory: directory)
        #expect(refusal(gate().decide(try signed(agent: "agent-b"), ledger: ledger, now: now)) == .wrongAgent)
        #expect(refusal(gate().decide(try signed(expires: -1), ledger: ledger, now: now)) == .expired)
        #expect(refusal(gate(key: .some(nil)).decide(try signed(), ledger: ledger, now: now)) == .noTaskKey)
        #expect(refusal(gate().decide(try signed(.scriptRun(ScriptRun(name: "x", body: "#!/bin/sh\n"))), ledger: ledger, now: now)) == .notAllowed)
        #expect(refusal(gate(allowed: [.inventoryRefresh]).decide(try signed(.reboot(Reboot())), ledger: ledger, now: now)) == .notAllowed)
        var unsigned = try signed()
        unsigned.signature = Data(repeating: 0, count: 64).base64EncodedString()
        #expect(refusal(gate().decide(unsigned, ledger: ledger, now: now)) == .badSignature)
        if case .run = gate().decide(try signed(), ledger: ledger, now: now) {} else { Issue.record("a good task was not run") }
    }

    /// SECURITY-TESTS 35: a task running when the power went is reported as interrupted.
    @Test func interruptedTaskIsReportedAfterRestart() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let task = try signed(.packagesInstall(PackageList(packages: ["htop"])))
        guard case .run(let envelope) = gate().decide(task, ledger: try TaskLedger(stateDirectory: directory), now: now) else { return }
        try TaskLedger(stateDirectory: directory).begin(envelope, at: now)
        // The process dies here. At the next start:
        let ledger = try TaskLedger(stateDirectory: directory)
        let interrupted = try #require(try ledger.recoverInterrupted(at: now))
        #expect(interrupted.status == .interrupted)
        #expect(interrupted.summary.contains("packages.install"))
        #expect(ledger.pendingResults().map(\.taskID) == [task.taskID])
        #expect(try ledger.recoverInterrupted(at: now) == nil)
    }

    @Test func allowListOption() throws {
        #expect(try TaskSettings.allowList("default") == TaskKind.allowedByDefault)
        #expect(try TaskSettings.allowList("default,script.run,-reboot") == Set(TaskKind.allCases).subtracting([.reboot]))
        #expect(try TaskSettings.allowList("none,inventory.refresh") == [.inventoryRefresh])
        #expect(throws: TaskValidationError.self) { try TaskSettings.allowList("rm -rf") }
    }
}
