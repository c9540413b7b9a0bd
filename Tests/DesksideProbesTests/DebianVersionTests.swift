@testable import DesksideProbes
import DesksideTestSupport
import Foundation
import Testing

/// Debian version order, checked against dpkg itself.
@Suite struct DebianVersionTests {
    /// Hand-picked cases from deb-version(5) and dpkg's own test suite (t/t-version.c), with the
    /// expected sign of compare(a, b).
    static let cases: [(String, String, Int)] = [
        ("1.0", "1.0", 0), ("1.0", "1.00", 0), ("1.0-1", "1.0-1", 0), ("0:1.0", "1.0", 0),
        ("1.0", "1.1", -1), ("1.1", "1.0", 1), ("1.0~rc1", "1.0", -1), ("1.0~~", "1.0~", -1),
        ("1.0~", "1.0", -1), ("1.0", "1.0+", -1), ("1.0+b1", "1.0", 1), ("1:0.1", "2.0", 1),
        ("2:1.0", "1:9.9", 1), ("1.0-1", "1.0-2", -1), ("1.0-10", "1.0-9", 1), ("1.0a", "1.0", 1),
        ("1.0.1", "1.0a", 1), ("1.2~rc1-1", "1.2-1", -1), ("a", "b", -1),
        ("1.0-1ubuntu1", "1.0-1", 1), ("1.0-1ubuntu0.22.04.1", "1.0-1ubuntu1", -1), ("9", "10", -1),
        ("1.001", "1.1", 0), ("1.0-0", "1.0", 0), ("7.88.1-10+deb12u14", "7.88.1-10+deb12u15", -1),
        ("2.36-9+deb12u10", "2.36-9+deb12u9", 1), ("1:2.38.1-5+deb12u3", "2.40", 1), ("1.0-a", "1.0-~", 1),
    ]

    @Test func handPickedCases() {
        for (a, b, expected) in Self.cases {
            let actual = DebianVersion.compare(DebianVersion(a), DebianVersion(b)).signum()
            #expect(actual == expected, "compare(\(a), \(b)) gave \(actual), expected \(expected)")
        }
    }

    @Test func parsesEpochUpstreamAndRevision() {
        let version = DebianVersion("2:1.2-3-4")
        #expect(version.epoch == 2)
        #expect(version.upstream == "1.2-3")
        #expect(version.revision == "4")
        #expect(DebianVersion("1.0").revision == "")
    }

    /// Many pairs: every hand-picked case and pairs of real versions from the fixture trees' dpkg status
    /// and apt lists, each compared by `dpkg --compare-versions` and by the agent.
    @Test(.enabled(if: Fixtures.which("dpkg") != nil, "needs dpkg"))
    func agreesWithDpkgOnManyPairs() throws {
        let status = try String(contentsOfFile: Fixtures.system("debian-vm") + "/var/lib/dpkg/status", encoding: .utf8)
        let real = status.split(separator: "\n").filter { $0.hasPrefix("Version: ") }.map { String($0.dropFirst(9)) }
        #expect(real.count > 500)
        var pairs = Self.cases.map { ($0.0, $0.1) }
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<400 {
            pairs.append((real.randomElement(using: &generator)!, real.randomElement(using: &generator)!))
        }
        // Near misses: the same version with small edits, where ordering bugs hide.
        for version in real.prefix(150) {
            for edit in ["~1", "+b1", ".0", "-1", "a", "~"] { pairs.append((version, version + edit)) }
        }
        let dpkg = Fixtures.which("dpkg")!
        var disagreements: [String] = []
        for (a, b) in pairs {
            let less = try Fixtures.run(dpkg, ["--compare-versions", a, "lt", b]).status == 0
            let equal = try Fixtures.run(dpkg, ["--compare-versions", a, "eq", b]).status == 0
            let expected = less ? -1 : (equal ? 0 : 1)
            let actual = DebianVersion.compare(DebianVersion(a), DebianVersion(b)).signum()
            if actual != expected { disagreements.append("\(a) vs \(b): dpkg \(expected), agent \(actual)") }
        }
        #expect(pairs.count > 1300)
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }
}

/// A small deterministic generator so that the sampled pairs are the same in every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 11 ^ state
    }
}

@Suite struct AptCandidateResolverTests {
    typealias Offer = AptCandidateResolver.Offer

    @Test func highestVersionAtTheDefaultPriorityWins() {
        let offers = [Offer(version: "2.0-1", priority: 500, suites: ["stable"], security: false),
                      Offer(version: "2.1-1", priority: 500, suites: ["stable-security"], security: true)]
        #expect(AptCandidateResolver.candidate(installed: "1.0-1", offers: offers)?.version == "2.1-1")
    }

    @Test func notAutomaticSuitesAreNotCandidates() {
        // experimental (priority 1) is newer but the installed version (100) wins.
        let offers = [Offer(version: "3.0-1", priority: 1, suites: ["experimental"], security: false)]
        #expect(AptCandidateResolver.candidate(installed: "2.0-1", offers: offers) == nil)
        // backports (100) does not replace a version installed from stable (500)...
        let backports = [Offer(version: "2.5-1~bpo12+1", priority: 100, suites: ["bookworm-backports"], security: false),
                         Offer(version: "2.0-1", priority: 500, suites: ["bookworm"], security: false)]
        #expect(AptCandidateResolver.candidate(installed: "2.0-1", offers: backports) == nil)
        // ...but does upgrade a version that came from backports (only the status file offers it, at 100).
        let fromBackports = [Offer(version: "2.5-1~bpo12+1", priority: 100, suites: ["bookworm-backports"], security: false)]
        #expect(AptCandidateResolver.candidate(installed: "2.4-1~bpo12+1", offers: fromBackports)?.version == "2.5-1~bpo12+1")
    }

    @Test func aPinAboveAThousandThatDowngradesIsNotAnUpgrade() {
        let offers = [Offer(version: "1.0-1", priority: 1001, suites: ["stable"], security: false)]
        #expect(AptCandidateResolver.candidate(installed: "2.0-1", offers: offers) == nil)
    }

    @Test func aPinnedOlderVersionHoldsBackANewerOne() {
        let offers = [Offer(version: "3.0-1", priority: 500, suites: ["stable"], security: false),
                      Offer(version: "2.5-1", priority: 990, suites: ["pinned"], security: false)]
        #expect(AptCandidateResolver.candidate(installed: "2.0-1", offers: offers)?.version == "2.5-1")
    }
}

@Suite struct AptPreferencesTests {
    @Test func pinsMatchByNameGlobAndRelease() {
        let text = """
        Package: nodejs
        Pin: origin deb.nodesource.com
        Pin-Priority: 600

        Package: *
        Pin: release a=bookworm-backports
        Pin-Priority: 400

        Package: lib*
        Pin: version 1.*
        Pin-Priority: 50

        Package: broken
        Pin-Priority: 10
        """
        let parsed = AptPreferences.parse(text)
        #expect(parsed.pins.count == 3)
        #expect(parsed.malformed == 1)
        var notes = NoteLog()
        let root = try! Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try! FileManager.default.createDirectory(atPath: root + "/etc/apt/preferences.d", withIntermediateDirectories: true)
        try! text.write(toFile: root + "/etc/apt/preferences.d/pins", atomically: true, encoding: .utf8)
        try! "x".write(toFile: root + "/etc/apt/preferences.d/ignored.txt", atomically: true, encoding: .utf8)
        let preferences = AptPreferences(root: SystemRoot(root), notes: &notes)
        let nodesource = AptPreferences.Source(release: nil, host: "deb.nodesource.com", component: "main", architecture: "amd64")
        let backports = AptPreferences.Source(release: AptRelease(suite: "bookworm-backports"), host: "deb.debian.org", component: "main", architecture: "amd64")
        #expect(preferences.priority(package: "nodejs", version: "20.1", source: nodesource, default: 500) == 600)
        #expect(preferences.priority(package: "nodejs", version: "20.1", source: backports, default: 500) == 400)
        #expect(preferences.priority(package: "libfoo", version: "1.2", source: nodesource, default: 500) == 50)
        #expect(preferences.priority(package: "libfoo", version: "2.2", source: nodesource, default: 500) == 500)
        #expect(notes.notes.count == 1)
    }
}
