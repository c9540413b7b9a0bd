import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A problem a check found on a machine. One fault per (code, subject); its fingerprint stays the same
/// for as long as the problem lasts, so that the collector can update one ticket instead of opening many.
public struct Fault: Codable, Sendable, Equatable {
    /// Stable code, e.g. `disk.space.low`. The list is in docs/inventory.md.
    public var code: String
    public var severity: Severity
    /// What the fault is about within the machine: a mount point, a disk, a unit; empty when machine-wide.
    public var subject: String
    /// Stable identity of this fault on this machine: hex SHA-256 of code and subject.
    public var fingerprint: String
    /// One line a person can read in a ticket title.
    public var summary: String
    /// The facts that triggered it, including the threshold that was crossed.
    public var facts: [String: FactValue]

    public init(code: String, severity: Severity, subject: String, summary: String, facts: [String: FactValue]) {
        self.code = code
        self.severity = severity
        self.subject = subject
        self.fingerprint = Fault.fingerprint(code: code, subject: subject)
        self.summary = summary
        self.facts = facts
    }

    /// The fingerprint of a fault: the first 32 hex digits of SHA-256 over `code`, a NUL byte and `subject`.
    public static func fingerprint(code: String, subject: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(code.utf8))
        hasher.update(data: [0])
        hasher.update(data: Array(subject.utf8))
        return Hex.encode(hasher.finalize().prefix(16))
    }

    /// How urgent a fault is.
    public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
        case info, warning, critical

        private var rank: Int {
            switch self {
            case .info: 0
            case .warning: 1
            case .critical: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }
}

/// A fact behind a fault: a number, a string or a flag, encoded as plain JSON.
public enum FactValue: Codable, Sendable, Equatable, CustomStringConvertible {
    case int(Int64)
    case double(Double)
    case string(String)
    case bool(Bool)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }

    public var description: String {
        switch self {
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .string(let value): value
        case .bool(let value): String(value)
        }
    }
}
