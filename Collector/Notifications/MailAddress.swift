import Foundation
/// An e-mail address as the desk accepts one: `local@domain`, the dot-atom form of RFC 5322 (no
/// quoted local parts, no comments, no display name, nothing that could end a header line).
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public let local: String
    public let domain: String

    private static let localCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~.-")
    private static let domainCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")

    public init?(_ text: String) {
        guard text.utf8.count <= 254, let at = text.lastIndex(of: "@") else { return nil }
        let local = text[..<at], domain = text[text.index(after: at)...]
        guard (1...64).contains(local.utf8.count), !domain.isEmpty,
              local.allSatisfy(Self.localCharacters.contains), domain.allSatisfy(Self.domainCharacters.contains),
              !local.hasPrefix("."), !local.hasSuffix("."), !local.contains(".."),
              domain.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") && $0.count <= 63 })
        else { return nil }
        self.local = String(local)
        self.domain = domain.lowercased()
    }

    public var description: String { "\(local)@\(domain)" }
}
