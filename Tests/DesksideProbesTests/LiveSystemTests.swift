import DesksideInventory
import DesksideProbes
import DesksideTestSupport
import Foundation
import Testing

/// The live machine, where apt is present: the agent's packages and pending updates equal what
/// dpkg-query and `apt list --upgradable` print right now.
@Suite(.enabled(if: Fixtures.which("apt") != nil && Fixtures.which("dpkg-query") != nil
                  && !((try? FileManager.default.contentsOfDirectory(atPath: "/var/lib/apt/lists"))?.filter { $0.contains("_Packages") }.isEmpty ?? true),
                "needs apt, dpkg-query and downloaded package lists (apt-get update)"))
struct LiveSystemTests {
    @Test func packagesAndUpdatesEqualTheRealTools() throws {
        let inventory = InventoryProbe(.init(root: SystemRoot("/"))).collect()
        let query = try Fixtures.run(Fixtures.which("dpkg-query")!, ["-W", "-f=${db:Status-Status} ${Package} ${Architecture} ${Version}\n"])
        let installed = Set(String(decoding: query.stdout, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("installed ") }.map { $0.dropFirst("installed ".count) }.map(String.init))
        let got = Set(inventory.software.packages.map { "\($0.name) \($0.architecture) \($0.version)" })
        #expect(got == installed, "missing \(installed.subtracting(got).prefix(5)), extra \(got.subtracting(installed).prefix(5))")

        let apt = try Fixtures.run(Fixtures.which("apt")!, ["list", "--upgradable"])
        // name/suites candidate arch [upgradable from: installed]; security when a suite is a -security one.
        let upgradable = Set(String(decoding: apt.stdout, as: UTF8.self).split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count == 6, line.contains("[upgradable from:"), let slash = fields[0].firstIndex(of: "/") else { return nil }
            let security = fields[0][slash...].split(separator: ",").contains { $0.hasSuffix("-security") }
            return "\(fields[0][..<slash]) \(fields[2]) \(fields[5].dropLast()) \(fields[1]) \(security)"
        })
        let pending = Set(inventory.updates.pending.map { "\($0.name) \($0.architecture) \($0.installedVersion) \($0.candidateVersion) \($0.security)" })
        #expect(pending == upgradable, "missing \(upgradable.subtracting(pending).prefix(5)), extra \(pending.subtracting(upgradable).prefix(5))")
        if !upgradable.isEmpty { #expect(inventory.updates.source == "apt") }
    }
}
