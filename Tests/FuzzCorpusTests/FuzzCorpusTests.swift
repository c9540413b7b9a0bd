import DesksideFuzzing
import DesksideTestSupport
import Foundation
import Testing

/// Every input the fuzzers kept (Fuzz/Corpus/TARGET) and every input that ever crashed one
/// (Fuzz/Crashes/TARGET), through the same harness in the ordinary build: a crash found once stays
/// fixed. `scripts/bench fuzz` grows both.
@Suite struct FuzzCorpusTests {
    static func inputs(_ target: FuzzTarget, in folder: String) throws -> [String] {
        let directory = Fixtures.packageRoot + "/Fuzz/\(folder)/\(target.rawValue)"
        return try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }.sorted().map { directory + "/" + $0 }
    }

    @Test(arguments: FuzzTarget.allCases)
    func theCorpusAndEveryCrashRunClean(_ target: FuzzTarget) throws {
        let corpus = try Self.inputs(target, in: "Corpus")
        #expect(corpus.count >= 3, "the seeds are in the repository")
        for path in try corpus + Self.inputs(target, in: "Crashes") {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            target.run(bytes)
            // Every prefix too: a stream cut anywhere is what a dropped connection delivers.
            for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 16)) { target.run(Array(bytes[..<cut])) }
        }
    }
}
