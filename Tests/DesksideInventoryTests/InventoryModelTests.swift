import DesksideJSON
import DesksideInventory
import Foundation
import Testing

@Suite struct InventoryModelTests {
    @Test func freePercentIsComputedAsDfDoes() {
        // df: Use% = used / (used + avail); reserved blocks belong to neither.
        let volume = Volume(mountPoint: "/", device: "/dev/sda1", filesystem: "ext4", sizeBytes: 100, usedBytes: 60, freeBytes: 30)
        #expect(volume.freePercent == 100.0 / 3.0)
        #expect(Volume(mountPoint: "/", device: "d", filesystem: "f").freePercent == nil)
    }

    @Test func batteryWear() {
        #expect(Battery(name: "BAT0", present: true, designCapacity: 50000, fullCapacity: 30000).wearPercent == 40)
        #expect(Battery(name: "BAT0", present: true, designCapacity: 50000, fullCapacity: 51000).wearPercent == 0)
        #expect(Battery(name: "BAT0", present: true).wearPercent == nil)
    }

    @Test func securityCountCountsOnlySecurityUpdates() {
        let updates = Updates(source: "apt", pending: [
            PendingUpdate(name: "a", architecture: "amd64", installedVersion: "1", candidateVersion: "2", suites: [], security: true),
            PendingUpdate(name: "b", architecture: "amd64", installedVersion: "1", candidateVersion: "2", suites: [], security: false),
        ])
        #expect(updates.securityCount == 1)
    }

    @Test func inventoryRoundTripsThroughJSON() throws {
        var inventory = Inventory(collectedAt: Date(timeIntervalSince1970: 1_800_000_000), agent: AgentInfo(version: "1"))
        inventory.os.hostname = "ws-01 <script>alert(1)</script>"
        inventory.software.packages = [Package(name: "bash", version: "5.2-1", architecture: "amd64", source: "bash", manager: "dpkg")]
        inventory.notes = [ProbeNote(section: .hardware, probe: "dmi", kind: .missing, source: "/sys/class/dmi/id", message: "absent")]
        let decoded = try JSONCoder.decode(Inventory.self, from: JSONCoder.encode(inventory))
        #expect(decoded == inventory)
    }

    @Test func policyDefaultsFillMissingKeys() throws {
        let policy = try JSONCoder.decode(FaultPolicy.self, from: Array(#"{"batteryWearPercentMax": 25}"#.utf8))
        var expected = FaultPolicy()
        expected.batteryWearPercentMax = 25
        #expect(policy == expected)
        #expect(throws: JSONError.self) { _ = try JSONCoder.decode(FaultPolicy.self, from: Array(#"{"diskFreeBytesMin": -1}"#.utf8)) }
    }

    @Test func severityOrder() {
        #expect(Fault.Severity.info < .warning)
        #expect(Fault.Severity.warning < .critical)
    }
}
