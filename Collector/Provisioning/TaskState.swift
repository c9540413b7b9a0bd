public import DesksideTasks

/// A task's state on the collector. `queued` and `sent` are open; the rest are final.
public enum TaskState: String, Codable, Sendable, CaseIterable {
    case queued, sent, succeeded, failed, timedOut, refused, unknown, expired, cancelled

    public var isOpen: Bool { self == .queued || self == .sent }

    /// The collector's state for a result the agent reported: a refusal for expiry is `expired`,
    /// and an agent that stopped during the run (`interrupted`) leaves the outcome `unknown`.
    public init(_ result: TaskResult) {
        switch result.status {
        case .succeeded: self = .succeeded
        case .failed: self = .failed
        case .timedOut: self = .timedOut
        case .refused: self = result.refusal == .expired ? .expired : .refused
        case .interrupted: self = .unknown
        }
    }
}
