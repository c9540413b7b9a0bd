#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// When the collector stops waiting for the result of a task it sent. The agent kills a task at its
/// time limit and keeps the result until the collector acknowledges it, so a result that has not
/// come an hour after the limit means the machine is off or gone: the task becomes `unknown` (and its
/// run's step fails, which its retries or staff then handle). The agent still sends the result when
/// it comes back, and the task then takes it: the register says what really happened on the machine.
public enum TaskDeadline {
    /// Time after the task's own limit for the agent to come back with the result.
    public static let grace: TimeInterval = 3_600

    /// Whether a task sent at `sentAt`, with the agent's limit `timeoutSeconds`, is overdue at `now`.
    public static func isOverdue(sentAt: Date, timeoutSeconds: Int, now: Date) -> Bool {
        now.timeIntervalSince(sentAt) > Double(timeoutSeconds) + grace
    }

    /// The summary of a task that became `unknown` this way.
    public static let overdueSummary = "no result from the agent within the task's time limit and an hour's grace; "
        + "the result is recorded if the agent comes back with it"
}
