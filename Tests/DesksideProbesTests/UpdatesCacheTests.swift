import DesksideInventory
import DesksideProbes
import DesksideTestSupport
import Foundation
import Testing

/// Pending updates are computed again only when the lists or the status file change.
@Suite struct UpdatesCacheTests {
    /// A writable copy of the laptop tree's apt and dpkg files.
    static func copyOfLaptop() throws -> String {
        let root = try Fixtures.temporaryDirectory()
        let source = Fixtures.system("laptop")
        for directory in ["/var/lib/dpkg", "/var/lib/apt"] {
            try FileManager.default.createDirectory(atPath: root + directory, withIntermediateDirectories: true)
            try FileManager.default.removeItem(atPath: root + directory)
            try FileManager.default.copyItem(atPath: source + directory, toPath: root + directory)
        }
        return root
    }

    static func pending(_ root: String, state: String) -> [PendingUpdate] {
        InventoryProbe(.init(root: SystemRoot(root), space: { _ in nil }, stateDirectory: state)).collect().updates.pending
    }

    @Test func unchangedFilesAreNotReadAgain() throws {
        let root = try Self.copyOfLaptop()
        let state = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root); try? FileManager.default.removeItem(atPath: state) }
        let first = Self.pending(root, state: state)
        #expect(first.count == 3)
        #expect(FileManager.default.fileExists(atPath: state + "/updates-cache.json"))

        // Replace every list by junk of the same size and time: a reader would find nothing, the cache
        // still answers because nothing it depends on looks changed.
        let lists = root + "/var/lib/apt/lists"
        for name in try FileManager.default.contentsOfDirectory(atPath: lists) where name.contains("_Packages") {
            let path = lists + "/" + name
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as! NSNumber).intValue
            #expect(try Fixtures.run(Fixtures.which("cp")!, ["-p", path, state + "/reference"]).status == 0)
            let handle = try #require(FileHandle(forWritingAtPath: path))
            handle.write(Data(repeating: 0x41, count: size))
            try handle.close()
            // touch -r keeps the nanoseconds that Foundation's dates would lose.
            #expect(try Fixtures.run(Fixtures.which("touch")!, ["-r", state + "/reference", path]).status == 0)
            try FileManager.default.removeItem(atPath: state + "/reference")
        }
        #expect(Self.pending(root, state: state).map(\.name) == first.map(\.name))

        // Touch the status file (as dpkg does on every change): the lists are read again, now junk.
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: root + "/var/lib/dpkg/status")
        #expect(Self.pending(root, state: state).isEmpty)
    }

    @Test func firstSeenTimesSurviveRuns() throws {
        let state = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let root = SystemRoot(Fixtures.system("laptop"))
        let early = Date(timeIntervalSince1970: 1_800_000_000)
        let first = InventoryProbe(.init(root: root, space: { _ in nil }, stateDirectory: state, now: { early })).collect()
        let later = InventoryProbe(.init(root: root, space: { _ in nil }, stateDirectory: state, now: { early + 86400 * 10 })).collect()
        #expect(first.updates.pending.allSatisfy { $0.firstSeenAt == early })
        #expect(later.updates.pending.allSatisfy { $0.firstSeenAt == early })
        #expect(later.updates.pending.count == 3)
    }
}

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

    @Test func unreadableFilesAreNotedAsSuch() throws {
        guard getuid() != 0 else { return } // root reads everything; covered by the note kinds elsewhere
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/var/lib/dpkg", withIntermediateDirectories: true)
        try "Package: a\n".write(toFile: root + "/var/lib/dpkg/status", atomically: true, encoding: .utf8)
        chmod(root + "/var/lib/dpkg/status", 0)
        let inventory = InventoryProbe(.init(root: SystemRoot(root), space: { _ in nil })).collect()
        #expect(inventory.notes.contains { $0.source == "/var/lib/dpkg/status" && $0.kind == .unreadable })
    }

    @Test func readErrorsAreTyped() throws {
        let root = SystemRoot(Fixtures.system("laptop"))
        #expect(throws: SystemRoot.ReadError.missing) { _ = try root.read("/no/such/file") }
        #expect(throws: SystemRoot.ReadError.tooLarge(limit: 10)) { _ = try root.read("/var/lib/dpkg/status", limit: 10) }
        #expect(root.attribute("/sys/class/dmi/id/sys_vendor") == "LENOVO")
    }
}

/// The live machine, where apt is present: the agent's packages and pending updates equal what
/// dpkg-query and `apt list --upgradable` print right now.
@Suite(.enabled(if: Fixtures.which("apt") != nil && Fixtures.which("dpkg-query") != nil, "needs apt and dpkg-query"))
struct LiveSystemTests {
    @Test func packagesAndUpdatesEqualTheRealTools() throws {
        let inventory = InventoryProbe(.init(root: SystemRoot("/"))).collect()
        let query = try Fixtures.run(Fixtures.which("dpkg-query")!, ["-W", "-f=${db:Status-Status} ${Package} ${Architecture} ${Version}\n"])
        let installed = Set(String(decoding: query.stdout, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("installed ") }.map { $0.dropFirst("installed ".count) }.map(String.init))
        let got = Set(inventory.software.packages.map { "\($0.name) \($0.architecture) \($0.version)" })
        #expect(got == installed, "missing \(installed.subtracting(got).prefix(5)), extra \(got.subtracting(installed).prefix(5))")

        let apt = try Fixtures.run(Fixtures.which("apt")!, ["list", "--upgradable"])
        let upgradable = Set(String(decoding: apt.stdout, as: UTF8.self).split(separator: "\n").compactMap { line -> String? in
            // name/suites candidate arch [upgradable from: installed]
            let fields = line.split(separator: " ")
            guard fields.count == 6, line.contains("[upgradable from:"), let slash = fields[0].firstIndex(of: "/") else { return nil }
            return "\(fields[0][..<slash]) \(fields[2]) \(fields[5].dropLast()) \(fields[1])"
        })
        let pending = Set(inventory.updates.pending.map { "\($0.name) \($0.architecture) \($0.installedVersion) \($0.candidateVersion)" })
        #expect(pending == upgradable, "missing \(upgradable.subtracting(pending).prefix(5)), extra \(pending.subtracting(upgradable).prefix(5))")
        if !upgradable.isEmpty { #expect(inventory.updates.source == "apt") }
    }
}
