/// A run: one template on one machine, as a small state machine. It reads no clock and touches no
/// store: given the run and what happened, it says what to do (queue a step's task, mark a step,
/// finish or stop the run). The service layer does it, in one transaction.
public struct RunProgress: Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        /// Waiting for its machine (an onboarding whose machine has not enrolled yet).
        case waiting
        case running
        /// Every step done (optional ones may have failed: see their states).
        case succeeded
        /// A required step failed after its retries; it can be retried from that step.
        case failed
        case cancelled
    }

    public enum StepState: String, Codable, Sendable {
        case pending, running, succeeded, failed, skipped
    }

    public struct Step: Sendable, Equatable {
        public var required: Bool
        public var retries: Int
        public var state: StepState
        public var attempts: Int

        public init(required: Bool, retries: Int, state: StepState = .pending, attempts: Int = 0) {
            self.required = required
            self.retries = retries
            self.state = state
            self.attempts = attempts
        }
    }

    public var state: State
    public var steps: [Step]

    public init(state: State, steps: [Step]) {
        self.state = state
        self.steps = steps
    }

    /// How a step's task ended, as far as the run is concerned.
    public enum Outcome: Sendable, Equatable {
        case succeeded
        /// Worth another attempt (failed, timed out, unknown, expired).
        case failed
        /// Refused by the agent: another attempt would be refused the same way.
        case refused
    }

    public enum Event: Sendable, Equatable {
        case start
        case stepFinished(index: Int, Outcome)
        /// Staff retry a failed run from its failed step.
        case retry
        case cancel
    }

    public enum Action: Sendable, Equatable {
        /// Queue step `index`'s task (attempt `attempt`, from 1).
        case queue(index: Int, attempt: Int)
        case stepDone(index: Int, StepState)
        case finished(State)
    }

    /// Whether the run has ended (succeeded, failed or cancelled): its queued task, if any, goes.
    public var isFinished: Bool { state != .waiting && state != .running }

    /// Steps whose checklist item is done, and by whom: a step that succeeded, and an optional one
    /// that failed (it does not hold the onboarding up, and the item says so).
    public var checklistTicks: [Int: String] {
        var ticks: [Int: String] = [:]
        for (index, step) in steps.enumerated() {
            if step.state == .succeeded { ticks[index] = "deskside" }
            if step.state == .skipped && !step.required { ticks[index] = "deskside (optional step failed)" }
        }
        return ticks
    }

    /// The step being worked on: the first that is not done.
    public var current: Int? { steps.firstIndex { $0.state == .pending || $0.state == .running } }

    /// Applies `event`; returns what to do, in order. Events that make no sense in the current
    /// state (a result for a step that is not running, a retry of a run that did not fail) change
    /// nothing and return nothing.
    public mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.waiting, .start):
            state = .running
            return next()
        case (.running, .stepFinished(let index, let outcome)):
            guard steps.indices.contains(index), steps[index].state == .running else { return [] }
            switch outcome {
            case .succeeded:
                steps[index].state = .succeeded
                return [.stepDone(index: index, .succeeded)] + next()
            case .failed where steps[index].attempts <= steps[index].retries:
                return queue(index)
            case .failed, .refused:
                steps[index].state = steps[index].required ? .failed : .skipped
                if steps[index].required {
                    state = .failed
                    return [.stepDone(index: index, .failed), .finished(.failed)]
                }
                return [.stepDone(index: index, .skipped)] + next()
            }
        case (.failed, .retry):
            guard let failed = steps.firstIndex(where: { $0.state == .failed }) else { return [] }
            state = .running
            steps[failed].state = .pending
            steps[failed].attempts = 0
            return next()
        case (.waiting, .cancel), (.running, .cancel), (.failed, .cancel):
            state = .cancelled
            for index in steps.indices where steps[index].state == .pending || steps[index].state == .running { steps[index].state = .skipped }
            return [.finished(.cancelled)]
        default:
            return []
        }
    }

    private mutating func next() -> [Action] {
        guard let index = current else {
            state = .succeeded
            return [.finished(.succeeded)]
        }
        return queue(index)
    }

    private mutating func queue(_ index: Int) -> [Action] {
        steps[index].state = .running
        steps[index].attempts += 1
        return [.queue(index: index, attempt: steps[index].attempts)]
    }
}
