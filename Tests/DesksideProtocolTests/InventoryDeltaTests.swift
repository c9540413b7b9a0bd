import DesksideJSON
import DesksideInventory
import DesksideProbes
import DesksideProtocol
import DesksideTestSupport
import Foundation
import Testing

/// Deltas between real inventories (the fixture trees): applying a delta gives back the new inventory
/// exactly; a delta against the wrong base is refused.
@Suite struct InventoryDeltaTests {
    static func inventory(_ name: String) -> Inventory {
        InventoryProbe(.init(root: SystemRoot(Fixtures.system(name)), now: { Date(timeIntervalSince1970: 1_800_000_000) })).collect()
    }

    @Test func aPackageChangeTravelsAsADiff() throws {
        let base = Self.inventory("laptop")
        var new = base
        new.collectedAt += 3600
        new.software.packages.removeFirst()
        new.software.packages[3].version += "+deb12u1"
        new.software.packages.append(Package(name: "zz-new", version: "1.0", architecture: "amd64", manager: "dpkg"))
        new.software.sortPackages()
        let delta = InventoryDelta(from: base, to: new)
        #expect(delta.packagesAdded.count == 2)
        #expect(delta.packagesRemoved.count == 2)
        #expect(delta.hardware == nil && delta.os == nil && delta.updates == nil)
        #expect(try delta.apply(to: base) == new)
        // The delta is a small fraction of the full report.
        #expect(try JSONCoder.encode(delta).count * 10 < JSONCoder.encode(new).count)
    }

    @Test func changedSectionsTravelWhole() throws {
        let base = Self.inventory("ubuntu")
        var new = base
        new.health.rebootRequired = false
        new.hardware.volumes[0].freeBytes = 1
        let delta = InventoryDelta(from: base, to: new)
        #expect(delta.health != nil && delta.hardware != nil && delta.os == nil)
        #expect(try delta.apply(to: base) == new)
    }

    @Test func nothingChangedIsEmpty() {
        let base = Self.inventory("fedora")
        var later = base
        later.collectedAt += 60
        #expect(InventoryDelta(from: base, to: later).isEmpty)
        #expect(InventoryHash(base).combined == InventoryHash(later).combined)
    }

    @Test func aDeltaOnTheWrongBaseIsRefused() throws {
        let base = Self.inventory("laptop")
        var new = base
        new.software.packages.removeLast()
        let delta = InventoryDelta(from: base, to: new)
        let other = Self.inventory("ubuntu")
        #expect(throws: InventoryDelta.ApplyError.self) { _ = try delta.apply(to: other) }
        var tampered = delta
        tampered.packagesRemoved = []
        #expect(throws: InventoryDelta.ApplyError.targetMismatch) { _ = try tampered.apply(to: base) }
    }

    @Test func deltasSurviveTheWire() throws {
        let base = Self.inventory("laptop")
        var new = base
        new.software.packages.removeLast()
        let delta = InventoryDelta(from: base, to: new)
        let report = WireMessage.report(Report(id: "r", sequence: 2, kind: .delta, base: delta.base, hash: delta.target,
                                               collectedAt: new.collectedAt, delta: delta, faults: []))
        var decoder = FrameDecoder()
        decoder.append(report.frame().encoded())
        guard case .report(let received) = try WireMessage(frame: try #require(try decoder.next())) else {
            Issue.record("not a report")
            return
        }
        #expect(try received.delta?.apply(to: base) == new)
    }
}
