@testable import DesksideStoreSQLite
import DesksideHelpdesk
import DesksideInventory
import DesksideTestSupport
import Foundation
import Testing

/// The fault-to-ticket loop on a real SQLite file, driven through the store's report writes: one
/// ticket per (asset, code), updated when reported again, resolved when cleared, reopened when the
/// fault returns within the window, a new ticket after it, storms filed under one summary.
@Suite struct FaultTicketLoopTests {
    static let time = Date(timeIntervalSince1970: 1_800_000_000)
    static let disk = Fault(code: "disk.space.low", severity: .warning, subject: "/", summary: "/ has 4% free",
                            facts: ["freePercent": .double(4), "thresholdPercent": .double(10)])

    struct Fleet {
        var store: CollectorStore
        var directory: String
        var inventory: Inventory
        var sequence: [String: UInt64] = [:]

        init(agents: Int, settings: HelpdeskSettings = HelpdeskSettings()) throws {
            directory = try Fixtures.temporaryDirectory()
            store = try CollectorStore(path: directory + "/deskside.sqlite", helpdesk: settings)
            inventory = CollectorStoreTests.inventory("laptop")
            for index in 0..<agents {
                try store.registerAgent(uuid: "agent-\(index)", certificateFingerprint: "SHA256:\(index)", at: FaultTicketLoopTests.time)
            }
        }

        /// A full report of agent `index` with `faults`, `minutes` after the start.
        @discardableResult
        mutating func report(_ index: Int = 0, _ faults: [Fault], minutes: Double = 0) throws -> Int64 {
            let uuid = "agent-\(index)"
            let next = (sequence[uuid] ?? 0) + 1
            sequence[uuid] = next
            // Each agent its own machine (index 0 the fixture as it is).
            let outcome = try store.record(agentUUID: uuid, reportID: "\(uuid)-\(next)", sequence: next, kind: .full,
                                           inventory: index == 0 ? inventory : inventory.machine(index),
                                           faults: faults, receivedAt: FaultTicketLoopTests.time.addingTimeInterval(minutes * 60))
            guard case .stored(let asset, _) = outcome else { throw CancellationError() }
            return asset
        }

        func faultTickets() throws -> [CollectorStore.Ticket] {
            var query = CollectorStore.TicketQuery()
            query.faultCode = "disk.space.low"
            query.includeStormMembers = true
            query.limit = 500
            return try store.tickets(matching: query).items.filter { $0.source == "fault" }
        }
    }

    @Test func oneTicketPerFaultFollowsItThroughClearAndReturn() throws {
        var fleet = try Fleet(agents: 1)
        defer { try? FileManager.default.removeItem(atPath: fleet.directory) }
        let owner = try fleet.store.accounts.blocking.createAccount(.init(username: "ana", name: "Ana", role: .requester), now: Self.time)
        let asset = try fleet.report(0, [])
        try fleet.store.assignAsset(id: asset, to: owner.id, actor: "admin", note: "new laptop", now: Self.time)

        try fleet.report(0, [Self.disk], minutes: 1)
        var tickets = try fleet.faultTickets()
        #expect(tickets.count == 1)
        let ticket = try #require(tickets.first)
        #expect(ticket.requesterId == owner.id)
        #expect(ticket.tier == 1)
        #expect(ticket.category == "storage")
        #expect(ticket.status == .new)
        #expect(ticket.assetIds == [asset])
        #expect(ticket.title.contains("/ has 4% free"))

        // Reported again (twice, once with a new summary): still one ticket, one event for the change.
        try fleet.report(0, [Self.disk], minutes: 2)
        var worse = Self.disk
        worse.summary = "/ has 2% free"
        try fleet.report(0, [worse], minutes: 3)
        tickets = try fleet.faultTickets()
        #expect(tickets.count == 1)
        #expect(try fleet.store.ticketEvents(id: ticket.id, includeInternal: false).filter { $0.kind == "fault" }.map(\.body) == ["now: / has 2% free"])

        // Cleared: resolved with a note saying so.
        try fleet.report(0, [], minutes: 4)
        let resolved = try #require(try fleet.store.ticket(id: ticket.id))
        #expect(resolved.status == .resolved)
        #expect(resolved.resolution?.contains("no longer reports disk.space.low") == true)

        // Back within the window: the same ticket, reopened, with a fresh service level from now.
        try fleet.report(0, [Self.disk], minutes: 60 * 24)
        tickets = try fleet.faultTickets()
        #expect(tickets.count == 1)
        let reopened = try #require(try fleet.store.ticket(id: ticket.id))
        #expect(reopened.status == .inProgress)
        #expect(reopened.responseDueAt > Timestamp.text(Self.time.addingTimeInterval(60 * 60 * 24)))
        #expect(reopened.firstResponseAt == nil && !reopened.responseBreached)
        #expect(try fleet.store.sweepTickets(now: Self.time.addingTimeInterval(60 * 60 * 24 + 60)).escalated == 0)
        #expect(try fleet.store.ticketEvents(id: ticket.id, includeInternal: false).contains { $0.kind == "reopened" })

        // Cleared, then back after the 7-day window: a new ticket.
        try fleet.report(0, [], minutes: 60 * 25)
        try fleet.report(0, [Self.disk], minutes: 60 * 24 * 9)
        tickets = try fleet.faultTickets()
        #expect(tickets.count == 2)
        #expect(try fleet.store.integrityProblems().isEmpty)
    }

    @Test func anAssetsOpenFaultTicketsFollowItToItsNewOwner() throws {
        var fleet = try Fleet(agents: 1)
        defer { try? FileManager.default.removeItem(atPath: fleet.directory) }
        let ana = try fleet.store.accounts.blocking.createAccount(.init(username: "ana", name: "Ana", role: .requester), now: Self.time)
        let ben = try fleet.store.accounts.blocking.createAccount(.init(username: "ben", name: "Ben", role: .requester), now: Self.time)
        let asset = try fleet.report(0, [])
        try fleet.store.assignAsset(id: asset, to: ana.id, actor: "tess", note: "", now: Self.time)
        try fleet.report(0, [Self.disk], minutes: 1)
        #expect(try fleet.faultTickets().first?.requesterId == ana.id)
        try fleet.store.assignAsset(id: asset, to: ben.id, actor: "tess", note: "ana left", now: Self.time.addingTimeInterval(120))
        let ticket = try #require(try fleet.faultTickets().first)
        #expect(ticket.requesterId == ben.id)
        #expect(try fleet.store.ticketEvents(id: ticket.id, includeInternal: false).last?.newValue == "ben")
        #expect(try fleet.store.assignments(assetID: asset).map(\.username) == ["ana", "ben"])
    }

    @Test func rulesDecideWhetherAndWhereTicketsOpen() async throws {
        var fleet = try Fleet(agents: 1)
        defer { try? FileManager.default.removeItem(atPath: fleet.directory) }
        let reboot = Fault(code: "reboot.required", severity: .warning, subject: "", summary: "reboot pending", facts: [:])
        let smart = Fault(code: "disk.smart.failing", severity: .critical, subject: "sda", summary: "sda failing", facts: [:])
        try fleet.report(0, [reboot, smart])
        var all = CollectorStore.TicketQuery()
        all.limit = 100
        var tickets = try fleet.store.tickets(matching: all).items
        // A pending reboot opens no ticket by default; a failing disk goes to tier 2 at high urgency.
        #expect(tickets.map(\.faultCode) == ["disk.smart.failing"])
        #expect(tickets.first?.tier == 2)
        #expect(tickets.first?.priority == .high)
        #expect(tickets.first?.urgency == .high)
        // A critical fault of a low/low rule is one step more urgent, and the stored urgency says so.
        let worn = Fault(code: "battery.worn", severity: .warning, subject: "BAT0", summary: "worn", facts: [:])
        try fleet.report(0, [reboot, smart, worn], minutes: 0.5)
        let battery = try #require(try fleet.store.tickets(matching: all).items.first { $0.faultCode == "battery.worn" })
        #expect(battery.urgency == .low && battery.priority == .low)

        try await fleet.store.faultRules.setFaultRule(FaultRule(code: "reboot.required", opensTicket: true, category: "maintenance", impact: .low, urgency: .low, tier: 3))
        try fleet.report(0, [smart], minutes: 1)
        try fleet.report(0, [reboot, smart], minutes: 2)
        tickets = try fleet.store.tickets(matching: all).items
        #expect(tickets.first { $0.faultCode == "reboot.required" }?.tier == 3)
    }

    @Test func aStormGivesOneTicketPerMachineUnderOneSummary() throws {
        var settings = HelpdeskSettings()
        settings.faultLoop.stormThreshold = 5
        var fleet = try Fleet(agents: 12, settings: settings)
        defer { try? FileManager.default.removeItem(atPath: fleet.directory) }
        for index in 0..<12 { try fleet.report(index, [Self.disk], minutes: Double(index) / 10) }
        let tickets = try fleet.faultTickets()
        #expect(tickets.count == 12)
        #expect(tickets.filter { $0.stormId == nil }.count == 5)
        var queue = CollectorStore.TicketQuery()
        queue.limit = 100
        let listed = try fleet.store.tickets(matching: queue).items
        let storm = try #require(listed.first { $0.source == "storm" })
        #expect(listed.count == 6)
        #expect(storm.title == "Fault storm: disk.space.low on 12 machines")
        // A text search's total (counted from the full-text index) leaves out the storm's members too.
        var search = CollectorStore.TicketQuery()
        search.text = "free"
        let found = try fleet.store.tickets(matching: search)
        #expect(found.total == 5 && found.items.count == 5)
        search.includeStormMembers = true
        #expect(try fleet.store.tickets(matching: search).total == 12)

        // Every machine clearing its fault resolves the summary too.
        for index in 0..<12 { try fleet.report(index, [], minutes: 1) }
        #expect(try fleet.store.ticket(id: storm.id)?.status == .resolved)
        _ = try fleet.store.applyTicketChange(.reopen(reason: "check again"), ticketID: storm.id, by: .system, now: Self.time.addingTimeInterval(120))
        // Resolving the summary resolves every machine's ticket filed under it.
        _ = try fleet.store.applyTicketChange(.resolve(notes: "cleaned /var/log on the image", articleIDs: []), ticketID: storm.id,
                                              by: .system, now: Self.time.addingTimeInterval(3600))
        #expect(try fleet.faultTickets().filter { $0.stormId == storm.id }.allSatisfy { $0.status == .resolved })
        // A machine's fault coming back reopens its ticket out of the storm, into the queue.
        try fleet.report(7, [Self.disk], minutes: 90)
        let back = try #require(try fleet.faultTickets().first { $0.assetIds == [try fleet.store.assetID(agentUUID: "agent-7")!] })
        #expect(back.status == .inProgress && back.stormId == nil)
    }

    @Test func hardwareChangesOpenATicketOnlyTheCollectorCouldSee() throws {
        var fleet = try Fleet(agents: 1)
        defer { try? FileManager.default.removeItem(atPath: fleet.directory) }
        let asset = try fleet.report(0, [])
        // Same machine, another report with nothing changed: no ticket.
        try fleet.report(0, [], minutes: 1)
        var all = CollectorStore.TicketQuery()
        all.faultCode = CollectorFault.hardwareChanged
        #expect(try fleet.store.tickets(matching: all).total == 0)
        // Half the memory modules gone and a new serial number.
        let modules = fleet.inventory.hardware.memory.modules
        try #require(modules.count >= 2 || fleet.inventory.hardware.memory.totalBytes != nil)
        if modules.count >= 2 { fleet.inventory.hardware.memory.modules = Array(modules.prefix(modules.count / 2)) }
        else { fleet.inventory.hardware.memory.totalBytes = fleet.inventory.hardware.memory.totalBytes! / 2 }
        fleet.inventory.hardware.system.serial = "SWAPPED-BOARD"
        try fleet.report(0, [], minutes: 2)
        let tickets = try fleet.store.tickets(matching: all).items
        try #require(tickets.count == 1)
        #expect(tickets[0].tier == 2)
        #expect(tickets[0].assetIds == [asset])
        #expect(tickets[0].title.contains("memory went from"))
        #expect(tickets[0].title.contains("SWAPPED-BOARD"))
    }

    @Test func silentAgentsGetAFaultAndTheirTicketResolvesWhenTheyReturn() throws {
        var fleet = try Fleet(agents: 2)
        defer { try? FileManager.default.removeItem(atPath: fleet.directory) }
        let quiet = try fleet.report(0, [])
        try fleet.report(1, [])
        let later = Self.time.addingTimeInterval(8 * 86400)
        try fleet.store.recordLastSeen(["agent-1": later.addingTimeInterval(-3600)])
        #expect(try fleet.store.checkSilentAgents(now: later) == (1, 0))
        #expect(try fleet.store.checkSilentAgents(now: later) == (0, 0))
        var query = CollectorStore.TicketQuery()
        query.faultCode = CollectorFault.silentAgent
        let ticket = try #require(try fleet.store.tickets(matching: query).items.first)
        #expect(ticket.assetIds == [quiet])
        #expect(try fleet.store.faultRecords(assetID: quiet).map(\.code) == [CollectorFault.silentAgent])
        // Its own reports replace agent faults, never the collector's.
        try fleet.report(0, [], minutes: 1)
        #expect(try fleet.store.faultRecords(assetID: quiet).map(\.code) == [CollectorFault.silentAgent])
        // Heard from again: the fault clears and the ticket is resolved.
        try fleet.store.recordLastSeen(["agent-0": later])
        #expect(try fleet.store.checkSilentAgents(now: later.addingTimeInterval(60)) == (0, 1))
        #expect(try fleet.store.faultRecords(assetID: quiet).isEmpty)
        #expect(try fleet.store.ticket(id: ticket.id)?.status == .resolved)
    }

    @Test func unansweredTicketsEscalateAndResolvedOnesCloseOnTheirOwn() throws {
        let fleet = try Fleet(agents: 0)
        defer { try? FileManager.default.removeItem(atPath: fleet.directory) }
        let store = fleet.store
        let new = CollectorStore.NewTicket(title: "Outage", description: "", requesterId: nil, category: "network", impact: .high, urgency: .high,
                                           tier: 1, assetIds: [], source: "staff")
        let critical = try store.createTicket(new, actor: "tess", now: Self.time)
        let answered = try store.createTicket(new, actor: "tess", now: Self.time)
        _ = try store.applyTicketChange(.comment(body: "looking", internal: false), ticketID: answered.id,
                                        by: Principal(role: .technician, accountID: nil, tier: 1, actor: "tess"), now: Self.time.addingTimeInterval(60))
        // Critical: 15 minutes to respond. At 16 minutes the unanswered one moves to tier 2, flagged.
        var result = try store.sweepTickets(now: Self.time.addingTimeInterval(16 * 60))
        #expect(result.escalated == 1 && result.responseBreaches == 1)
        var escalated = try #require(try store.ticket(id: critical.id))
        #expect(escalated.tier == 2 && escalated.responseBreached)
        #expect(try store.ticket(id: answered.id)?.tier == 1)
        #expect(try store.ticketEvents(id: critical.id, includeInternal: true).last?.actor == "deskside")
        // Tier 2 gets its own 15 minutes; then tier 3, and no further.
        result = try store.sweepTickets(now: Self.time.addingTimeInterval(20 * 60))
        #expect(result.escalated == 0)
        _ = try store.sweepTickets(now: Self.time.addingTimeInterval(32 * 60))
        _ = try store.sweepTickets(now: Self.time.addingTimeInterval(50 * 60))
        escalated = try #require(try store.ticket(id: critical.id))
        #expect(escalated.tier == 3)
        // Past the 4-hour resolution target: breached.
        result = try store.sweepTickets(now: Self.time.addingTimeInterval(5 * 3600))
        #expect(result.resolutionBreaches == 2)
        // Resolved and unrated for 7 days: closed.
        _ = try store.applyTicketChange(.resolve(notes: "fixed", articleIDs: []), ticketID: answered.id, by: .system, now: Self.time.addingTimeInterval(6 * 3600))
        result = try store.sweepTickets(now: Self.time.addingTimeInterval(6 * 3600 + 8 * 86400))
        #expect(result.closed == 1)
        #expect(try store.ticket(id: answered.id)?.status == .closed)
    }
}
