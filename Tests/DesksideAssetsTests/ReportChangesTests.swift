import DesksideAssets
import DesksideHelpdesk
import DesksideInventory
import Testing

/// What two reports of one machine say changed: the lines of its history, and the hardware changes
/// only the collector can see.
@Suite struct ReportChangesTests {
    static func machine() -> Hardware {
        var hardware = Hardware()
        hardware.system.serial = "PF2ABC12"
        hardware.memory = Memory(totalBytes: 16_500_000_000, availableBytes: 9_000_000_000,
                                 modules: [MemoryModule(slot: "DIMM A", sizeBytes: 8_589_934_592), MemoryModule(slot: "DIMM B", sizeBytes: 8_589_934_592)])
        hardware.disks = [Disk(name: "nvme0n1", serial: "S4EWNX0R123456", removable: false), Disk(name: "sda", serial: "USBSTICK0001", removable: true)]
        return hardware
    }

    @Test func nothingChangedIsNoFaultAndNoHistory() {
        var again = Self.machine()
        again.memory.availableBytes = 2_000_000_000
        #expect(HardwareChange.fault(old: Self.machine(), new: again) == nil)
        #expect(HistoryDiff.hardware(Self.machine(), again).isEmpty, "free memory changes on every report and is no history")
    }

    @Test func aModuleGoneADiskGoneAndANewSerialAreOneFault() throws {
        var swapped = Self.machine()
        swapped.memory.modules.removeLast()
        swapped.disks = [Disk(name: "nvme0n1", serial: "S5NEWDISK0001", removable: false)]
        swapped.system.serial = "SWAPPED-BOARD"
        let fault = try #require(HardwareChange.fault(old: Self.machine(), new: swapped))
        #expect(fault.code == CollectorFault.hardwareChanged && fault.severity == .warning)
        #expect(fault.summary == "Hardware changed: installed memory went from 16 GiB to 8 GiB; disk S4EWNX0R123456 is gone; the serial number changed from PF2ABC12 to SWAPPED-BOARD")
        #expect(fault.facts["disksGone"] == .string("S4EWNX0R123456") && fault.facts["disksAdded"] == .string("S5NEWDISK0001"))
        #expect(fault.facts["memoryBefore"] == .int(17_179_869_184) && fault.facts["memoryAfter"] == .int(8_589_934_592))
        let items = HistoryDiff.hardware(Self.machine(), swapped).map(\.item)
        #expect(items == ["system.serial", "memory.modules", "disks"])
    }

    @Test func withoutModulesOnlyALossOfMoreThanFivePercentCounts() {
        var before = Self.machine(), after = Self.machine()
        before.memory.modules = []
        after.memory.modules = []
        after.memory.totalBytes = 16_000_000_000
        #expect(HardwareChange.fault(old: before, new: after) == nil, "3% less: the kernel's figure moves between boots")
        after.memory.totalBytes = 8_000_000_000
        #expect(HardwareChange.fault(old: before, new: after)?.summary == "Hardware changed: memory went from 15.4 GiB to 7.5 GiB")
        // A removable disk unplugged, and more memory, are no fault.
        var grown = Self.machine()
        grown.disks.removeLast()
        grown.memory.modules.append(MemoryModule(slot: "DIMM C", sizeBytes: 8_589_934_592))
        #expect(HardwareChange.fault(old: Self.machine(), new: grown) == nil)
    }

    @Test func theOtherSectionsNameWhatChanged() {
        var os = OperatingSystem()
        os.prettyName = "Debian GNU/Linux 12 (bookworm)"
        os.kernelRelease = "6.1.0-25-amd64"
        var upgraded = os
        upgraded.kernelRelease = "6.1.0-26-amd64"
        let changes = HistoryDiff.os(os, upgraded)
        #expect(changes.count == 1 && changes[0].item == "kernelRelease" && changes[0].old == "6.1.0-25-amd64" && changes[0].new == "6.1.0-26-amd64")
        var health = Health()
        health.rebootRequired = true
        #expect(HistoryDiff.health(Health(), health).map(\.item) == ["rebootRequired"])
    }
}
