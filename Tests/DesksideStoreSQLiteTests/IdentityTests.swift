import DesksideJSON
@testable import DesksideStoreSQLite
import DesksideHelpdesk
import DesksideInventory
import DesksideTestSupport
import Foundation
import GRDB
import Testing

/// Which asset a new agent's reports go to, on a real SQLite file, with the laptop fixture's
/// inventory (read from the copy of a real machine's files): a reinstall keeps its asset, a clone
/// is a conflict on both, and an agent never writes another agent's asset.
@Suite struct IdentityTests {
    static let time = CollectorStoreTests.time

    static func store() throws -> (CollectorStore, String) {
        let directory = try Fixtures.temporaryDirectory()
        let store = try CollectorStore(path: directory + "/deskside.sqlite")
        for n in 1...3 { try store.registerAgent(uuid: "agent-\(n)", certificateFingerprint: "SHA256:a\(n)", at: time) }
        return (store, directory)
    }

    static func report(_ store: CollectorStore, _ agent: String, _ inventory: Inventory, sequence: UInt64 = 1, connected: Set<String> = []) throws -> Int64 {
        let outcome = try store.record(agentUUID: agent, reportID: "\(agent)-\(sequence)", sequence: sequence, kind: .full, inventory: inventory,
                                       faults: [], receivedAt: time.addingTimeInterval(Double(sequence)), isConnected: { connected.contains($0) })
        guard case .stored(let assetID, _) = outcome else { throw StoreTestError("not stored: \(outcome)") }
        return assetID
    }

    struct StoreTestError: Error { var text: String; init(_ text: String) { self.text = text } }

    static func conflicts(_ store: CollectorStore, _ asset: Int64) throws -> Int {
        try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM assetEvent WHERE assetId = ? AND item = ?", arguments: [asset, CollectorFault.identityConflict]) ?? 0 }
    }

    @Test func aReinstalledMachineKeepsItsAssetOwnerAndTickets() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let laptop = CollectorStoreTests.inventory("laptop")
        let asset = try Self.report(store, "agent-1", laptop)
        let owner = try store.accounts.blocking.createAccount(.init(username: "jdupont", name: "J Dupont", email: "jd@example.com", role: .requester, tier: nil),
                                            now: Self.time)
        try store.assignAsset(id: asset, to: owner.id, actor: "tess", note: "laptop", now: Self.time)
        let ticket = try store.createTicket(.init(title: "Slow", description: "", requesterId: owner.id, category: "general", impact: .low, urgency: .low,
                                                  tier: 1, assetIds: [asset], source: "staff"), actor: "tess", now: Self.time)
        // Reinstalled: a new agent, the same machine (its first report).
        #expect(try Self.report(store, "agent-2", laptop, sequence: 1) == asset)
        #expect(try store.count("asset") == 1)
        #expect(try store.asset(id: asset)?.ownerId == owner.id)
        #expect(try store.asset(id: asset)?.agentID == "agent-2")
        #expect(try store.ticket(id: ticket.id)?.assetIds == [asset])
        let tenures = try store.agentTenures(assetID: asset)
        #expect(tenures.map(\.agent) == ["agent-1", "agent-2"])
        #expect(tenures[0].until != nil && tenures[1].until == nil)
        #expect(tenures[1].rule == "uuidAndSerial" && tenures[1].reason.contains("system UUID and serial"))
        let event = try #require(try store.recentHistory(assetID: asset, limit: 50).first { $0.section == "agent" && $0.item == "agent" })
        #expect(event.oldValue == "agent-1" && event.newValue?.hasPrefix("agent-2") == true)
        #expect(try Self.conflicts(store, asset) == 0)
    }

    @Test func aCloneWhileTheOriginalIsConnectedIsAConflictOnBoth() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let laptop = CollectorStoreTests.inventory("laptop")
        let original = try Self.report(store, "agent-1", laptop)
        let clone = try Self.report(store, "agent-2", laptop, connected: ["agent-1"])
        #expect(clone != original)
        #expect(try store.asset(id: original)?.agentID == "agent-1", "nothing merged")
        #expect(try Self.conflicts(store, original) == 1 && Self.conflicts(store, clone) == 1)
        // The fault loop opened a ticket on each, as for any fault.
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM ticket WHERE faultCode = ?", arguments: [CollectorFault.identityConflict]) } == 2)
    }

    @Test func aDisplacedAgentThatReportsAgainIsAConflictNotAFlipBack() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let laptop = CollectorStoreTests.inventory("laptop")
        let asset = try Self.report(store, "agent-1", laptop)
        #expect(try Self.report(store, "agent-2", laptop) == asset, "agent-1 was not connected: a reinstall, as far as anyone can tell")
        let back = try Self.report(store, "agent-1", laptop, sequence: 2)
        #expect(back != asset)
        #expect(try store.asset(id: asset)?.agentID == "agent-2")
        #expect(try Self.conflicts(store, asset) == 1 && Self.conflicts(store, back) == 1)
    }

    @Test func aMotherboardSwapKeepsTheAssetByItsDiskAndAnotherMachineIsNew() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let laptop = CollectorStoreTests.inventory("laptop")
        try #require(laptop.hardware.disks.contains { $0.serial != nil && $0.removable != true }, "the fixture has a fixed disk with a serial")
        let asset = try Self.report(store, "agent-1", laptop)
        var swapped = laptop
        swapped.hardware.system.uuid = "0F0F0F0F-1111-2222-3333-444444444444"
        swapped.hardware.system.serial = "NEWBOARD99"
        swapped.hardware.networkInterfaces = swapped.hardware.networkInterfaces.map { var interface = $0; interface.mac = nil; return interface }
        #expect(try Self.report(store, "agent-2", swapped) == asset)
        #expect(try store.agentTenures(assetID: asset).last?.rule == "diskSerial")
        // Another machine with the same hostname is another asset.
        var other = CollectorStoreTests.inventory("fedora")
        other.os.hostname = laptop.os.hostname
        #expect(try Self.report(store, "agent-3", other) != asset)
    }

    @Test func anAgentReportingAnotherMachinesIdentityChangesNothingOnItAndFlagsBoth() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let laptop = CollectorStoreTests.inventory("laptop")
        let a = try Self.report(store, "agent-1", CollectorStoreTests.inventory("fedora"))
        let b = try Self.report(store, "agent-2", laptop)
        let before = try store.inventory(assetID: b)
        var claim = CollectorStoreTests.inventory("fedora")
        claim.hardware.system = laptop.hardware.system
        #expect(try Self.report(store, "agent-1", claim, sequence: 2) == a)
        #expect(try store.inventory(assetID: b) == before)
        #expect(try store.asset(id: b)?.agentID == "agent-2")
        // Two live agents claiming one machine: flagged on both, merged nowhere.
        #expect(try Self.conflicts(store, a) == 1 && Self.conflicts(store, b) == 1)
    }

    /// A database from before identities were kept: the migration reads them from the stored
    /// hardware sections, and the next agent of that machine finds its asset.
    @Test func theMigrationFillsIdentitiesFromStoredHardware() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/deskside.sqlite"
        let old = try DatabaseQueue(path: path)
        try StoreMigrations.migrator.migrate(old, upTo: "v14: the outbox (notifications by mail and webhook), webhooks, preferences, SLA warnings, mail attachments")
        let hardware = try JSONCoder.encode(CollectorStoreTests.inventory("laptop").hardware)
        try old.write { db in
            try db.execute(sql: """
                INSERT INTO agent (id, uuid, certificateFingerprint, enrolledAt) VALUES (1, 'agent-1', 'SHA256:a1', '2026-01-01T00:00:00Z');
                INSERT INTO asset (id, agentId, hostname, createdAt, updatedAt) VALUES (7, 1, 'tp-jdupont', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
                """)
            try db.execute(sql: "INSERT INTO inventorySection (assetId, section, hash, body) VALUES (7, 'hardware', 'h', ?)", arguments: [Data(hardware)])
        }
        try old.close()
        let store = try CollectorStore(path: path)
        let identity = try #require(try store.machineIdentity(assetID: 7))
        #expect(identity.serial == "PF4ABCDE" && identity.vendor == "LENOVO" && identity.systemUUID != nil)
        #expect(try store.agentTenures(assetID: 7).map(\.agent) == ["agent-1"])
        try store.registerAgent(uuid: "agent-2", certificateFingerprint: "SHA256:a2", at: Self.time)
        #expect(try Self.report(store, "agent-2", CollectorStoreTests.inventory("laptop")) == 7)
    }

    @Test func anAssetThatNeverHadAnOwnerGetsItsLastUserWhenTheSettingIsOn() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = HelpdeskSettings()
        settings.ownerFromLastUser = true
        let store = try CollectorStore(path: directory + "/on.sqlite", helpdesk: settings)
        let off = try CollectorStore(path: directory + "/off.sqlite")
        for store in [store, off] {
            try store.registerAgent(uuid: "agent-1", certificateFingerprint: "SHA256:a1", at: Self.time)
            _ = try store.accounts.blocking.createAccount(.init(username: "jdupont", name: "J Dupont", email: "jd@example.com", role: .requester, tier: nil),
                                        now: Self.time)
        }
        let laptop = CollectorStoreTests.inventory("laptop")
        try #require(laptop.os.loggedInUsers.first?.name == "jdupont")
        let asset = try Self.report(store, "agent-1", laptop)
        #expect(try store.asset(id: asset)?.owner == "jdupont")
        let assignment = try #require(try store.assignments(assetID: asset).first)
        #expect(assignment.actor == "deskside" && assignment.note == "automatic: jdupont is the last logged-in user")
        #expect(try off.asset(id: Self.report(off, "agent-1", laptop))?.owner == nil, "off by default")
        // Unassigned by someone: it stays so.
        try store.assignAsset(id: asset, to: nil, actor: "tess", note: "shared machine", now: Self.time)
        _ = try Self.report(store, "agent-1", laptop, sequence: 2)
        #expect(try store.asset(id: asset)?.owner == nil)
    }
}
