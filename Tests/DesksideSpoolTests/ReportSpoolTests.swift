import DesksideSpool
import DesksideTestSupport
import Foundation
import Testing

/// The spool on real files: order, acknowledgement, restart, the bound and its gap, damaged entries,
/// a crash in the middle of a write, and a full disk (SECURITY-TESTS 12, 14, 18, 19).
@Suite struct ReportSpoolTests {
    static func body(_ n: Int, size: Int = 100) -> [UInt8] { Array("report \(n) ".utf8) + [UInt8](repeating: UInt8(n & 0xFF), count: size) }

    @Test func reportsWaitInOrderUntilAcknowledged() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try ReportSpool(directory: directory)
        for n in [3, 1, 2] { try spool.append(sequence: UInt64(n), body: Self.body(n)) }
        #expect(spool.pending().map(\.sequence) == [1, 2, 3])
        #expect(spool.pending().first?.body == Self.body(1))
        spool.acknowledge(through: 2)
        #expect(spool.pending().map(\.sequence) == [3])
        // A restart (a new instance on the same directory) finds what was not acknowledged.
        let reopened = try ReportSpool(directory: directory)
        #expect(reopened.pending().map(\.sequence) == [3])
        #expect(reopened.takeLoss().isEmpty)
    }

    @Test func theBoundDropsTheOldestAndRecordsTheGap() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try ReportSpool(directory: directory, maxEntries: 5, maxBytes: 1 << 20)
        for n in 1...12 { try spool.append(sequence: UInt64(n), body: Self.body(n)) }
        #expect(spool.pending().map(\.sequence) == [8, 9, 10, 11, 12])
        let loss = spool.takeLoss()
        #expect(loss.droppedReports == 7)
        #expect(loss.firstSequence == 1 && loss.lastSequence == 7)
        #expect(spool.takeLoss().isEmpty)

        // The byte bound too: three 400 KB reports in a 1 MB spool keep two.
        let small = try ReportSpool(directory: directory + "/bytes", maxEntries: 100, maxBytes: 1 << 20)
        for n in 1...3 { try small.append(sequence: UInt64(n), body: Self.body(n, size: 400_000)) }
        #expect(small.pending().map(\.sequence) == [2, 3])
        #expect(small.takeLoss().droppedReports == 1)
    }

    @Test func theGapSurvivesARestartUntilAReportCarriesIt() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try ReportSpool(directory: directory, maxEntries: 3)
        for n in 1...5 { try spool.append(sequence: UInt64(n), body: Self.body(n)) }
        // A restart before the next contact still knows what was dropped.
        let reopened = try ReportSpool(directory: directory, maxEntries: 3)
        let reported = reopened.loss
        #expect(reported.droppedReports == 2 && reported.firstSequence == 1 && reported.lastSequence == 2)
        // The report that carries the gap drops another entry: only that one is left to report.
        try reopened.append(sequence: 6, body: Self.body(6))
        reopened.forget(reported)
        #expect(reopened.loss.droppedReports == 1 && reopened.loss.firstSequence == 3 && reopened.loss.lastSequence == 3)
        #expect(try ReportSpool(directory: directory, maxEntries: 3).loss == reopened.loss)
        _ = reopened.takeLoss()
        #expect(try ReportSpool(directory: directory, maxEntries: 3).loss.isEmpty)
    }

    @Test func damagedEntriesAreSetAsideAndCounted() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try ReportSpool(directory: directory)
        for n in 1...4 { try spool.append(sequence: UInt64(n), body: Self.body(n)) }
        let name = { (n: Int) in directory + "/" + String(repeating: "0", count: 19) + "\(n).report" }
        // Truncated, bit-flipped, and replaced by garbage.
        let truncated = try Data(contentsOf: URL(fileURLWithPath: name(1))).prefix(30)
        try truncated.write(to: URL(fileURLWithPath: name(1)))
        var flipped = try Data(contentsOf: URL(fileURLWithPath: name(2)))
        flipped[flipped.count - 5] ^= 0xFF
        try flipped.write(to: URL(fileURLWithPath: name(2)))
        try Data("not a spool entry".utf8).write(to: URL(fileURLWithPath: name(3)))
        #expect(spool.pending().map(\.sequence) == [4])
        #expect(spool.takeLoss().corruptEntries == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/corrupt").count == 3)
        // A fresh entry after the damage is stored and read normally.
        try spool.append(sequence: 5, body: Self.body(5))
        #expect(spool.pending().map(\.sequence) == [4, 5])
    }

    /// An entry that cannot be read now (here: not a regular file) is skipped, not destroyed.
    @Test func unreadableEntriesAreSkippedNotDestroyed() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try ReportSpool(directory: directory)
        try spool.append(sequence: 1, body: Self.body(1))
        try FileManager.default.createDirectory(atPath: directory + "/00000000000000000002.report", withIntermediateDirectories: false)
        #expect(spool.pending().map(\.sequence) == [1])
        #expect(spool.takeLoss().isEmpty)
        #expect(FileManager.default.fileExists(atPath: directory + "/00000000000000000002.report"))
    }

    @Test func aWriteCutShortByACrashLeavesNoEntry() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try ReportSpool(directory: directory)
        try spool.append(sequence: 1, body: Self.body(1))
        // What a kill -9 between write and rename leaves behind.
        try Data("DSKSPL1\n partial".utf8).write(to: URL(fileURLWithPath: directory + "/00000000000000000002.report.tmp"))
        #expect(spool.pending().map(\.sequence) == [1])
        #expect(spool.takeLoss().isEmpty)
    }

    /// A full disk: the new report is refused with `diskFull`, nothing stored is lost.
    @Test(.enabled(if: getuid() == 0 && Fixtures.which("mount") != nil, "needs root to mount a small tmpfs"))
    func aFullDiskRefusesTheNewReportAndKeepsTheOld() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard try Fixtures.run(Fixtures.which("mount")!, ["-t", "tmpfs", "-o", "size=64k", "tmpfs", directory]).status == 0 else {
            Issue.record("mounting a tmpfs failed")
            return
        }
        defer { _ = try? Fixtures.run(Fixtures.which("umount")!, [directory]) }
        let spool = try ReportSpool(directory: directory + "/spool")
        try spool.append(sequence: 1, body: Self.body(1, size: 20_000))
        #expect(throws: ReportSpool.SpoolError.diskFull) { try spool.append(sequence: 2, body: Self.body(2, size: 100_000)) }
        #expect(spool.pending().map(\.sequence) == [1])
        #expect(!FileManager.default.fileExists(atPath: directory + "/spool/00000000000000000002.report.tmp"))
    }
}
