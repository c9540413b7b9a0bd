#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideAgentTasks
import DesksideProbes
import DesksideTasks
import Dispatch

/// Tasks in the agent's life with its collector: the task key pinned, tasks checked by the gate and
/// run one at a time off the runner's loop, results kept until acknowledged and sent.
extension AgentRunner {
    /// An agent enrolled before its collector had a task key pins the one `welcome` names (the
    /// session is mutual TLS with the pinned CA); a pinned key is never replaced this way.
    func pin(taskKey: String) {
        guard identity.record.taskKey == nil else {
            if identity.record.taskKey != taskKey { options.log("warning: the collector names a task key other than the pinned one; tasks signed with it are refused") }
            return
        }
        var pinned = identity
        pinned.record.taskKey = taskKey
        do {
            try adopt(pinned)
            options.log("pinned the collector's task key")
        } catch {
            options.log("warning: the task key was not pinned: \(error)")
        }
    }

    // MARK: - Tasks

    /// A task arrived: refused, answered with the result already kept, or run (one at a time, in
    /// the order they came).
    func receive(_ signed: SignedTask) {
        let gate = TaskGate(taskKey: identity.record.taskKey, agentID: identity.record.agentID, settings: options.tasks)
        switch gate.decide(signed, ledger: ledger, now: Date()) {
        case .answer(let result):
            if result.status == .refused {
                options.log("task \(signed.taskID) refused: \(result.refusal?.rawValue ?? "?"): \(result.summary)")
            }
            finish(result, startNext: false)
        case .run(let envelope):
            waitingTasks.append(envelope)
            startNextTask()
        }
    }

    func startNextTask() {
        guard runningTask == nil, !waitingTasks.isEmpty else { return }
        let envelope = waitingTasks.removeFirst()
        do {
            try ledger.begin(envelope, at: Date())
        } catch {
            // Not recorded as run, so not run: a task could otherwise run twice after a restart.
            options.log("warning: task \(envelope.taskID) not run: \(error)")
            return startNextTask()
        }
        runningTask = envelope.taskID
        options.log("task \(envelope.taskID) (\(envelope.spec.kind.rawValue)) started")
        let executor = TaskExecutor(settings: options.tasks, scratchDirectory: ledger.directory)
        if envelope.spec == .inventoryRefresh {
            // The agent's own work, on its own loop: a full report, sent at once.
            let result = executor.run(envelope) { () throws -> String in
                let produced = try ReportProducer(probe: InventoryProbe(options.probe), stateDirectory: options.stateDirectory, spool: spool)
                    .produce(state: &state, forceFull: true)
                if machine.state == .ready { handle([.sendOldestPending]) }
                return "full report \(produced.sequence) spooled with \(produced.faults) fault(s)"
            }
            return finish(result)
        }
        // The executor blocks for as long as the task runs (up to an hour): on a Dispatch thread, not
        // one of Swift's few cooperative threads, which the session's own work needs meanwhile.
        let continuation = continuation
        DispatchQueue.global(qos: .utility).async {
            continuation.yield(.taskFinished(executor.run(envelope) { "" }))
        }
    }

    /// Keeps the result until acknowledged, sends it, and starts the next task.
    func finish(_ result: TaskResult, startNext: Bool = true) {
        do { try ledger.finish(result) } catch { options.log("warning: the result of task \(result.taskID) was not kept on disk: \(error)") }
        if startNext, result.taskID == runningTask {
            runningTask = nil
            options.log("task \(result.taskID) \(result.status.rawValue): \(result.summary)")
        }
        if sessionOpen { connection?.send(.taskResult(result)) }
        if startNext { startNextTask() }
    }

    /// Past `welcome`: task results may be sent.
    var sessionOpen: Bool {
        switch machine.state {
        case .ready, .awaitingAck, .awaitingPong, .awaitingRenewal: true
        default: false
        }
    }
}
