#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideTasks

/// Whether a task that arrived may run: the checks of DESIGN.md's "Tasks", in order. Nothing here
/// runs anything.
public struct TaskGate: Sendable {
    public enum Decision: Sendable, Equatable {
        case run(TaskEnvelope)
        /// Answer with this result: a refusal, or the result of a task already run whose
        /// acknowledgement the collector lost (it sent the task again).
        case answer(TaskResult)
    }

    /// The pinned task key; `nil` when the agent has none (enrolled with an older collector).
    public var taskKey: String?
    public var agentID: String
    public var settings: TaskSettings

    public init(taskKey: String?, agentID: String, settings: TaskSettings) {
        self.taskKey = taskKey
        self.agentID = agentID
        self.settings = settings
    }

    public func decide(_ signed: SignedTask, ledger: TaskLedger, now: Date) -> Decision {
        func refuse(_ refusal: TaskRefusal) -> Decision { .answer(.refused(signed.taskID, refusal, at: now)) }
        if let kept = ledger.result(signed.taskID) { return .answer(kept) }
        if ledger.hasRun(signed.taskID) {
            return refuse(TaskRefusal(.replayed, "task \(signed.taskID) was run here already; a task runs once"))
        }
        guard let taskKey else {
            return refuse(TaskRefusal(.noTaskKey, "this agent has no pinned task key; it runs no task until it has one (enroll it again)"))
        }
        let envelope: TaskEnvelope
        do {
            envelope = try TaskVerifier(publicKey: taskKey).open(signed, agentID: agentID, now: now)
        } catch {
            return refuse(error)
        }
        guard TaskLedger.isSafeID(envelope.taskID) else { return refuse(TaskRefusal(.malformed, "the task id is not letters, digits and '-'")) }
        guard settings.allowed.contains(envelope.spec.kind) else {
            return refuse(TaskRefusal(.notAllowed, "\(envelope.spec.kind.rawValue) is not in this agent's allow-list (--tasks \(settings.allowed.sorted().map(\.rawValue).joined(separator: ",")))"))
        }
        return .run(envelope)
    }
}
