import DesksideStorePostgres
import Foundation
import Testing

/// The minute clock among collectors: each minute runs on exactly one, whichever claims it first,
/// and when a collector dies the others take its minutes with nothing skipped.
@Suite struct PostgresClockTests {
    let start = Date(timeIntervalSince1970: 1_796_000_070)   // 00:30 past a minute: with up to 20 s either way, claims stay in it

    @Test func eachMinuteRunsOnceAndTheOthersTakeOverWhenOneDies() async throws {
        try await PostgresServer.withDatabase { first in
            // Three collectors: the test's database through three clients of their own, like three processes.
            let others = [try await PostgresStore.open(first.location, logger: PostgresServer.logger),
                          try await PostgresStore.open(first.location, logger: PostgresServer.logger)]
            let collectors = [("a", first), ("b", others[0]), ("c", others[1])]
            let start = self.start
            // 60 minutes; every collector ticks each one, a few seconds apart, all at once. "a" dies after minute 29.
            let won = try await withThrowingTaskGroup(of: [(Int, String)].self) { group in
                for (name, store) in collectors {
                    group.addTask {
                        var mine: [(Int, String)] = []
                        for minute in 0..<60 where name != "a" || minute < 30 {
                            let time = start.addingTimeInterval(Double(minute * 60) + Double.random(in: -20...20))
                            if try await store.claimMinute(time, collector: name) { mine.append((minute, name)) }
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [(Int, String)]()) { $0 += $1 }
            }
            let byMinute = Dictionary(grouping: won, by: \.0)
            #expect(byMinute.keys.sorted() == Array(0..<60), "every minute ran")
            #expect(byMinute.values.allSatisfy { $0.count == 1 }, "and each once: \(byMinute.filter { $0.value.count > 1 })")
            #expect(won.allSatisfy { $0.1 != "a" || $0.0 < 30 }, "none after a died")
            // The table says the same.
            let ticks = try await first.clockTicks(since: start.addingTimeInterval(-60))
            #expect(ticks.count == 60 && Set(ticks.map(\.minute)).count == 60)
            #expect(ticks.allSatisfy { Int($0.minute.timeIntervalSince1970) % 60 == 0 }, "a tick is a whole minute")
            for store in others { await store.close() }
        }
    }
}
