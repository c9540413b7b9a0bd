import DesksideDesk
import DesksideHelpdesk
import DesksideStoreSQLite
import DesksideTestSupport
import Foundation
import Synchronization
import Testing

/// Console sessions end when left unused, API sessions only at their absolute end; use keeps a
/// console session going; "sign out everywhere" ends them all (SECURITY-TESTS 55).
@Suite struct SessionTests {
    final class Clock: Sendable {
        private let seconds = Mutex(0.0)
        var now: Date { Date(timeIntervalSince1970: 1_800_000_000 + seconds.withLock { $0 }) }
        func advance(minutes: Double) { seconds.withLock { $0 += minutes * 60 } }
    }

    @Test func aConsoleSessionEndsWhenIdleAndUseKeepsItGoing() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = Clock()
        let desk = Desk(store: try CollectorStore(path: directory + "/deskside.sqlite"), passwordCost: 4, clock: { clock.now })
        _ = try await desk.createAccount(.system, .init(username: "tess", name: "Tess", role: .technician, tier: 1), password: "correct horse tess")
        let console = try await desk.login(username: "tess", password: "correct horse tess", console: true)
        let api = try await desk.login(username: "tess", password: "correct horse tess")

        clock.advance(minutes: 29)
        #expect(try await desk.consolePrincipal(secret: console.token)?.actor == "tess", "used after 29 minutes: still there, and its idle end moves")
        clock.advance(minutes: 29)
        #expect(try await desk.consolePrincipal(secret: console.token) != nil, "29 minutes after its last use")
        clock.advance(minutes: 31)
        #expect(try await desk.consolePrincipal(secret: console.token) == nil, "31 minutes unused: ended")
        #expect(try await desk.principal(secret: api.token) != nil, "an API session has no idle end")

        let again = try await desk.login(username: "tess", password: "correct horse tess", console: true)
        let tess = try #require(try await desk.principal(secret: again.token))
        #expect(try await desk.logoutEverywhere(tess) == 3, "the two live sessions and the idle one's row")
        #expect(try await desk.principal(secret: again.token) == nil)
        #expect(try await desk.principal(secret: api.token) == nil)
    }
}
