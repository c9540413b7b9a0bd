import DesksideAPI
import DesksideStore
import DesksideStorePostgres
import DesksideTestSupport
import Foundation
import Synchronization
import Testing

/// The PostgreSQL server restarts while collectors write: the store's pool reconnects on its own,
/// and every write it acknowledged is there afterwards. On a server of the test's own
/// (scripts/postgres in a directory of its own), so that the other tests' server stays up.
/// Before `PostgresConnection.rows` wrote its statements on the event loop, writers caught by the
/// restart waited for ever (postgres-nio answers no statement written after its handler left).
@Suite(.serialized) struct PostgresRestartTests {
    @Test(.timeLimit(.minutes(2))) func writesCarryOnAfterTheServerRestartsAndNoneAcknowledgedIsLost() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer {
            _ = try? PostgresServer.own("stop", directory + "/pg")
            try? FileManager.default.removeItem(atPath: directory)
        }
        let environment = try PostgresServer.own("start", directory + "/pg")
        let server = try PostgresServer.location(environment)
        try await PostgresServer.admin(server) { connection in try await connection.query("CREATE DATABASE restarts", logger: PostgresServer.logger) }
        let store = try await PostgresStore.open(server.database("restarts"), logger: PostgresServer.logger)
        let knowledge = PostgresKnowledge(store)

        // Four writers create articles until told to stop; each keeps the ids it was answered.
        let run = Run()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    var count = 0
                    while !run.stop.load(ordering: .relaxed) {
                        count += 1
                        do {
                            let article = try await knowledge.createArticle(ArticleFields(title: "writer \(writer) article \(count)", body: "b"),
                                                                            author: "t", now: Date())
                            run.acknowledged.withLock { $0.append(article.id) }
                            if run.restarted.load(ordering: .relaxed) { run.afterRestart.add(1, ordering: .relaxed) }
                        } catch {
                            run.failures.add(1, ordering: .relaxed)
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(500))
                _ = try PostgresServer.own("stop", directory + "/pg")
                try await Task.sleep(for: .milliseconds(500))
                _ = try PostgresServer.own("start", directory + "/pg")
                run.restarted.store(true, ordering: .relaxed)
                // Writes resume: wait for some (the pool backs off between reconnection attempts).
                let deadline = Date().addingTimeInterval(60)
                while run.afterRestart.load(ordering: .relaxed) < 20, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
                run.stop.store(true, ordering: .relaxed)
            }
            try await group.waitForAll()
        }
        let ids = Set(run.acknowledged.withLock { $0 })
        #expect(run.afterRestart.load(ordering: .relaxed) >= 20, "writes resumed after the restart (\(run.failures.load(ordering: .relaxed)) failed meanwhile)")
        // Every acknowledged article is stored. A commit the server made as it went down may not have
        // been answered: at most one such article per writer, stored and not acknowledged.
        let stored = Set(try await knowledge.articles(text: "writer", faultCode: nil, limit: 100_000, offset: 0).items.map(\.id))
        #expect(ids.isSubset(of: stored), "acknowledged and missing: \(ids.subtracting(stored).sorted())")
        #expect(stored.count - ids.count <= 4)
        await store.close()
    }

    /// What the writers and the restarter share.
    final class Run: Sendable {
        let acknowledged = Mutex<[Int64]>([])
        let failures = Atomic<Int>(0)
        let afterRestart = Atomic<Int>(0)
        let restarted = Atomic<Bool>(false)
        let stop = Atomic<Bool>(false)
    }
}
