@testable import DesksideStoreSQLite
import DesksideAssets
import DesksideHelpdesk
import DesksideTestSupport
import Foundation
import GRDB
import Testing

/// Merging by hand on a real SQLite file: the survivor keeps both histories, owners, tickets, the
/// agent and its inventory; undoing puts every row of the database back as it was (compared row by
/// row), the audit log keeping both.
@Suite struct MergeTests {
    static let time = CollectorStoreTests.time

    /// Every row of every table, as text, but the audit log, the merges themselves, the notifications
    /// they cause and full-text indexes (derived from tickets and articles).
    static func dump(_ store: CollectorStore) throws -> [String: [String]] {
        try store.pool.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                .filter { !["auditEvent", "assetMerge", "notification", "grdb_migrations"].contains($0) && !$0.contains("Text") }
            var dump: [String: [String]] = [:]
            for table in tables {
                dump[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { $0.description }.sorted()
            }
            return dump
        }
    }

    @Test func aMergeKeepsEverythingOnTheSurvivorAndItsUndoRestoresEveryRow() throws {
        let (store, directory) = try IdentityTests.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The agent's laptop: inventory, packages, faults (a ticket), an owner.
        let laptop = try IdentityTests.report(store, "agent-1", CollectorStoreTests.inventory("laptop"))
        let owner = try store.accounts.blocking.createAccount(.init(username: "jdupont", name: "J Dupont", email: "jd@example.com", role: .requester, tier: nil),
                                            now: Self.time)
        try store.assignAsset(id: laptop, to: owner.id, actor: "tess", note: "her laptop", now: Self.time)
        let ticket = try store.createTicket(.init(title: "Slow", description: "", requesterId: owner.id, category: "general", impact: .low, urgency: .low,
                                                  tier: 1, assetIds: [laptop], source: "staff"), actor: "tess", now: Self.time)
        // The same laptop as the register had it before the agent came: tag on its label, purchase data, an audit.
        let room = try store.addLocation(name: "Paris", kind: .site, parentId: nil)
        let record = try store.createAsset(try RegisterTests.changes("""
            {"name": "Jeanne's ThinkPad", "serial": "PF4ABCDE", "purchaseDate": "2024-02-01", "warrantyMonths": 36, "supplier": "Bechtle", "locationId": \(room.id)}
            """), actor: "tess", now: Self.time)
        _ = try store.auditAsset(.id(record), locationId: room.id, note: "", moveHere: false, actor: "tess", now: Self.time)
        let before = try Self.dump(store)

        let merge = try store.merge(laptop, into: record, actor: "tess", now: Self.time.addingTimeInterval(60))
        #expect(merge.survivorId == record && merge.mergedId == laptop)
        let survivor = try #require(try store.asset(id: record))
        #expect(survivor.agentID == "agent-1" && survivor.owner == "jdupont" && survivor.hostname == "tp-jdupont" && survivor.tag == "DS-00002")
        #expect(try store.asset(id: laptop) == nil, "the merged asset is hidden")
        #expect(try store.assets(matching: .init()).total == 1)
        #expect(try store.ticket(id: ticket.id)?.assetIds == [record])
        #expect(try store.inventory(assetID: record, packages: true)?.software.packages.isEmpty == false)
        #expect(try store.register(assetID: record)?.supplier == "Bechtle")
        #expect(try store.assignments(assetID: record).map(\.note) == ["her laptop"])
        // Undone: every row as before the merge, the audit log keeping both.
        let undone = try store.unmerge(merge.id, actor: "tess", now: Self.time.addingTimeInterval(120))
        #expect(undone.undoneBy == "tess")
        #expect(throws: HelpdeskError.conflict("merge \(merge.id) was undone already")) { try store.unmerge(merge.id, actor: "tess", now: Self.time) }
        let after = try Self.dump(store)
        #expect(Array(after.keys).sorted() == Array(before.keys).sorted())
        for table in before.keys.sorted() {
            #expect(after[table] == before[table], "table \(table) is as before the merge")
        }
        let log = try store.auditLog().map(\.action)
        #expect(log.contains("merge assets") && log.contains("unmerge assets"))
        #expect(try store.merges(assetID: record).first?.undoneAt != nil)
        // Merged again, the agent's next report lands on the survivor.
        _ = try store.merge(laptop, into: record, actor: "tess", now: Self.time.addingTimeInterval(180))
        #expect(try IdentityTests.report(store, "agent-1", CollectorStoreTests.inventory("laptop"), sequence: 2) == record)
    }

    @Test func twoLiveAgentsAreNotMergedUntilOneIsRevoked() throws {
        let (store, directory) = try IdentityTests.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try IdentityTests.report(store, "agent-1", CollectorStoreTests.inventory("laptop").machine(1))
        let second = try IdentityTests.report(store, "agent-2", CollectorStoreTests.inventory("laptop").machine(2))
        #expect(throws: HelpdeskError.conflict("assets \(first) and \(second) both have a live agent: revoke the one whose machine is gone, then merge")) {
            try store.merge(second, into: first, actor: "tess", now: Self.time)
        }
        #expect(throws: HelpdeskError.unprocessable("an asset cannot be merged into itself")) { try store.merge(first, into: first, actor: "tess", now: Self.time) }
        // Revoked, the old machine's agent stays with its hidden asset; the survivor keeps its own.
        _ = try store.revokeAgent(uuid: "agent-2", now: Self.time)
        let merge = try store.merge(second, into: first, actor: "tess", now: Self.time)
        #expect(try store.asset(id: first)?.agentID == "agent-1")
        _ = try store.unmerge(merge.id, actor: "tess", now: Self.time)
        #expect(try store.asset(id: second)?.agentID == "agent-2")
    }
}
