import DesksideJSON
@testable import DesksideStoreSQLite
import DesksideInventory
import DesksideProbes
import DesksideProtocol
import DesksideTestSupport
import Foundation
import GRDB
import Testing

/// The store on a real SQLite file: what a report writes, what a resend and an older snapshot do not,
/// the package diff, the history, and the schema's invariants.
@Suite struct CollectorStoreTests {
    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    /// A fixture's inventory as the collector receives it: through JSON, so times are to the second.
    static func inventory(_ name: String) -> Inventory {
        let collected = InventoryProbe(.init(root: SystemRoot(Fixtures.system(name)), now: { time })).collect()
        return try! JSONCoder.decode(Inventory.self, from: JSONCoder.encode(collected))
    }

    static func store() throws -> (CollectorStore, String) {
        let directory = try Fixtures.temporaryDirectory()
        let store = try CollectorStore(path: directory + "/deskside.sqlite")
        try store.registerAgent(uuid: "agent-1", certificateFingerprint: "SHA256:aa", at: time)
        return (store, directory)
    }

    /// SECURITY-TESTS 16: acknowledged means on disk. The writer commits with
    /// `synchronous=FULL` (2) unless the config asks for `normal` (1), GRDB's WAL default.
    @Test func commitsAreSyncedBeforeTheyAreAcknowledged() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CollectorStore(path: directory + "/full.sqlite")
        #expect(try store.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
        let fast = try CollectorStore(path: directory + "/normal.sqlite", durability: .normal)
        #expect(try fast.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 1)
    }

    @Test func aFullReportIsStoredAndReadBackExactly() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inventory = Self.inventory("laptop")
        let outcome = try store.record(agentUUID: "agent-1", reportID: "r1", sequence: 1, kind: .full, inventory: inventory, faults: [], receivedAt: Self.time)
        guard case .stored(let assetID, _) = outcome else { Issue.record("not stored: \(outcome)"); return }
        let stored = try #require(try store.inventory(assetID: assetID))
        #expect(stored == inventory)
        #expect(InventoryHash(stored).combined == InventoryHash(inventory).combined)
        #expect(try store.agentState(uuid: "agent-1")?.base == InventoryHash(inventory).combined)
        #expect(try store.count("assetPackage") == inventory.software.packages.count)
        #expect(try store.integrityProblems().isEmpty)
    }

    /// SECURITY-TESTS 14/15: a resent report is stored once. 20: an older snapshot never wins.
    @Test func resendsAreStoredOnceAndOlderSnapshotsDoNotOverwrite() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = Self.inventory("laptop")
        var second = first
        second.software.packages.removeLast()
        _ = try store.record(agentUUID: "agent-1", reportID: "r1", sequence: 1, kind: .full, inventory: first, faults: [], receivedAt: Self.time)
        _ = try store.record(agentUUID: "agent-1", reportID: "r2", sequence: 2, kind: .full, inventory: second, faults: [], receivedAt: Self.time)
        #expect(try store.record(agentUUID: "agent-1", reportID: "r2", sequence: 2, kind: .full, inventory: second, faults: [], receivedAt: Self.time) == .duplicate)
        #expect(try store.record(agentUUID: "agent-1", reportID: "r1-late", sequence: 1, kind: .full, inventory: first, faults: [], receivedAt: Self.time) == .stale)
        let assetID = try #require(try store.assetID(agentUUID: "agent-1"))
        #expect(try store.inventory(assetID: assetID) == second)
        #expect(try store.count("report") == 3)
        #expect(try store.count("asset") == 1)
    }

    @Test func packageChangesAreADiffWithOneEventEach() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let base = Self.inventory("laptop")
        var new = base
        let removed = new.software.packages.removeFirst()
        new.software.packages[0].version = "9.9-1"
        let upgraded = new.software.packages[0]
        new.software.packages.append(Package(name: "zz-new", version: "1.0", architecture: "amd64", manager: "dpkg"))
        new.software.sortPackages()
        _ = try store.record(agentUUID: "agent-1", reportID: "r1", sequence: 1, kind: .full, inventory: base, faults: [], receivedAt: Self.time)
        let dictionaryBefore = try store.count("packageVersion")
        let outcome = try store.record(agentUUID: "agent-1", reportID: "r2", sequence: 2, kind: .delta, inventory: new, faults: [], receivedAt: Self.time + 60)
        guard case .stored(let assetID, let events) = outcome else { Issue.record("not stored"); return }
        #expect(events == 3)
        let history = try store.history(assetID: assetID).filter { $0.section == "software" }
        #expect(history.contains { $0.item == "\(removed.name):\(removed.architecture)" && $0.newValue == nil })
        #expect(history.contains { $0.item == "\(upgraded.name):\(upgraded.architecture)" && $0.newValue == "9.9-1" && $0.oldValue != nil })
        #expect(history.contains { $0.item == "zz-new:amd64" && $0.oldValue == nil && $0.newValue == "1.0" })
        // The shared dictionary grew by the two new versions; nothing was deleted and reinserted.
        #expect(try store.count("packageVersion") == dictionaryBefore + 2)
        #expect(try store.inventory(assetID: assetID) == new)
    }

    /// The console's software table: a page of the packages in the inventory's own order, searched by
    /// name, with the counts; and the inventory without its packages for the rest of the page.
    @Test func packagesComeAPageAtATimeInTheInventorysOrder() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var inventory = Self.inventory("debian-vm")
        inventory.software.packages.append(Package(name: "Zz-Upper", version: "1", architecture: "all", manager: "dpkg"))
        inventory.software.sortPackages()
        let outcome = try store.record(agentUUID: "agent-1", reportID: "r1", sequence: 1, kind: .full, inventory: inventory, faults: [], receivedAt: Self.time)
        guard case .stored(let assetID, _) = outcome else { Issue.record("not stored"); return }
        let all = inventory.software.packages
        #expect(all.count > 700)
        let second = try store.packages(assetID: assetID, nameContains: "", limit: 100, offset: 100)
        #expect(second.items.map(\.name) == all[100..<200].map(\.name))
        #expect(second.items.map(\.version) == all[100..<200].map(\.version))
        #expect(second.matching == all.count && second.total == all.count)
        let search = try store.packages(assetID: assetID, nameContains: "LIB", limit: 500, offset: 0)
        let expected = all.filter { $0.name.lowercased().contains("lib") }
        #expect(!expected.isEmpty && search.items.map(\.name) == expected.prefix(500).map(\.name) && search.matching == expected.count)
        #expect(try store.packages(assetID: assetID, nameContains: "zz-upper", limit: 10, offset: 0).items.map(\.name) == ["Zz-Upper"])
        #expect(try store.packages(assetID: assetID, nameContains: "%", limit: 10, offset: 0).matching == 0, "no pattern syntax")
        let bare = try #require(try store.inventory(assetID: assetID, packages: false))
        #expect(bare.software.packages.isEmpty && bare.software.packageManagers == inventory.software.packageManagers && bare.hardware == inventory.hardware)
        #expect(try store.inventory(assetID: assetID) == inventory, "read back in the canonical order")
    }

    @Test func hardwareChangesAndFaultsAreHistory() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let base = Self.inventory("laptop")
        var new = base
        new.hardware.memory.totalBytes = 8 << 30
        new.hardware.memory.modules.removeLast()
        let fault = Fault(code: "disk.space.low", severity: .warning, subject: "/home", summary: "low", facts: ["freePercent": .double(4.2)])
        _ = try store.record(agentUUID: "agent-1", reportID: "r1", sequence: 1, kind: .full, inventory: base, faults: [fault], receivedAt: Self.time)
        _ = try store.record(agentUUID: "agent-1", reportID: "r2", sequence: 2, kind: .delta, inventory: new, faults: [], receivedAt: Self.time + 60)
        let assetID = try #require(try store.assetID(agentUUID: "agent-1"))
        let history = try store.history(assetID: assetID)
        #expect(history.contains { $0.section == "hardware" && $0.item == "memory.totalBytes" && $0.newValue == String(8 << 30) })
        #expect(history.contains { $0.section == "hardware" && $0.item == "memory.modules" })
        #expect(history.contains { $0.section == "faults" && $0.item == "disk.space.low /home" && $0.newValue == "warning" })
        #expect(history.contains { $0.section == "faults" && $0.item == "disk.space.low /home" && $0.oldValue == "warning" && $0.newValue == nil })
        #expect(try store.faultRecords(assetID: assetID).isEmpty)
    }

    /// SECURITY-TESTS 26: SQL metacharacters in every field are stored literally.
    @Test func hostileTextIsStoredLiterally() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var inventory = Self.inventory("fedora")
        // NUL bytes are refused at intake (SECURITY-TESTS 25) and never reach the store.
        let hostile = "x'); DROP TABLE asset; -- <script>alert(1)</script> \u{7}\"%_"
        inventory.os.hostname = hostile
        inventory.software.packages.append(Package(name: hostile, version: hostile, architecture: hostile, manager: "rpm", summary: hostile))
        inventory.software.sortPackages()
        let fault = Fault(code: "service.failed", severity: .warning, subject: hostile, summary: hostile, facts: ["unit": .string(hostile)])
        guard case .stored(let assetID, _) = try store.record(agentUUID: "agent-1", reportID: hostile, sequence: 1, kind: .full, inventory: inventory,
                                                             faults: [fault], receivedAt: Self.time) else { Issue.record("not stored"); return }
        #expect(try store.inventory(assetID: assetID) == inventory)
        #expect(try store.faultRecords(assetID: assetID).first?.subject == hostile)
        #expect(try store.count("asset") == 1)
        #expect(try store.integrityProblems().isEmpty)
    }

    /// Two machines with the same package version but different details each keep their own: one
    /// agent's report never rewrites another asset's packages, and each reads back exactly.
    @Test func sharedPackageVersionsKeepEachAssetsDetails() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try store.registerAgent(uuid: "agent-2", certificateFingerprint: "SHA256:bb", at: Self.time)
        let first = Self.inventory("laptop")
        var second = first.machine(2)
        second.software.packages[0].summary = "tampered summary"
        second.software.packages[1].installedAt = Self.time
        _ = try store.record(agentUUID: "agent-1", reportID: "r1", sequence: 1, kind: .full, inventory: first, faults: [], receivedAt: Self.time)
        _ = try store.record(agentUUID: "agent-2", reportID: "r1", sequence: 1, kind: .full, inventory: second, faults: [], receivedAt: Self.time)
        let firstAsset = try #require(try store.assetID(agentUUID: "agent-1"))
        let secondAsset = try #require(try store.assetID(agentUUID: "agent-2"))
        #expect(try store.inventory(assetID: firstAsset) == first)
        #expect(try store.inventory(assetID: secondAsset) == second)
        // A reinstall at the same version (new install time) is stored, without a history event.
        var reinstalled = first
        reinstalled.software.packages[2].installedAt = Self.time + 5
        guard case .stored(_, let events) = try store.record(agentUUID: "agent-1", reportID: "r2", sequence: 2, kind: .delta, inventory: reinstalled,
                                                            faults: [], receivedAt: Self.time) else { Issue.record("not stored"); return }
        #expect(events == 0)
        #expect(try store.inventory(assetID: firstAsset) == reinstalled)
    }

    /// Sequence 0 is a first report like any other; sequences beyond SQLite's integers are refused.
    @Test func sequenceZeroIsStoredAndHugeSequencesAreRefused() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard case .stored = try store.record(agentUUID: "agent-1", reportID: "r0", sequence: 0, kind: .full, inventory: Self.inventory("fedora"),
                                             faults: [], receivedAt: Self.time) else { Issue.record("sequence 0 not stored"); return }
        #expect(throws: CollectorStore.StoreError.sequenceOutOfRange(UInt64.max)) {
            _ = try store.record(agentUUID: "agent-1", reportID: "r-max", sequence: UInt64.max, kind: .full, inventory: Self.inventory("fedora"),
                                 faults: [], receivedAt: Self.time)
        }
    }

    @Test func unknownAndRevokedAgentsAreRefused() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: CollectorStore.StoreError.unknownAgent("nobody")) {
            _ = try store.record(agentUUID: "nobody", reportID: "r", sequence: 1, kind: .full, inventory: Self.inventory("fedora"), faults: [], receivedAt: Self.time)
        }
        #expect(try store.count("asset") == 0)
        try store.revokeAgent(uuid: "agent-1", now: Self.time)
        #expect(throws: CollectorStore.StoreError.revokedAgent("agent-1")) {
            _ = try store.record(agentUUID: "agent-1", reportID: "r", sequence: 1, kind: .full, inventory: Self.inventory("fedora"), faults: [], receivedAt: Self.time)
        }
    }

    @Test func theSchemaHoldsItsInvariants() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try store.pool.write { db in
            #expect(throws: (any Error).self) { try db.execute(sql: "INSERT INTO assetPackage (assetId, packageVersionId) VALUES (999, 999)") }
            #expect(throws: (any Error).self) { try db.execute(sql: "INSERT INTO asset (createdAt, updatedAt, status) VALUES ('t', 't', 'stolen')") }
            #expect(throws: (any Error).self) { try db.execute(sql: "INSERT INTO agent (uuid, certificateFingerprint, enrolledAt) VALUES ('agent-1', 'x', 't')") }
        }
        // WAL mode, and the file reopens with its data.
        #expect(try store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        let reopened = try CollectorStore(path: directory + "/deskside.sqlite")
        #expect(try reopened.agentState(uuid: "agent-1") != nil)
    }
}
