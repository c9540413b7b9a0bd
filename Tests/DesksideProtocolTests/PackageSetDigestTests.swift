import DesksideInventory
import DesksideProtocol
import Testing

/// The software section's incremental digest: what a delta does to it equals hashing the result.
@Suite struct PackageSetDigestTests {
    static func package(_ name: String, _ version: String) -> Package {
        Package(name: name, version: version, architecture: "amd64", manager: "dpkg", summary: "the \(name) package")
    }

    @Test func orderDoesNotMatterAndUpdatesEqualAFreshDigest() {
        let packages = (0..<50).map { Self.package("p\($0)", "1.\($0)") }
        #expect(PackageSetDigest(packages) == PackageSetDigest(packages.reversed()))
        var updated = PackageSetDigest(packages)
        updated.remove(PackageSetDigest.digest(of: packages[7]))
        updated.add(PackageSetDigest.digest(of: Self.package("p7", "2.0")))
        var expected = packages
        expected[7] = Self.package("p7", "2.0")
        #expect(updated == PackageSetDigest(expected))
        #expect(updated != PackageSetDigest(packages))
        #expect(PackageSetDigest(bytes: updated.bytes) == updated)
        #expect(PackageSetDigest(bytes: [1, 2, 3]) == nil)
    }

    @Test func carriesAndBorrowsCrossLimbs() {
        var digest = PackageSetDigest()
        let ones = [UInt8](repeating: 0xFF, count: 32)
        let one = [1] + [UInt8](repeating: 0, count: 31)
        digest.add(ones)
        digest.add(one)
        #expect(digest.bytes == [UInt8](repeating: 0, count: 32), "2^256 - 1 + 1 wraps to 0")
        digest.remove(one)
        #expect(digest.bytes == ones, "0 - 1 borrows through every limb")
        digest.remove(ones)
        #expect(digest == PackageSetDigest())
    }

    @Test func managersArePartOfTheSectionHash() {
        let digest = PackageSetDigest([Self.package("a", "1")])
        #expect(digest.softwareHash(packageManagers: ["dpkg"]) != digest.softwareHash(packageManagers: ["dpkg", "rpm"]))
        #expect(digest.softwareHash(packageManagers: ["dpkg"]).count == 64)
    }
}
