#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The minute clock (SLA sweeps, escalations, task expiry) among several collectors: every collector
/// ticks each minute, and the one whose claim of that minute commits first runs it; the others skip
/// it. No leader to elect or to lose: a collector that dies simply stops claiming, and the next minute
/// goes to another. A claim is a row (`clock_tick`), so each minute runs once even when collectors'
/// clocks disagree by seconds. A minute whose runner died half-way is not run again; the sweeps are
/// idempotent and the next minute catches up.
extension PostgresStore {
    /// Whether `collector` runs the minute that holds `time` (its claim is the first). Ticks older than
    /// a day are removed as new ones are taken.
    public func claimMinute(_ time: Date, collector: String) async throws -> Bool {
        let logger = self.logger
        return try await transaction { connection in
            let taken = try await connection.rows("""
                INSERT INTO clock_tick (minute, collector, taken_at) VALUES (date_trunc('minute', \(time)::timestamptz), \(collector), now())
                ON CONFLICT (minute) DO NOTHING RETURNING minute
                """, logger: logger)
            if !taken.isEmpty {
                try await connection.run("DELETE FROM clock_tick WHERE minute < \(time)::timestamptz - interval '1 day'", logger: logger)
            }
            return !taken.isEmpty
        }
    }

    /// Who ran each minute from `since` on, oldest first (for the operators and the tests).
    public func clockTicks(since: Date) async throws -> [(minute: Date, collector: String)] {
        try await rows("SELECT minute, collector FROM clock_tick WHERE minute >= \(since) ORDER BY minute").map {
            try $0.decode((Date, String).self)
        }.map { (minute: $0.0, collector: $0.1) }
    }
}
