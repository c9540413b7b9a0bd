@testable import DesksideStoreSQLite
import DesksideAssets
import DesksideHelpdesk
import DesksideTestSupport
import Foundation
import GRDB
import Testing

/// Check-out, check-in, one acceptance for a whole handover, and the register's own faults
/// (`loan.overdue`, `warranty.expiring`) through the fault rules, on a real SQLite file.
@Suite struct LoanTests {
    static let time = CollectorStoreTests.time
    static let day: TimeInterval = 86400

    static func world() throws -> (CollectorStore, String, account: Int64, assets: [Int64]) {
        let (store, directory) = try IdentityTests.store()
        let account = try store.accounts.blocking.createAccount(.init(username: "jdupont", name: "J Dupont", email: "jd@example.com", role: .requester, tier: nil),
                                              now: time).id
        let assets = try ["ThinkPad loaner", "USB-C dock", "Headset"].map { name in
            try store.createAsset(try RegisterTests.changes(#"{"name": "\#(name)"}"#), actor: "tess", now: time)
        }
        return (store, directory, account, assets)
    }

    static func tickets(_ store: CollectorStore, code: String) throws -> Int {
        try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM faultTicket WHERE code = ?", arguments: [code]) ?? 0 }
    }

    @Test func aHandoverIsAcceptedOnceForEverythingInIt() throws {
        let (store, directory, account, assets) = try Self.world()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let due = CollectorStore.today(Self.time).adding(days: 14)
        let handover = try store.checkOut(assetIDs: assets, to: account, expectedReturn: due, note: "while the laptop is repaired", actor: "tess", now: Self.time)
        #expect(handover.loans.map(\.assetId) == assets && handover.acceptedAt == nil)
        for asset in assets {
            #expect(try store.asset(id: asset)?.owner == "jdupont" && store.asset(id: asset)?.status == "deployed")
        }
        #expect(throws: HelpdeskError.conflict("DS-00001 is checked out to jdupont: check it in first")) {
            try store.checkOut(assetIDs: [assets[0]], to: account, expectedReturn: nil, note: "", actor: "tess", now: Self.time)
        }
        #expect(try store.handovers(accountID: account, pendingOnly: true, now: Self.time).map(\.id) == [handover.id])
        // Someone else cannot accept it; the person accepts it once, for all three.
        #expect(throws: HelpdeskError.notFound) { try store.acceptHandover(id: handover.id, accountID: account + 99, now: Self.time) }
        let accepted = try store.acceptHandover(id: handover.id, accountID: account, now: Self.time)
        #expect(accepted.acceptedAt != nil && accepted.loans.allSatisfy { $0.acceptedAt != nil })
        #expect(throws: HelpdeskError.self) { try store.acceptHandover(id: handover.id, accountID: account, now: Self.time) }
        #expect(try store.handovers(accountID: account, pendingOnly: true, now: Self.time).isEmpty)
        for asset in assets {
            #expect(try store.history(assetID: asset, section: "register", limit: 50, offset: 0).items.contains { $0.item == "receipt accepted" })
        }
        // Back: in stock, nobody's, the loan closed; a second check-in is refused.
        let back = try store.checkIn(assetID: assets[1], actor: "tess", now: Self.time)
        #expect(back.checkedInAt != nil && back.checkedInBy == "tess")
        #expect(try store.asset(id: assets[1])?.owner == nil && store.asset(id: assets[1])?.status == "inStock")
        #expect(throws: HelpdeskError.conflict("DS-00002 is not checked out")) { try store.checkIn(assetID: assets[1], actor: "tess", now: Self.time) }
        #expect(try store.loans(.open, accountID: nil, limit: 50, offset: 0, now: Self.time).total == 2)
        #expect(try store.loans(.all, accountID: account, limit: 50, offset: 0, now: Self.time).total == 3)
        // Nothing goes out from repair, or to nobody.
        try store.setAssetStatus(id: assets[1], .inRepair, actor: "tess", now: Self.time)
        #expect(throws: HelpdeskError.self) { try store.checkOut(assetIDs: [assets[1]], to: account, expectedReturn: nil, note: "", actor: "tess", now: Self.time) }
        #expect(throws: HelpdeskError.self) { try store.checkOut(assetIDs: [], to: account, expectedReturn: nil, note: "", actor: "tess", now: Self.time) }
        #expect(try store.loans(.open, accountID: nil, limit: 50, offset: 0, now: Self.time).total == 2, "a refused check-out writes nothing")
    }

    @Test func anOverdueLoanRaisesItsFaultThroughTheRulesAndCheckInClearsIt() throws {
        let (store, directory, account, assets) = try Self.world()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let due = CollectorStore.today(Self.time).adding(days: 3)
        _ = try store.checkOut(assetIDs: [assets[0]], to: account, expectedReturn: due, note: "", actor: "tess", now: Self.time)
        #expect(try store.checkRegisterFaults(now: Self.time.addingTimeInterval(3 * Self.day)) == (0, 0), "not overdue on its return day")
        let late = Self.time.addingTimeInterval(5 * Self.day)
        #expect(try store.checkRegisterFaults(now: late) == (1, 0))
        #expect(try store.checkRegisterFaults(now: late) == (0, 0), "raised once")
        #expect(try store.loans(.overdue, accountID: nil, limit: 50, offset: 0, now: late).items.map(\.assetId) == [assets[0]])
        #expect(try store.faultRecords(assetID: assets[0]).map(\.code) == [CollectorFault.loanOverdue])
        #expect(try Self.tickets(store, code: CollectorFault.loanOverdue) == 1)
        let ticket = try #require(try store.tickets(matching: { var q = CollectorStore.TicketQuery(); q.assetId = assets[0]; return q }()).items.first)
        #expect(ticket.title.hasPrefix("ThinkPad loaner: Lent to jdupont") && ticket.requesterId == account)
        _ = try store.checkIn(assetID: assets[0], actor: "tess", now: late)
        #expect(try store.faultRecords(assetID: assets[0]).isEmpty)
        #expect(try store.checkRegisterFaults(now: late) == (0, 0))
    }

    @Test func warrantiesExpiringRaiseOnceAndARuleCanKeepThemOffTheQueue() async throws {
        let (store, directory, _, assets) = try Self.world()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let today = CollectorStore.today(Self.time)
        try store.updateAsset(id: assets[0], try RegisterTests.changes(#"{"warrantyEnd": "\#(today.adding(days: 20))"}"#), actor: "tess", now: Self.time)
        try store.updateAsset(id: assets[1], try RegisterTests.changes(#"{"warrantyEnd": "\#(today.adding(days: -200))"}"#), actor: "tess", now: Self.time)
        try store.updateAsset(id: assets[2], try RegisterTests.changes(#"{"warrantyEnd": "\#(today.adding(days: 90))"}"#), actor: "tess", now: Self.time)
        #expect(try store.checkRegisterFaults(now: Self.time) == (1, 0), "only the one ending within 30 days")
        #expect(try store.faultRecords(assetID: assets[0]).first?.summary == "The warranty ends in 20 days (\(today.adding(days: 20)))")
        #expect(try Self.tickets(store, code: CollectorFault.warrantyExpiring) == 1)
        // Past its end it stays; extended, it clears.
        #expect(try store.checkRegisterFaults(now: Self.time.addingTimeInterval(40 * Self.day)) == (0, 0))
        try store.updateAsset(id: assets[0], try RegisterTests.changes(#"{"warrantyEnd": "\#(today.adding(days: 800))"}"#), actor: "tess", now: Self.time)
        #expect(try store.checkRegisterFaults(now: Self.time) == (0, 1))
        // A rule turns the fault into a line on the asset, no ticket.
        try await store.faultRules.setFaultRule(FaultRule(code: CollectorFault.warrantyExpiring, opensTicket: false, category: "asset", impact: .low, urgency: .low, tier: 1))
        try store.updateAsset(id: assets[2], try RegisterTests.changes(#"{"warrantyEnd": "\#(today.adding(days: 10))"}"#), actor: "tess", now: Self.time)
        #expect(try store.checkRegisterFaults(now: Self.time) == (1, 0))
        #expect(try store.faultRecords(assetID: assets[2]).map(\.code) == [CollectorFault.warrantyExpiring])
        #expect(try Self.tickets(store, code: CollectorFault.warrantyExpiring) == 1, "no second ticket")
    }
}
