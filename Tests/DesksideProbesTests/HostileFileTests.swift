import DesksideJSON
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

/// Numbers from files that would trap Swift's arithmetic if trusted: overflowing sizes, NaN and
/// infinite times, timestamps past 2262. Each is dropped or clamped, never a crash.
@Suite struct HostileNumberTests {
    static func tree(_ files: [String: String]) throws -> String {
        let root = try Fixtures.temporaryDirectory()
        for (path, content) in files {
            try FileManager.default.createDirectory(atPath: root + (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: root + path, atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test func absurdValuesAreDroppedNotTrapped() throws {
        let root = try Self.tree([
            "/proc/uptime": "nan 1.0\n",
            "/proc/stat": "cpu 1 2 3\nbtime 1e300\n",
            "/proc/meminfo": "MemTotal: 18446744073709551615 kB\nMemAvailable: 100 kB\n",
            "/sys/block/sda/size": "18446744073709551615\n",
            "/sys/block/sda/device/model": "X\n",
            "/var/lib/dpkg/status": "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\nInstalled-Size: 18446744073709551615\n\n",
            "/proc/mounts": "/dev/sda1 / ext4 rw 0 0\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let huge = VolumeProbe.SpaceFigures(blockSize: 1 << 40, blocks: 1 << 40, blocksFree: 1 << 41, blocksAvailable: UInt64.max)
        let inventory = InventoryProbe(.init(root: SystemRoot(root), space: { _ in huge })).collect()
        #expect(inventory.os.uptimeSeconds == nil)
        #expect(inventory.os.bootTime == nil)
        #expect(inventory.hardware.memory.totalBytes == nil)
        #expect(inventory.hardware.memory.availableBytes == 102_400)
        #expect(inventory.hardware.disks.first?.sizeBytes == nil)
        #expect(inventory.software.packages.first?.sizeBytes == nil)
        #expect(inventory.hardware.volumes.first?.sizeBytes == nil)
        // And the checks and the JSON cope with what is left.
        _ = FaultCheckerSmoke.run(inventory)
        _ = try JSONCoder.encode(inventory)
    }

    @Test func uptimeInfinityAndNegativeAreDropped() throws {
        for value in ["inf", "-5", "1e400"] {
            let root = try Self.tree(["/proc/uptime": "\(value) 1.0\n"])
            defer { try? FileManager.default.removeItem(atPath: root) }
            #expect(InventoryProbe(.init(root: SystemRoot(root))).collect().os.uptimeSeconds == nil, "\(value)")
        }
    }

    @Test func timestampsPastTheYear2262DoNotTrap() throws {
        let root = try Self.tree(["/run/reboot-required": ""])
        defer { try? FileManager.default.removeItem(atPath: root) }
        // touch accepts dates far in the future; stat then reports seconds beyond Int64 nanoseconds.
        #expect(try Fixtures.run(Fixtures.which("touch")!, ["-d", "2300-01-01", root + "/run/reboot-required"]).status == 0)
        let inventory = InventoryProbe(.init(root: SystemRoot(root))).collect()
        #expect(inventory.health.rebootRequired)
        #expect(ISO8601.format(secondsSince1970: .infinity) == "9999-12-31T23:59:59Z")
        #expect(ISO8601.format(secondsSince1970: .nan).count == 20)
    }

    @Test func aFIFOWhereAFileShouldBeIsRefusedNotWaitedOn() throws {
        let root = try Self.tree([:])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/proc", withIntermediateDirectories: true)
        #expect(mkfifo(root + "/proc/cpuinfo", 0o600) == 0)
        let inventory = InventoryProbe(.init(root: SystemRoot(root))).collect()
        #expect(inventory.notes.contains { $0.source == "/proc/cpuinfo" && $0.kind == .unreadable })
    }
}

import DesksideChecks

enum FaultCheckerSmoke {
    static func run(_ inventory: Inventory) -> [Fault] {
        var policy = FaultPolicy()
        policy.diskFreeBytesMin = UInt64.max
        return FaultChecker(policy: policy).faults(in: inventory, now: Date())
    }
}
