import DesksideInventory
import DesksideProbes
import DesksideTestSupport
import Foundation
import Testing

/// Hostile and damaged files: too large, binary, unreadable. The agent notes them and carries on.
@Suite struct HostileFileTests {
    @Test func hugeFilesAreRefusedWithANote() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/proc/sys/kernel", withIntermediateDirectories: true)
        // A 3 MiB cpuinfo and a 3 MiB hostname: above the 1 MiB cap for small files.
        let big = String(repeating: "processor\t: 0\nmodel name\t: x\n", count: 100_000)
        try big.write(toFile: root + "/proc/cpuinfo", atomically: true, encoding: .utf8)
        try String(repeating: "h", count: 3 << 20).write(toFile: root + "/proc/sys/kernel/hostname", atomically: true, encoding: .utf8)
        try "MemTotal: 1000 kB\nMemAvailable: 10 kB\n".write(toFile: root + "/proc/meminfo", atomically: true, encoding: .utf8)
        let inventory = InventoryProbe(.init(root: SystemRoot(root), space: { _ in nil })).collect()
        #expect(inventory.notes.contains { $0.source == "/proc/cpuinfo" && $0.kind == .tooLarge })
        #expect(inventory.hardware.cpu.model == nil)
        #expect(inventory.os.hostname == nil)
        #expect(inventory.hardware.memory.totalBytes == 1_024_000)
    }

    /// A status "file" that cannot be read (here a directory, which fails for root too).
    @Test func unreadableFilesAreNotedAsSuch() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/var/lib/dpkg/status", withIntermediateDirectories: true)
        let inventory = InventoryProbe(.init(root: SystemRoot(root), space: { _ in nil })).collect()
        #expect(inventory.notes.contains { $0.source == "/var/lib/dpkg/status" && $0.kind == .unreadable })
        #expect(inventory.software.packages.isEmpty)
    }

    @Test func readErrorsAreTyped() throws {
        let root = SystemRoot(Fixtures.system("laptop"))
        #expect(throws: SystemRoot.ReadError.missing) { _ = try root.read("/no/such/file") }
        #expect(throws: SystemRoot.ReadError.tooLarge(limit: 10)) { _ = try root.read("/var/lib/dpkg/status", limit: 10) }
        #expect(root.attribute("/sys/class/dmi/id/sys_vendor") == "LENOVO")
    }
}
