#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Agent to collector: how a task ended. Spooled on the agent until the collector acknowledges it.
public struct TaskResult: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Done, or there was nothing to do (`changed` is false then, and `summary` says so).
        case succeeded
        /// The program ran and failed.
        case failed
        /// Killed at its time limit with its whole process group.
        case timedOut
        /// Not run: see `refusal`.
        case refused
        /// The agent stopped (power cut, crash, restart) while the task ran; whether it finished is
        /// not known. Running it again converges: every kind is idempotent.
        case interrupted
    }

    public var taskID: String
    public var status: Status
    public var refusal: TaskRefusal.Code?
    /// One line for people: "created user jdupont", "htop is already installed".
    public var summary: String
    /// Whether the machine was changed.
    public var changed: Bool
    public var exitCode: Int32?
    public var startedAt: Date?
    public var finishedAt: Date
    /// The last `outputTailLimit` characters of each stream of the programs the task ran.
    public var stdoutTail: String
    public var stderrTail: String

    public static let outputTailLimit = 10_000

    public init(taskID: String, status: Status, refusal: TaskRefusal.Code? = nil, summary: String, changed: Bool = false,
                exitCode: Int32? = nil, startedAt: Date? = nil, finishedAt: Date, stdoutTail: String = "", stderrTail: String = "") {
        self.taskID = taskID
        self.status = status
        self.refusal = refusal
        self.summary = summary
        self.changed = changed
        self.exitCode = exitCode
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.stdoutTail = stdoutTail
        self.stderrTail = stderrTail
    }

    public static func refused(_ taskID: String, _ refusal: TaskRefusal, at now: Date) -> TaskResult {
        TaskResult(taskID: taskID, status: .refused, refusal: refusal.code, summary: refusal.message, finishedAt: now)
    }

    /// The last `limit` characters of `text`.
    public static func tail(_ text: String, limit: Int = outputTailLimit) -> String {
        text.count <= limit ? text : String(text.suffix(limit))
    }
}

/// Collector to agent: the result is stored; the agent may forget it.
public struct TaskAck: Codable, Sendable, Equatable {
    public var taskID: String
    public init(taskID: String) { self.taskID = taskID }
}
