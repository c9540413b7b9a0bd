#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideDesk
import DesksideHelpdesk
import NIOConcurrencyHelpers
import NIOPosix

/// What stands before `POST /login`: a token bucket per peer address and one for all addresses, and
/// a thread pool of its own for the password checks (bcrypt at cost 12 takes a core for a quarter of a
/// second), with a bound on how many may wait for it. A flood of sign-ins is answered `429` at once
/// and never takes the threads that commit agents' reports.
public final class SignInGate: Sendable {
    public struct Settings: Sendable {
        /// Attempts per address: a burst of this many, then one every `60 / perAddressPerMinute` s.
        public var perAddressPerMinute = 10
        /// Attempts from everyone together per second (and as a burst).
        public var overallPerSecond = 20
        /// Checks running or waiting for the password pool; more are refused.
        public var maxWaiting = 16
        /// Threads that check passwords.
        public var threads = 1

        public init() {}
    }

    public let settings: Settings
    let pool: NIOThreadPool
    private let limits: NIOLockedValueBox<(perAddress: RateLimiter, overall: RateLimiter, waiting: Int)>

    public init(settings: Settings = Settings()) {
        self.settings = settings
        pool = NIOThreadPool(numberOfThreads: settings.threads)
        pool.start()
        limits = NIOLockedValueBox((RateLimiter(capacity: Double(settings.perAddressPerMinute), refillPerSecond: Double(settings.perAddressPerMinute) / 60),
                                    RateLimiter(capacity: Double(settings.overallPerSecond), refillPerSecond: Double(settings.overallPerSecond)), 0))
    }

    /// Runs `signIn`, whose password checks go through `checkRunner` to the password pool; or throws
    /// `429` when the address or everyone is over the rate, or too many sign-ins are already waiting.
    public func run<T: Sendable>(from address: String, now: Date = Date(),
                                 _ signIn: (_ checkRunner: @escaping Desk.PasswordCheckRunner) async throws -> T) async throws -> T {
        try admit(from: address, now: now)
        defer { limits.withLockedValue { $0.waiting -= 1 } }
        let pool = self.pool
        return try await signIn { check in try await pool.runIfActive(check) }
    }

    /// Takes a token for `address` and one for everyone, and a waiting place; or throws `429`.
    func admit(from address: String, now: Date = Date()) throws {
        let admitted = limits.withLockedValue { state -> Bool in
            guard state.waiting < settings.maxWaiting, state.perAddress.allow(address, now: now), state.overall.allow("*", now: now) else { return false }
            state.waiting += 1
            return true
        }
        guard admitted else { throw APIError.tooManySignIns }
    }

    /// Whether `run` would refuse a sign-in from `address` now; takes nothing (``SignInRefusal``).
    func wouldRefuse(from address: String, now: Date = Date()) -> Bool {
        limits.withLockedValue { state in
            state.waiting >= settings.maxWaiting || !state.perAddress.wouldAllow(address, now: now) || !state.overall.wouldAllow("*", now: now)
        }
    }

    public func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
