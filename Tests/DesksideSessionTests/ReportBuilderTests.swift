import DesksideInventory
import DesksideProtocol
import DesksideSession
import Foundation
import Testing

@Suite struct ReportBuilderTests {
    static let base: Inventory = {
        var inventory = Inventory(collectedAt: Date(timeIntervalSince1970: 1_800_000_000), agent: AgentInfo(version: "0.1.0"))
        inventory.os.hostname = "ws-1"
        inventory.software.packages = (0..<50).map { Package(name: "p\($0)", version: "1.\($0)", architecture: "amd64", manager: "dpkg") }
        inventory.software.sortPackages()
        return inventory
    }()

    @Test func firstReportIsFull() {
        let report = ReportBuilder.report(id: "r1", sequence: 1, inventory: Self.base, faults: [], base: nil)
        #expect(report.kind == .full && report.inventory == Self.base && report.base == nil)
        #expect(report.hash == InventoryHash(Self.base).combined)
    }

    @Test func unchangedIsAHeartbeatChangedIsADelta() throws {
        var later = Self.base
        later.collectedAt += 3600
        let heartbeat = ReportBuilder.report(id: "r2", sequence: 2, inventory: later, faults: [], base: Self.base)
        #expect(heartbeat.kind == .heartbeat && heartbeat.delta == nil && heartbeat.inventory == nil)
        #expect(heartbeat.base == heartbeat.hash)
        later.software.packages[0].version = "2.0"
        let delta = ReportBuilder.report(id: "r3", sequence: 3, inventory: later, faults: [], base: Self.base)
        #expect(delta.kind == .delta)
        #expect(try delta.delta?.apply(to: Self.base) == later)
        #expect(ReportBuilder.report(id: "r4", sequence: 4, inventory: later, faults: [], base: Self.base, forceFull: true).kind == .full)
    }
}
