#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideJSON
import Crypto
public import DesksideInventory

/// The digest of a set of packages that can be updated one package at a time: the sum, modulo
/// 2^256, of each package's SHA-256 (see ``digest(of:)``). Adding or removing a package changes it
/// in constant time, so the collector applies a delta of twenty packages to a machine of two thousand
/// without reading or hashing the other 1,980. Order does not matter, so no sorting is needed.
///
/// This is a consistency check between an agent and its collector, not a signature: an agent can only
/// describe its own machine, so the weaker collision resistance of additive set hashing against a
/// deliberate forger buys it nothing.
public struct PackageSetDigest: Sendable, Equatable {
    /// Little-endian 64-bit limbs.
    public private(set) var limbs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    public init() {}

    public init(_ packages: some Sequence<Package>) {
        for package in packages { add(Self.digest(of: package)) }
    }

    /// Restores a digest from its 32 bytes (as ``bytes`` wrote them).
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        limbs = Self.limbs(bytes)
    }

    /// One package's digest: SHA-256 over the hex SHA-256 of its canonical JSON without the install
    /// time, a newline, and the install time (RFC 3339, empty when unknown). The collector keeps the
    /// first hash with the package details it shares between assets, and the install time per asset,
    /// so it can compute any stored package's digest without storing it.
    public static func digest(of package: Package) -> [UInt8] {
        let details = details(of: package)
        return digest(detailsHash: details.hash, installedAt: details.installedAt)
    }

    /// A package's canonical JSON without its install time, that JSON's hex SHA-256, and the install
    /// time as RFC 3339: the parts of its digest, and what the collector stores.
    public static func details(of package: Package) -> (body: [UInt8], hash: String, installedAt: String?) {
        let body = canonicalDetails(of: package)
        return (body, Hex.encode(SHA256.hash(data: body)), package.installedAt.map { ISO8601.format(secondsSince1970: $0.timeIntervalSince1970) })
    }

    /// `JSONCoder.encode` of the package without its install time, byte for byte (keys sorted, `nil`
    /// left out), written directly: this runs for every package of every full report, on both sides.
    static func canonicalDetails(of package: Package) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(160 + package.name.utf8.count + (package.summary?.utf8.count ?? 0) + (package.vendor?.utf8.count ?? 0))
        var first = true
        func member(_ key: StaticString, _ value: String?) {
            guard let value else { return }
            open(key)
            JSONSerializer.writeString(value, into: &output)
        }
        func open(_ key: StaticString) {
            output.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            output.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        // In the order the encoder sorts them (bytewise).
        member("architecture", package.architecture)
        member("manager", package.manager)
        member("name", package.name)
        member("section", package.section)
        if let size = package.sizeBytes {
            open("sizeBytes")
            output.append(contentsOf: String(size).utf8)
        }
        member("source", package.source)
        member("summary", package.summary)
        member("vendor", package.vendor)
        member("version", package.version)
        output.append(UInt8(ascii: "}"))
        return output
    }

    public static func digest(detailsHash: String, installedAt: String?) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array(detailsHash.utf8))
        hasher.update(data: [0x0A])
        if let installedAt { hasher.update(data: Array(installedAt.utf8)) }
        return Array(hasher.finalize())
    }

    public mutating func add(_ digest: [UInt8]) { combine(digest, subtracting: false) }

    public mutating func remove(_ digest: [UInt8]) { combine(digest, subtracting: true) }

    /// Adds or subtracts a digest, limb by limb with carry (or borrow), modulo 2^256.
    private mutating func combine(_ digest: [UInt8], subtracting: Bool) {
        let other = Self.limbs(digest)
        var carry: UInt64 = 0
        func step(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let (partial, overflow1) = subtracting ? a.subtractingReportingOverflow(b) : a.addingReportingOverflow(b)
            let (result, overflow2) = subtracting ? partial.subtractingReportingOverflow(carry) : partial.addingReportingOverflow(carry)
            carry = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
            return result
        }
        limbs = (step(limbs.0, other.0), step(limbs.1, other.1), step(limbs.2, other.2), step(limbs.3, other.3))
    }

    /// The 32 bytes, little-endian.
    public var bytes: [UInt8] {
        [limbs.0, limbs.1, limbs.2, limbs.3].flatMap { limb in (0..<8).map { UInt8(truncatingIfNeeded: limb >> ($0 * 8)) } }
    }

    /// The software section's hash: the package managers and this digest, hashed together.
    public func softwareHash(packageManagers: [String]) -> String {
        let managers = (try? JSONCoder.encode(packageManagers)) ?? []
        return Hex.encode(SHA256.hash(data: Array("software/2\n".utf8) + managers + [0x0A] + bytes))
    }

    private static func limbs(_ bytes: [UInt8]) -> (UInt64, UInt64, UInt64, UInt64) {
        func limb(_ index: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[index * 8 + $1]) << ($1 * 8) } }
        return (limb(0), limb(1), limb(2), limb(3))
    }

    public static func == (a: PackageSetDigest, b: PackageSetDigest) -> Bool {
        a.limbs.0 == b.limbs.0 && a.limbs.1 == b.limbs.1 && a.limbs.2 == b.limbs.2 && a.limbs.3 == b.limbs.3
    }
}
