@testable import DesksideStoreSQLite
import DesksideHelpdesk
import DesksideInventory
import DesksideTestSupport
import Foundation
import GRDB
import Testing

/// Inventories from FusionInventory, GLPI and OCS agents on a real SQLite file: a device's asset made
/// and kept, an enrolled Deskside agent's asset never written, a device that jumps to other hardware
/// refused, partial inventories laid over the stored one, faults through the same loop, and the
/// silent check on the devices' own schedule.
@Suite struct IntakeStoreTests {
    static let time = CollectorStoreTests.time

    static func store() throws -> (CollectorStore, Int64, String) {
        let directory = try Fixtures.temporaryDirectory()
        let store = try CollectorStore(path: directory + "/deskside.sqlite")
        try store.registerAgent(uuid: "agent-1", certificateFingerprint: "SHA256:aa", at: time)
        let source = try store.createIntakeSource(name: "paris", tokenHash: "hash", basic: nil, now: time)
        return (store, source, directory)
    }

    static func caller(_ source: Int64, _ device: String, hours: Int = 24) -> CollectorStore.IntakeCaller {
        .init(sourceID: source, json: true, deviceID: device, glpiAgentID: nil, agentVersion: "GLPI-Agent_v1.11", scheduleHours: hours)
    }

    static func send(_ store: CollectorStore, _ caller: CollectorStore.IntakeCaller, _ inventory: Inventory, faults: [Fault] = [], partial: Bool = false,
                     at time: Date = time, seen: ((Inventory?) -> Void)? = nil) throws -> CollectorStore.IntakeOutcome {
        try store.recordIntake(caller, partial: partial, receivedAt: time) { base in
            seen?(base)
            return (inventory, faults)
        }
    }

    static func events(_ store: CollectorStore, _ asset: Int64, item: String) throws -> Int {
        try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM assetEvent WHERE assetId = ? AND item = ?", arguments: [asset, item]) ?? 0 }
    }

    @Test func aDeviceGetsOneAssetAndKeepsIt() throws {
        let (store, source, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let laptop = CollectorStoreTests.inventory("laptop")
        guard case .stored(let asset, true, _) = try Self.send(store, Self.caller(source, "pc-1"), laptop) else { Issue.record("not created"); return }
        var renamed = laptop
        renamed.os.hostname = "renamed"
        #expect(try Self.send(store, Self.caller(source, "pc-1"), renamed, at: Self.time + 60) == .stored(assetID: asset, created: false, events: 1))
        #expect(try store.count("asset") == 1)
        #expect(try store.asset(id: asset)?.hostname == "renamed")
        #expect(try store.asset(id: asset)?.agentID == nil)
        let device = try #require(try store.intakeDevices(assetID: asset).first)
        #expect(device.source == "paris" && device.deviceId == "pc-1" && device.lastInventoryAt != nil && device.conflict == nil)
        // The same machine under a new DEVICEID (the agent reinstalled): the same asset, and its timeline says why.
        #expect(try Self.send(store, Self.caller(source, "pc-1-reinstalled"), renamed, at: Self.time + 120) == .stored(assetID: asset, created: false, events: 0))
        #expect(try Self.events(store, asset, item: "device") == 1)
        #expect(try store.intakeDevices(assetID: asset).count == 2)
    }

    /// SECURITY-TESTS 53: a DEVICEID or agent id claiming an enrolled agent's asset changes nothing of
    /// that asset; the conflict is shown on the device and, once, in the asset's history.
    @Test func aClaimOnAnEnrolledAgentsAssetChangesNothing() throws {
        let (store, source, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let laptop = CollectorStoreTests.inventory("laptop")
        guard case .stored(let asset, _) = try store.record(agentUUID: "agent-1", reportID: "r1", sequence: 1, kind: .full, inventory: laptop,
                                                           faults: [], receivedAt: Self.time) else { Issue.record("not stored"); return }
        let before = try store.pool.read { db in
            (try Row.fetchOne(db, sql: "SELECT * FROM asset WHERE id = ?", arguments: [asset]), try Row.fetchAll(db, sql: "SELECT section, hash FROM inventorySection WHERE assetId = ? ORDER BY section", arguments: [asset]))
        }
        var forged = laptop
        forged.os.hostname = "forged"
        forged.software.packages = []
        for attempt in 0..<3 {
            guard case .refused(let reason) = try Self.send(store, Self.caller(source, "intruder"), forged, faults: [Fault(code: "disk.space.low", severity: .critical, subject: "/", summary: "x", facts: [:])],
                                                            at: Self.time + Double(60 * (attempt + 1))) else {
                Issue.record("a claim on an enrolled agent's asset was stored")
                return
            }
            #expect(reason.contains("agent-1"))
        }
        let after = try store.pool.read { db in
            (try Row.fetchOne(db, sql: "SELECT * FROM asset WHERE id = ?", arguments: [asset]), try Row.fetchAll(db, sql: "SELECT section, hash FROM inventorySection WHERE assetId = ? ORDER BY section", arguments: [asset]))
        }
        #expect(before.0 == after.0 && before.1 == after.1)
        #expect(try store.count("asset") == 1 && store.count("fault") == 0)
        #expect(try store.intakeDevices().first?.conflict?.contains("agent-1") == true)
        #expect(try Self.events(store, asset, item: "claim refused") == 1, "shown once, not once per attempt")
    }

    @Test func aDeviceThatJumpsToOtherHardwareIsRefused() throws {
        let (store, source, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard case .stored(let asset, _, _) = try Self.send(store, Self.caller(source, "pc-1"), CollectorStoreTests.inventory("laptop")) else { Issue.record("not stored"); return }
        var other = CollectorStoreTests.inventory("laptop")
        other.hardware.system.uuid = "6F1C2A9E-84D3-4B57-9E0A-3C7D51B8E240"
        other.hardware.system.serial = "CZC41729QX"
        guard case .refused(let reason) = try Self.send(store, Self.caller(source, "pc-1"), other, at: Self.time + 60) else { Issue.record("a jump was stored"); return }
        #expect(reason.contains("other hardware"))
        #expect(try store.machineIdentity(assetID: asset)?.serial != "CZC41729QX")
        #expect(try store.count("asset") == 1)
    }

    @Test func aPartialInventoryIsBuiltOnTheStoredOne() throws {
        let (store, source, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let laptop = CollectorStoreTests.inventory("laptop")
        var bases: [Inventory?] = []
        _ = try Self.send(store, Self.caller(source, "pc-1"), laptop, partial: true) { bases.append($0) }
        _ = try Self.send(store, Self.caller(source, "pc-1"), laptop, partial: true, at: Self.time + 60) { bases.append($0) }
        _ = try Self.send(store, Self.caller(source, "pc-1"), laptop, partial: false, at: Self.time + 120) { bases.append($0) }
        #expect(bases.count == 3)
        #expect(bases[0] == nil, "nothing stored yet")
        #expect(bases[1]?.software.packages.count == laptop.software.packages.count)
        #expect(bases[2] == nil, "a full inventory replaces")
    }

    /// The faults the checks found go through the fault loop: a ticket, as for Deskside's agent.
    @Test func faultsOpenTicketsAsForAnyAgent() throws {
        let (store, source, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let full = Fault(code: "disk.space.low", severity: .critical, subject: "C:", summary: "C: has 3.9 GiB free (0.8%)", facts: [:])
        guard case .stored(let asset, _, _) = try Self.send(store, Self.caller(source, "pc-1"), CollectorStoreTests.inventory("laptop"), faults: [full]) else { return }
        let tickets = try store.pool.read { try Row.fetchAll($0, sql: "SELECT t.faultCode, t.title FROM ticket t JOIN ticketAsset ta ON ta.ticketId = t.id WHERE ta.assetId = ?", arguments: [asset]) }
        #expect(tickets.count == 1 && (tickets.first?["faultCode"] as String?) == "disk.space.low")
    }

    /// Silent by the devices' own schedule: `silentAgentDays` (7), or two periods when they are longer.
    @Test func devicesAreSilentByTheirOwnSchedule() throws {
        let (store, source, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let day = 86400.0
        guard case .stored(let daily, _, _) = try Self.send(store, Self.caller(source, "daily"), CollectorStoreTests.inventory("laptop")) else { return }
        guard case .stored(let monthly, _, _) = try Self.send(store, Self.caller(source, "monthly", hours: 240), CollectorStoreTests.inventory("ubuntu")) else { return }
        #expect(daily != monthly)
        func silent() throws -> Set<Int64> {
            Set(try store.pool.read { try Int64.fetchAll($0, sql: "SELECT assetId FROM fault WHERE code = ? AND source = 'collector'", arguments: [CollectorFault.silentAgent]) })
        }
        _ = try store.checkSilentAgents(now: Self.time + 6 * day)
        #expect(try silent().isEmpty)
        _ = try store.checkSilentAgents(now: Self.time + 8 * day)
        #expect(try silent() == [daily], "a daily device is silent after 7 days; one that reports every 10 days is not")
        _ = try store.checkSilentAgents(now: Self.time + 21 * day)
        #expect(try silent() == [daily, monthly])
        // A PROLOG or CONTACT is contact: the fault clears.
        try store.intakeContact(Self.caller(source, "daily"), at: Self.time + 21 * day)
        _ = try store.checkSilentAgents(now: Self.time + 21 * day + 60)
        #expect(try silent() == [monthly])
    }
}
