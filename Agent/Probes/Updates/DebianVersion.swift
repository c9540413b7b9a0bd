/// A Debian package version, `[epoch:]upstream_version[-debian_revision]`, ordered exactly as dpkg
/// orders them (deb-version(5); `verrevcmp` in dpkg's lib/dpkg/version.c): epochs numerically, then
/// upstream and revision by alternating non-digit and digit runs, where `~` sorts before everything,
/// even the end of the string, and letters sort before other characters.
public struct DebianVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let epoch: Int
    public let upstream: String
    public let revision: String

    /// Parses a version; never fails, like dpkg's lax parsing of installed versions.
    public init(_ text: String) {
        var rest = Substring(text)
        if let colon = rest.firstIndex(of: ":"), let value = Int(rest[..<colon]) {
            epoch = value
            rest = rest[rest.index(after: colon)...]
        } else {
            epoch = 0
        }
        if let dash = rest.lastIndex(of: "-") {
            upstream = String(rest[..<dash])
            revision = String(rest[rest.index(after: dash)...])
        } else {
            upstream = String(rest)
            revision = ""
        }
    }

    public var description: String {
        (epoch > 0 ? "\(epoch):" : "") + upstream + (revision.isEmpty ? "" : "-\(revision)")
    }

    public static func < (lhs: DebianVersion, rhs: DebianVersion) -> Bool { compare(lhs, rhs) < 0 }

    public static func == (lhs: DebianVersion, rhs: DebianVersion) -> Bool { compare(lhs, rhs) == 0 }

    public func hash(into hasher: inout Hasher) {
        // Equal versions may be spelled differently ("1.0" and "1.00"), so only the epoch is hashed.
        hasher.combine(epoch)
    }

    /// Negative, zero or positive as `lhs` sorts before, equal to or after `rhs`.
    public static func compare(_ lhs: DebianVersion, _ rhs: DebianVersion) -> Int {
        if lhs.epoch != rhs.epoch { return lhs.epoch < rhs.epoch ? -1 : 1 }
        let upstream = compareFragment(Array(lhs.upstream.utf8), Array(rhs.upstream.utf8))
        if upstream != 0 { return upstream }
        return compareFragment(Array(lhs.revision.utf8), Array(rhs.revision.utf8))
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private static func isAlpha(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }

    /// dpkg's `order()`: digits 0, letters their code, `~` below everything, other characters after letters.
    private static func order(_ c: UInt8?) -> Int {
        guard let c else { return 0 }
        if isDigit(c) { return 0 }
        if isAlpha(c) { return Int(c) }
        if c == UInt8(ascii: "~") { return -1 }
        return Int(c) + 256
    }

    private static func compareFragment(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0
        var j = 0
        func at(_ s: [UInt8], _ k: Int) -> UInt8? { k < s.count ? s[k] : nil }
        while i < a.count || j < b.count {
            var firstDiff = 0
            while (at(a, i).map { !isDigit($0) } ?? false) || (at(b, j).map { !isDigit($0) } ?? false) {
                let ac = order(at(a, i))
                let bc = order(at(b, j))
                if ac != bc { return ac - bc }
                i += 1
                j += 1
            }
            while at(a, i) == UInt8(ascii: "0") { i += 1 }
            while at(b, j) == UInt8(ascii: "0") { j += 1 }
            while let x = at(a, i), let y = at(b, j), isDigit(x), isDigit(y) {
                if firstDiff == 0 { firstDiff = Int(x) - Int(y) }
                i += 1
                j += 1
            }
            if let x = at(a, i), isDigit(x) { return 1 }
            if let y = at(b, j), isDigit(y) { return -1 }
            if firstDiff != 0 { return firstDiff }
        }
        return 0
    }
}
