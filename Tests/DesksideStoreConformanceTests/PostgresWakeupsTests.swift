@testable import DesksideStorePostgres
import DesksideTestSupport
import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

/// LISTEN/NOTIFY wake-ups: delivered on commit only, ids only, and a listener that comes back after
/// the server restarts (vapor/postgres-nio#601: a LISTEN on a closed connection never returned),
/// announcing `.listening` so that what was missed meanwhile is re-read.
@Suite(.serialized) struct PostgresWakeupsTests {
    /// Collects a listener's events in the background.
    final class Heard: Sendable {
        final class Events: Sendable {
            let list = Mutex<[PostgresWakeups.Event]>([])
        }
        let events = Events()
        let task: Task<Void, Never>

        init(_ stream: AsyncStream<PostgresWakeups.Event>) {
            let events = self.events
            task = Task { for await event in stream { events.list.withLock { $0.append(event) } } }
        }

        var all: [PostgresWakeups.Event] { events.list.withLock { $0 } }

        /// Waits (up to 30 s) until `condition` holds for what was heard.
        func wait(_ what: String, until condition: ([PostgresWakeups.Event]) -> Bool) async throws {
            let deadline = Date().addingTimeInterval(30)
            while !condition(all) {
                guard Date() < deadline else { Issue.record("not heard in 30 s: \(what); heard \(all)"); return }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func aWakeUpArrivesOnCommitOnlyAndAPayloadStaysSmall() async throws {
        try await PostgresServer.withDatabase { store in
            let heard = Heard(try PostgresWakeups.events(store.location, channel: "deskside_tasks", logger: PostgresServer.logger))
            defer { heard.task.cancel() }
            try await heard.wait("subscribed") { $0 == [.listening] }

            try await store.wake("deskside_tasks", "agent-1")
            try await heard.wait("agent-1") { $0.contains(.wake("agent-1")) }
            // A wake-up in a transaction that rolls back is never sent.
            struct Abandon: Error {}
            await #expect(throws: Abandon.self) {
                try await store.transaction { connection in
                    try await connection.query("SELECT pg_notify('deskside_tasks', 'agent-2')", logger: PostgresServer.logger)
                    throw Abandon()
                }
            }
            try await store.wake("deskside_tasks", "agent-3")
            try await heard.wait("agent-3") { $0.contains(.wake("agent-3")) }
            #expect(heard.all == [.listening, .wake("agent-1"), .wake("agent-3")])

            await #expect(throws: PostgresWakeups.Refused.self) { try await store.wake("deskside_tasks", String(repeating: "x", count: 8_000)) }
            await #expect(throws: PostgresWakeups.Refused.self) { try await store.wake("Tasks; DROP TABLE x", "a") }
            #expect(throws: PostgresWakeups.Refused.self) { try PostgresWakeups.events(store.location, channel: "", logger: PostgresServer.logger) }
        }
    }

    /// The server restarts while wake-ups flow: the listener subscribes again and says so, and
    /// wake-ups sent after that arrive.
    @Test(.timeLimit(.minutes(2))) func theListenerComesBackAfterTheServerRestarts() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer {
            _ = try? PostgresServer.own("stop", directory + "/pg")
            try? FileManager.default.removeItem(atPath: directory)
        }
        let server = try PostgresServer.location(try PostgresServer.own("start", directory + "/pg"))
        try await PostgresServer.admin(server) { connection in try await connection.query("CREATE DATABASE wakeups", logger: PostgresServer.logger) }
        let database = server.database("wakeups")
        let store = try await PostgresStore.open(database, logger: PostgresServer.logger)
        let heard = Heard(try PostgresWakeups.events(database, channel: "deskside_tasks", logger: PostgresServer.logger))
        defer { heard.task.cancel() }
        try await heard.wait("subscribed") { $0 == [.listening] }

        // A sender wakes agent-N every 20 ms, through the restart (failures are expected while it is down).
        let sender = Task {
            var count = 0
            while !Task.isCancelled {
                count += 1
                try? await store.wake("deskside_tasks", "agent-\(count)")
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        defer { sender.cancel() }
        try await heard.wait("wake-ups before the restart") { $0.count > 5 }
        _ = try PostgresServer.own("stop", directory + "/pg")
        try await Task.sleep(for: .milliseconds(500))
        _ = try PostgresServer.own("start", directory + "/pg")

        try await heard.wait("subscribed again") { $0.filter { $0 == .listening }.count == 2 }
        let resubscribed = heard.all.lastIndex(of: .listening)!
        try await heard.wait("wake-ups after the restart") { $0.count > resubscribed + 5 }
        sender.cancel()
        await store.close()
    }
}
