public import Foundation

/// When a failed delivery is tried again: after 1, 5, 15, 30 and 60 minutes (six attempts over
/// 1 h 51 min), then it is a dead letter that staff see and can send again. The same for mail and
/// webhooks.
public struct RetryPolicy: Sendable, Equatable {
    /// The wait after the first, second, ... failed attempt.
    public var delays: [TimeInterval]

    public static let standard = RetryPolicy(delays: [60, 300, 900, 1800, 3600])

    public init(delays: [TimeInterval]) {
        self.delays = delays
    }

    /// Every attempt a notification gets.
    public var maxAttempts: Int { delays.count + 1 }

    /// When to try again after `attempts` failed attempts (1 after the first), or nil: no more.
    public func nextAttempt(afterFailures attempts: Int, at now: Date) -> Date? {
        guard attempts >= 1, attempts <= delays.count else { return nil }
        return now.addingTimeInterval(delays[attempts - 1])
    }
}
