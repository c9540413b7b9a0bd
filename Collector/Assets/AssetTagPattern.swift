import DesksideHelpdesk

/// How asset tags are made: literal text around one run of `#`, which is a counter padded with
/// zeros to the run's width (`DS-#####` gives DS-00001, DS-00002, ...; past 99999, DS-100000). The
/// counter never goes back, so a deleted or retagged asset's tag is not given out again.
public struct AssetTagPattern: Sendable, Equatable, CustomStringConvertible {
    public let prefix: String
    public let width: Int
    public let suffix: String

    public static let standard = try! AssetTagPattern("DS-#####")

    public init(_ pattern: String) throws {
        guard let first = pattern.firstIndex(of: "#") else { throw HelpdeskError.invalid("the asset tag pattern needs a run of # for its number") }
        let run = pattern[first...].prefix { $0 == "#" }
        let rest = pattern[run.endIndex...]
        guard !rest.contains("#") else { throw HelpdeskError.invalid("the asset tag pattern has one run of # only") }
        guard run.count <= 12 else { throw HelpdeskError.invalid("the asset tag pattern's number is at most 12 digits") }
        prefix = String(pattern[..<first])
        width = run.count
        suffix = String(rest)
        try AssetTagPattern.checkText(prefix + suffix, what: "the asset tag pattern")
        guard (prefix + suffix).count + width <= 40 else { throw HelpdeskError.invalid("the asset tag pattern is longer than 40 characters") }
    }

    /// The tag for the counter's value `number` (1, 2, ...).
    public func tag(_ number: Int64) -> String {
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits + suffix
    }

    public var description: String { prefix + String(repeating: "#", count: width) + suffix }

    /// A tag someone typed: 1 to 40 printable characters, no spaces at either end (labels and
    /// scanners read it back).
    public static func validTag(_ tag: String) throws -> String {
        guard !tag.isEmpty else { throw HelpdeskError.invalid("an asset tag cannot be empty") }
        guard tag.count <= 40 else { throw HelpdeskError.invalid("an asset tag is at most 40 characters") }
        try checkText(tag, what: "an asset tag")
        guard tag.first != " ", tag.last != " " else { throw HelpdeskError.invalid("an asset tag cannot begin or end with a space") }
        return tag
    }

    static func checkText(_ text: String, what: String) throws {
        guard text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }) else {
            throw HelpdeskError.invalid("\(what) may not hold control characters")
        }
    }
}
