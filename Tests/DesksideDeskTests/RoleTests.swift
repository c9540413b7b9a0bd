import DesksideJSON
import DesksideDesk
import DesksideHelpdesk
import DesksideInventory
import DesksideProbes
@testable import DesksideStoreSQLite
import DesksideTestSupport
import Foundation
import Testing

/// What each role may not do, tried and refused at the service layer every route goes through
/// (SECURITY-TESTS 38 to 40), on a real SQLite file.
@Suite struct RoleTests {
    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    /// A desk with one account per role, two requesters each owning one asset, and a ticket each.
    struct World {
        let directory: String
        let store: CollectorStore
        let desk: Desk
        var admin, technician, auditor, alice, bob: Principal
        var aliceAsset, bobAsset: Int64
        var aliceTicket, bobTicket: Int64

        init() async throws {
            directory = try Fixtures.temporaryDirectory()
            store = try CollectorStore(path: directory + "/deskside.sqlite")
            let desk = Desk(store: store, passwordCost: 4, clock: { RoleTests.time })
            self.desk = desk
            let root = Principal.system
            func account(_ username: String, _ role: Role, tier: Int? = nil) async throws -> Principal {
                let account = try await desk.createAccount(root, .init(username: username, name: username.capitalized, role: role, tier: tier),
                                                     password: "correct horse \(username)")
                return Principal(role: role, accountID: account.id, tier: tier, actor: username)
            }
            admin = try await account("root", .admin)
            technician = try await account("tess", .technician, tier: 1)
            auditor = try await account("audrey", .auditor)
            alice = try await account("alice", .requester)
            bob = try await account("bob", .requester)
            let collected = InventoryProbe(.init(root: SystemRoot(Fixtures.system("laptop")), now: { RoleTests.time })).collect()
            let inventory = try JSONCoder.decode(Inventory.self, from: JSONCoder.encode(collected))
            var assets: [Int64] = []
            for (index, owner) in [alice, bob].enumerated() {
                try store.registerAgent(uuid: "agent-\(index)", certificateFingerprint: "SHA256:\(index)", at: RoleTests.time)
                guard case .stored(let asset, _) = try store.record(agentUUID: "agent-\(index)", reportID: "r", sequence: 1, kind: .full,
                                                                     inventory: inventory.machine(index), faults: [], receivedAt: RoleTests.time) else {
                    throw CancellationError()
                }
                _ = try desk.assignAsset(.system, id: asset, to: owner.accountID, note: "")
                assets.append(asset)
            }
            (aliceAsset, bobAsset) = (assets[0], assets[1])
            aliceTicket = try desk.createTicket(alice, .init(title: "Printer jams", description: "", assetIds: [aliceAsset])).id
            bobTicket = try desk.createTicket(bob, .init(title: "VPN drops", description: "")).id
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// 38: a requester guessing ids sees nothing of another person's tickets or assets, and cannot act on them.
    @Test func requestersSeeAndTouchOnlyTheirOwn() async throws {
        let world = try await World()
        defer { world.remove() }
        let desk = world.desk
        await #expect(throws: HelpdeskError.notFound) { try await desk.ticket(world.alice, id: world.bobTicket) }
        #expect(throws: HelpdeskError.notFound) { try desk.change(world.alice, ticketID: world.bobTicket, .comment(body: "mine now", internal: false)) }
        #expect(throws: HelpdeskError.notFound) { try desk.asset(world.alice, id: world.bobAsset) }
        await #expect(throws: HelpdeskError.notFound) { try await desk.ticket(world.alice, id: 999_999) }
        #expect(throws: (any Error).self) { try desk.createTicket(world.alice, .init(title: "x", description: "", assetIds: [world.bobAsset])) }
        #expect(try desk.tickets(world.alice, .init()).items.map(\.id) == [world.aliceTicket])
        var everyone = CollectorStore.TicketQuery()
        everyone.requesterId = world.bob.accountID
        #expect(try desk.tickets(world.alice, everyone).items.map(\.id) == [world.aliceTicket])
        #expect(try desk.assets(world.alice, .init()).items.map(\.id) == [world.aliceAsset])
        await #expect(throws: HelpdeskError.forbidden) { try await desk.accounts(world.alice, .init()) }
        await #expect(throws: HelpdeskError.notFound) { try await desk.account(world.alice, id: world.bob.accountID!) }
        // On their own ticket: no internal notes, no assigning, no resolving, no escalating.
        for change: TicketChange in [.comment(body: "psst", internal: true), .assign(accountID: world.technician.accountID),
                                     .resolve(notes: "done", articleIDs: []), .escalate(reason: "now"), .move(.inProgress)] {
            #expect(throws: HelpdeskError.forbidden) { try desk.change(world.alice, ticketID: world.aliceTicket, change) }
        }
        await #expect(throws: HelpdeskError.forbidden) { try await desk.createArticle(world.alice, .init(title: "t", body: "b")) }
        await #expect(throws: HelpdeskError.forbidden) { try await desk.cannedAnswers(world.alice) }
        await #expect(throws: HelpdeskError.forbidden) { try await desk.setFaultRule(world.alice, .defaultRule(for: "memory.low")) }
        // Internal notes stay out of a requester's timeline.
        _ = try desk.change(world.technician, ticketID: world.aliceTicket, .comment(body: "user is VIP", internal: true))
        #expect(try await desk.ticket(world.alice, id: world.aliceTicket).timeline.allSatisfy { !$0.internal })
        #expect(try await desk.ticket(world.auditor, id: world.aliceTicket).timeline.contains { $0.internal })
    }

    /// 39: an auditor reads everything and every write is forbidden.
    @Test func auditorsReadEverythingAndWriteNothing() async throws {
        let world = try await World()
        defer { world.remove() }
        let (desk, auditor) = (world.desk, world.auditor)
        #expect(try desk.tickets(auditor, .init()).total == 2)
        #expect(try desk.assets(auditor, .init()).total == 2)
        #expect(try await desk.accounts(auditor, .init()).total == 5)
        _ = try await desk.ticket(auditor, id: world.bobTicket)
        let writes: [(String, () async throws -> Void)] = [
            ("create ticket", { _ = try desk.createTicket(auditor, .init(title: "t", description: "")) }),
            ("comment", { _ = try desk.change(auditor, ticketID: world.aliceTicket, .comment(body: "c", internal: false)) }),
            ("note", { _ = try desk.change(auditor, ticketID: world.aliceTicket, .comment(body: "c", internal: true)) }),
            ("assign", { _ = try desk.change(auditor, ticketID: world.aliceTicket, .assign(accountID: auditor.accountID)) }),
            ("resolve", { _ = try desk.change(auditor, ticketID: world.aliceTicket, .resolve(notes: "n", articleIDs: [])) }),
            ("assign asset", { _ = try desk.assignAsset(auditor, id: world.aliceAsset, to: nil, note: "") }),
            ("create account", { _ = try await desk.createAccount(auditor, .init(username: "x", name: "X", role: .admin), password: nil) }),
            ("update account", { _ = try await desk.updateAccount(auditor, id: auditor.accountID!, .init(role: .admin)) }),
            ("set password", { try await desk.setPassword(auditor, accountID: world.alice.accountID!, password: "0123456789ab", currentPassword: nil) }),
            ("article", { _ = try await desk.createArticle(auditor, .init(title: "t", body: "b")) }),
            ("canned answer", { _ = try await desk.createCannedAnswer(auditor, title: "t", body: "b") }),
            ("fault rule", { try await desk.setFaultRule(auditor, .defaultRule(for: "memory.low")) }),
        ]
        for (name, write) in writes {
            await #expect(throws: HelpdeskError.forbidden, "\(name)") { try await write() }
        }
        #expect(try world.store.ticketEvents(id: world.aliceTicket, includeInternal: true).count == 1)
    }

    /// Technicians work tickets but do not manage accounts or rules, and do not rate.
    @Test func techniciansWorkTicketsButDoNotAdminister() async throws {
        let world = try await World()
        defer { world.remove() }
        let (desk, tech) = (world.desk, world.technician)
        _ = try desk.change(tech, ticketID: world.aliceTicket, .assign(accountID: tech.accountID))
        _ = try desk.change(tech, ticketID: world.aliceTicket, .resolve(notes: "cleared the jam", articleIDs: []))
        #expect(throws: HelpdeskError.forbidden) { try desk.change(tech, ticketID: world.aliceTicket, .rate(rating: 5, comment: "")) }
        await #expect(throws: HelpdeskError.forbidden) { try await desk.createAccount(tech, .init(username: "x", name: "X", role: .admin), password: nil) }
        await #expect(throws: HelpdeskError.forbidden) { try await desk.updateAccount(tech, id: tech.accountID!, .init(role: .admin)) }
        await #expect(throws: HelpdeskError.forbidden) { try await desk.setFaultRule(tech, .defaultRule(for: "memory.low")) }
        // The requester rates, which closes the ticket.
        let rated = try desk.change(world.alice, ticketID: world.aliceTicket, .rate(rating: 4, comment: "quick"))
        #expect(rated.status == .closed)
        #expect(rated.rating == 4)
    }

    /// 40: parallel password guesses get at most `maxFailedLogins` checks, then the account is locked
    /// even for the right password; logout and a role change end sessions.
    @Test func parallelGuessingLocksAndSessionsEnd() async throws {
        let world = try await World()
        defer { world.remove() }
        let desk = world.desk
        let session = try await desk.login(username: "tess", password: "correct horse tess")
        #expect(try await desk.principal(secret: session.token)?.role == .technician)

        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<20 {
                group.addTask { (try? await desk.login(username: "tess", password: "guess \(index)")) != nil }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(!outcomes.contains(true))
        await #expect(throws: DeskAuthError.refused) { try await desk.login(username: "tess", password: "correct horse tess") }
        let failures = try world.store.auditLog().filter { $0.action == "login" && $0.detail == "wrong password" }.count
        #expect(failures == 5, "password checks allowed through: \(failures)")
        await #expect(throws: DeskAuthError.refused) { try await desk.login(username: "nobody", password: "x") }

        // The earlier session still works until logout; then it is gone.
        #expect(try await desk.principal(secret: session.token) != nil)
        try await desk.logout(secret: session.token)
        #expect(try await desk.principal(secret: session.token) == nil)

        // A role change ends the account's sessions.
        let aliceSession = try await desk.login(username: "alice", password: "correct horse alice")
        _ = try await desk.updateAccount(world.admin, id: world.alice.accountID!, .init(role: .auditor))
        #expect(try await desk.principal(secret: aliceSession.token) == nil)
        // Your own password needs the current one (a stolen session is not enough); an admin's reset does not.
        let bob = world.bob.accountID!
        await #expect(throws: HelpdeskError.unprocessable("the current password is wrong")) {
            try await desk.setPassword(world.bob, accountID: bob, password: "a brand new password", currentPassword: "guess")
        }
        await #expect(throws: HelpdeskError.forbidden) { try await desk.setPassword(world.bob, accountID: world.alice.accountID!, password: "0123456789ab", currentPassword: nil) }
        try await desk.setPassword(world.bob, accountID: bob, password: "a brand new password", currentPassword: "correct horse bob")
        try await desk.setPassword(world.admin, accountID: bob, password: "correct horse bob", currentPassword: nil)
        // What was typed as an unknown username is not kept in the audit log.
        #expect(try !world.store.auditLog().contains { $0.actor.contains("nobody") || $0.detail.contains("nobody") })
        // A departed account cannot sign in.
        _ = try await desk.updateAccount(world.admin, id: world.bob.accountID!, .init(status: .departed))
        await #expect(throws: DeskAuthError.refused) { try await desk.login(username: "bob", password: "correct horse bob") }
    }

    /// Hostile text in every text field is stored and returned exactly as sent.
    @Test func hostileTextRoundTrips() async throws {
        let world = try await World()
        defer { world.remove() }
        let desk = world.desk
        let hostile = "<script>alert(1)</script>'; DROP TABLE ticket; -- \u{1}\u{7}\t\r\n\"\\ ‮ 𝕏 %_"
        let account = try await desk.createAccount(world.admin, .init(username: "h\(hostile.count)", name: hostile, email: hostile, department: hostile,
                                                                location: hostile, role: .requester), password: nil)
        #expect([account.name, account.email, account.department, account.location].allSatisfy { $0 == hostile })
        let ticket = try desk.createTicket(world.technician, .init(title: hostile, description: hostile, category: "x", assetIds: [world.aliceAsset]))
        #expect(ticket.title == hostile.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(ticket.description == hostile)
        _ = try desk.change(world.technician, ticketID: ticket.id, .comment(body: hostile, internal: false))
        _ = try desk.change(world.technician, ticketID: ticket.id, .escalate(reason: hostile))
        let resolved = try desk.change(world.technician, ticketID: ticket.id, .resolve(notes: hostile, articleIDs: []))
        #expect(resolved.resolution == hostile)
        let timeline = try await desk.ticket(world.admin, id: ticket.id).timeline
        #expect(timeline.filter { $0.body == hostile }.count == 3)
        let article = try await desk.createArticle(world.technician, .init(title: hostile, body: hostile, tags: ["<b>"], faultCodes: ["disk.space.low"]))
        #expect(try await desk.article(world.alice, id: article.id).body == hostile)
        #expect(try await desk.articles(world.alice, text: hostile, faultCode: nil, limit: 10, offset: 0).items.map(\.id).contains(article.id))
        var search = CollectorStore.TicketQuery()
        search.text = "%_"
        #expect(try desk.tickets(world.admin, search).items.map(\.id) == [ticket.id])
        // Words go through the full-text index, each a prefix; every word must match.
        search.text = "aler DROP"
        #expect(try desk.tickets(world.admin, search).items.map(\.id) == [ticket.id])
        search.text = "printer"
        #expect(try desk.tickets(world.admin, search).items.map(\.id) == [world.aliceTicket])
        search.text = "alert printer"
        #expect(try desk.tickets(world.admin, search).total == 0)
        // Host names and fault codes are one word each.
        let named = try desk.createTicket(world.technician, .init(title: "ws-0042 reports disk.space.low", description: ""))
        search.text = "ws-0042"
        #expect(try desk.tickets(world.admin, search).items.map(\.id) == [named.id])
        search.text = "disk.space"
        #expect(try desk.tickets(world.admin, search).items.map(\.id) == [named.id])
        #expect(try world.store.integrityProblems().isEmpty)
    }
}
