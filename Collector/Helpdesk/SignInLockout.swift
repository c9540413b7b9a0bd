#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What one sign-in attempt does to an account's lockout, decided before the password is checked:
/// the failure count goes up first, and the attempt that reaches the limit locks the account, so
/// parallel guesses get at most `maxFailures` password checks between them (SECURITY-TESTS 40). A
/// success clears the count (the store does, with the session). Both engines store what this decides
/// under a lock on the account's row.
public enum SignInLockout {
    /// The account's lockout as stored.
    public struct State: Sendable, Equatable {
        public var failures: Int
        public var lockedUntil: Date?

        public init(failures: Int, lockedUntil: Date?) {
            self.failures = failures
            self.lockedUntil = lockedUntil
        }
    }

    public enum Decision: Sendable, Equatable {
        /// No password to check, or departed: refused like an unknown username.
        case refuse
        /// Locked: refused without a password check.
        case locked
        /// Check the password; store `State` first.
        case check(State)
    }

    public static func attempt(hasPassword: Bool, departed: Bool, _ state: State, now: Date, maxFailures: Int, lockSeconds: Int) -> Decision {
        guard hasPassword, !departed else { return .refuse }
        if let until = state.lockedUntil, until > now { return .locked }
        // A lock that ended counts as one failure: the next guesses start a new run, not a free one.
        let failures = state.lockedUntil == nil ? state.failures + 1 : 1
        return .check(State(failures: failures, lockedUntil: failures >= maxFailures ? now.addingTimeInterval(Double(lockSeconds)) : nil))
    }
}
