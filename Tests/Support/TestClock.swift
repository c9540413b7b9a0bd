import Foundation
import Synchronization

/// A clock a test moves by hand, for a `Desk` built with `clock: { clock.now }`.
public final class TestClock: Sendable {
    public let start: Date
    private let date: Mutex<Date>

    public init(_ start: Date) {
        self.start = start
        date = Mutex(start)
    }

    public var now: Date { date.withLock { $0 } }

    /// `seconds` after the start.
    public func at(_ seconds: Double) { date.withLock { $0 = start.addingTimeInterval(seconds) } }
}
