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
