import DesksideJSON
import DesksideIngest
import DesksideInventory
import DesksideProbes
import DesksideProtocol
import DesksideStoreSQLite
import DesksideTestSupport
import Foundation
import Testing

/// Reports as they arrive, against a real SQLite store: full, delta, heartbeat, resends, wrong bases.
@Suite struct ReportIngestTests {
    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    static func inventory(_ name: String) -> Inventory {
        let collected = InventoryProbe(.init(root: SystemRoot(Fixtures.system(name)), now: { time })).collect()
        return try! JSONCoder.decode(Inventory.self, from: JSONCoder.encode(collected))
    }

    static func setUp() throws -> (ReportIngest, CollectorStore, String) {
        let directory = try Fixtures.temporaryDirectory()
        let store = try CollectorStore(path: directory + "/deskside.sqlite")
        try store.registerAgent(uuid: "agent-1", certificateFingerprint: "SHA256:aa", at: time)
        return (ReportIngest(store: store), store, directory)
    }

    static func full(_ inventory: Inventory, id: String, sequence: UInt64) -> Report {
        Report(id: id, sequence: sequence, kind: .full, base: nil, hash: InventoryHash(inventory).combined, collectedAt: inventory.collectedAt,
               inventory: inventory, faults: [])
    }

    static func delta(from base: Inventory, to new: Inventory, id: String, sequence: UInt64) -> Report {
        let delta = InventoryDelta(from: base, to: new)
        return Report(id: id, sequence: sequence, kind: .delta, base: delta.base, hash: delta.target, collectedAt: new.collectedAt, delta: delta, faults: [])
    }

    /// One agent cannot flood the desk with faults: malformed codes are dropped, a report keeps at most
    /// 64 faults (the most severe), and a code the desk has no rule for is recorded without a ticket.
    @Test func faultsPerReportAreCappedAndUnknownCodesOpenNoTicket() throws {
        let (ingest, store, directory) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var faults = (0..<300).map { Fault(code: "made.up.\($0)", severity: .warning, subject: "", summary: "noise", facts: [:]) }
        faults.append(Fault(code: "disk.space.low", severity: .critical, subject: "/home", summary: "full", facts: [:]))
        faults += ["", "Disk.Space", "bad code", String(repeating: "a", count: 65), "x;DROP TABLE fault"].map {
            Fault(code: $0, severity: .critical, subject: "", summary: "malformed", facts: [:])
        }
        var report = Self.full(Self.inventory("laptop"), id: "r1", sequence: 1)
        report.faults = faults
        #expect(try ingest.handle(report, from: "agent-1", receivedAt: Self.time) == .ack(Ack(id: "r1", sequence: 1, duplicate: false)))
        let assetID = try #require(try store.assetID(agentUUID: "agent-1"))
        let stored = try store.faultRecords(assetID: assetID)
        #expect(stored.count == ReportIngest.maxFaultsPerReport)
        #expect(stored.contains { $0.code == "disk.space.low" })
        #expect(!stored.contains { $0.summary == "malformed" })
        var query = CollectorStore.TicketQuery()
        query.includeStormMembers = true
        query.limit = 500
        let tickets = try store.tickets(matching: query).items
        #expect(tickets.count == 1, "only the known code opens a ticket: \(tickets.map(\.title))")
    }

    @Test func fullThenDeltaThenHeartbeat() throws {
        let (ingest, store, directory) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let base = Self.inventory("laptop")
        #expect(try ingest.handle(Self.full(base, id: "r1", sequence: 1), from: "agent-1", receivedAt: Self.time) == .ack(Ack(id: "r1", sequence: 1, duplicate: false)))
        var new = base
        new.collectedAt += 60
        new.software.packages.removeLast()
        #expect(try ingest.handle(Self.delta(from: base, to: new, id: "r2", sequence: 2), from: "agent-1", receivedAt: Self.time)
            == .ack(Ack(id: "r2", sequence: 2, duplicate: false)))
        let assetID = try #require(try store.assetID(agentUUID: "agent-1"))
        #expect(try store.inventory(assetID: assetID) == new)
        let hash = InventoryHash(new).combined
        let heartbeat = Report(id: "r3", sequence: 3, kind: .heartbeat, base: hash, hash: hash, collectedAt: new.collectedAt + 60, faults: [])
        #expect(try ingest.handle(heartbeat, from: "agent-1", receivedAt: Self.time) == .ack(Ack(id: "r3", sequence: 3, duplicate: false)))
        #expect(try store.inventory(assetID: assetID)?.collectedAt == new.collectedAt + 60)
        #expect(try store.agentState(uuid: "agent-1")?.sequence == 3)
    }

    @Test func aDeltaThatMissesItsTargetIsRolledBackWhole() throws {
        let (ingest, store, directory) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let base = Self.inventory("laptop")
        _ = try ingest.handle(Self.full(base, id: "r1", sequence: 1), from: "agent-1", receivedAt: Self.time)
        let assetID = try #require(try store.assetID(agentUUID: "agent-1"))
        let eventsBefore = try store.history(assetID: assetID).count
        var new = base
        new.software.packages.removeLast()
        new.os.hostname = "renamed"
        var report = Self.delta(from: base, to: new, id: "r2", sequence: 2)
        // The delta claims to remove a package the machine does not have.
        report.delta?.packagesRemoved.append(.init(Package(name: "ghost", version: "1", architecture: "all", manager: "dpkg")))
        guard case .needFullReport = try ingest.handle(report, from: "agent-1", receivedAt: Self.time) else { Issue.record("applied"); return }
        #expect(try store.inventory(assetID: assetID) == base)
        #expect(try store.history(assetID: assetID).count == eventsBefore)
        #expect(try store.agentState(uuid: "agent-1")?.sequence == 1)
        // The same change, honestly described, applies in place and reads back exactly.
        #expect(try ingest.handle(Self.delta(from: base, to: new, id: "r3", sequence: 3), from: "agent-1", receivedAt: Self.time)
            == .ack(Ack(id: "r3", sequence: 3, duplicate: false)))
        #expect(try store.inventory(assetID: assetID) == new)
        #expect(try store.asset(id: assetID)?.hostname == "renamed")
    }

    @Test func aSpoolGapIsRecordedInTheAssetsHistory() throws {
        let (ingest, store, directory) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var report = Self.full(Self.inventory("laptop"), id: "r9", sequence: 9)
        report.gap = SpoolGap(droppedReports: 3, firstSequence: 2, lastSequence: 4)
        #expect(try ingest.handle(report, from: "agent-1", receivedAt: Self.time) == .ack(Ack(id: "r9", sequence: 9, duplicate: false)))
        let assetID = try #require(try store.assetID(agentUUID: "agent-1"))
        let gaps = try store.history(assetID: assetID).filter { $0.item == "spool gap" }
        #expect(gaps.map(\.newValue) == ["3 report(s) lost while offline (sequences 2-4)"])
    }

    /// A full disk under the collector: the report is refused with an error (so not acknowledged), no
    /// partial rows stay, the database stays sound, and what was stored before is intact.
    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func aFullDiskRefusesTheReportAndKeepsTheDatabaseSound() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #require(try Fixtures.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1536k", "tmpfs", directory]).status == 0)
        defer { _ = try? Fixtures.run("/bin/umount", [directory]) }
        let store = try CollectorStore(path: directory + "/deskside.sqlite")
        let ingest = ReportIngest(store: store)
        var refused = false
        var stored = 0
        let base = Self.inventory("laptop")
        for index in 0..<200 where !refused {
            let agent = "agent-\(index)"
            do {
                try store.registerAgent(uuid: agent, certificateFingerprint: "SHA256:\(index)", at: Self.time)
                var inventory = base.machine(index)
                inventory.os.hostname = String(repeating: "h", count: 2000) + "\(index)"
                for package in inventory.software.packages.indices { inventory.software.packages[package].summary = String(repeating: "x", count: 400) + "\(index)" }
                _ = try ingest.handle(Self.full(inventory, id: "r\(index)", sequence: 1), from: agent, receivedAt: Self.time)
                stored += 1
            } catch {
                refused = true
                #expect("\(error)".contains("full"), "\(error)")
            }
        }
        #expect(refused, "the 1.5 MB disk filled up")
        #expect(stored > 0)
        #expect(try store.integrityProblems().isEmpty)
        // Every stored report has its asset and inventory; the refused one left nothing behind.
        let assets = try store.assets(matching: .init()).total
        #expect(assets == stored)
        let first = try #require(try store.assetID(agentUUID: "agent-0"))
        #expect(try store.inventory(assetID: first)?.software.packages.count == base.software.packages.count)
    }

    @Test func aResendIsAcknowledgedAsDuplicateEvenAfterTheBaseMoved() throws {
        let (ingest, _, directory) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let base = Self.inventory("laptop")
        var new = base
        new.software.packages.removeLast()
        let delta = Self.delta(from: base, to: new, id: "r2", sequence: 2)
        _ = try ingest.handle(Self.full(base, id: "r1", sequence: 1), from: "agent-1", receivedAt: Self.time)
        _ = try ingest.handle(delta, from: "agent-1", receivedAt: Self.time)
        #expect(try ingest.handle(delta, from: "agent-1", receivedAt: Self.time) == .ack(Ack(id: "r2", sequence: 2, duplicate: true)))
    }

    @Test func aDeltaOnAnotherBaseAsksForAFullReport() throws {
        let (ingest, _, directory) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let laptop = Self.inventory("laptop")
        var new = laptop
        new.software.packages.removeLast()
        // No inventory stored yet: any delta needs a full report first.
        guard case .needFullReport = try ingest.handle(Self.delta(from: laptop, to: new, id: "r1", sequence: 1), from: "agent-1", receivedAt: Self.time) else {
            Issue.record("expected needFullReport")
            return
        }
        _ = try ingest.handle(Self.full(Self.inventory("ubuntu"), id: "r2", sequence: 2), from: "agent-1", receivedAt: Self.time)
        guard case .needFullReport = try ingest.handle(Self.delta(from: laptop, to: new, id: "r3", sequence: 3), from: "agent-1", receivedAt: Self.time) else {
            Issue.record("expected needFullReport")
            return
        }
    }

    /// Report ids are per agent: another agent's ids neither shadow nor are shadowed; a revoked agent
    /// gets no acknowledgement, not even for a resend.
    @Test func reportIdsArePerAgentAndRevokedAgentsAreRefused() throws {
        let (ingest, store, directory) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try store.registerAgent(uuid: "agent-2", certificateFingerprint: "SHA256:bb", at: Self.time)
        let report = Self.full(Self.inventory("fedora"), id: "same-id", sequence: 1)
        #expect(try ingest.handle(report, from: "agent-1", receivedAt: Self.time) == .ack(Ack(id: "same-id", sequence: 1, duplicate: false)))
        #expect(try ingest.handle(report, from: "agent-2", receivedAt: Self.time) == .ack(Ack(id: "same-id", sequence: 1, duplicate: false)))
        #expect(try store.assetID(agentUUID: "agent-2") != nil)
        try store.revokeAgent(uuid: "agent-1", now: Self.time)
        guard case .error(let error) = try ingest.handle(report, from: "agent-1", receivedAt: Self.time) else { Issue.record("acknowledged"); return }
        #expect(error.code == "AGENT_REVOKED")
        var huge = Self.full(Self.inventory("fedora"), id: "r-huge", sequence: UInt64.max)
        huge.hash = InventoryHash(huge.inventory!).combined
        guard case .error(let range) = try ingest.handle(huge, from: "agent-2", receivedAt: Self.time) else { Issue.record("accepted"); return }
        #expect(range.code == "BAD_REPORT")
    }

    @Test func inconsistentReportsAreRefused() throws {
        let (ingest, store, directory) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var report = Self.full(Self.inventory("fedora"), id: "r1", sequence: 1)
        report.hash = "0000"
        guard case .error(let error) = try ingest.handle(report, from: "agent-1", receivedAt: Self.time) else { Issue.record("accepted"); return }
        #expect(error.code == "BAD_REPORT")
        #expect(try store.assetID(agentUUID: "agent-1") == nil)
    }

    /// SECURITY-TESTS 20: an older snapshot that arrives late is acknowledged and changes nothing.
    @Test func anOlderSnapshotArrivingLateChangesNothing() throws {
        let (ingest, store, directory) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let older = Self.inventory("laptop")
        var newer = older
        newer.software.packages.removeLast()
        _ = try ingest.handle(Self.full(newer, id: "r2", sequence: 2), from: "agent-1", receivedAt: Self.time)
        #expect(try ingest.handle(Self.full(older, id: "r1", sequence: 1), from: "agent-1", receivedAt: Self.time) == .ack(Ack(id: "r1", sequence: 1, duplicate: true)))
        let assetID = try #require(try store.assetID(agentUUID: "agent-1"))
        #expect(try store.inventory(assetID: assetID) == newer)
    }
}
