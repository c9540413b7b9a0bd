/// A parsed JSON document. Objects keep their members in document order; numbers keep their text
/// so that integers of any size and decimals round-trip exactly.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }
}

/// Why a document could not be read or written.
public struct JSONError: Error, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Not JSON: a syntax error, invalid UTF-8, a duplicate key.
        case syntax
        /// Nested deeper than the parser allows.
        case tooDeep
        /// Longer, or with more members, than the parser allows.
        case tooLarge
        /// Valid JSON that does not fit the type it is decoded into.
        case typeMismatch
        /// A required key is absent.
        case missingKey
        /// A value that JSON cannot represent (NaN, infinity).
        case unrepresentable
    }

    public var code: Code
    public var message: String
    /// Byte offset (parse errors) or coding path (decode errors), for the person reading the error.
    public var location: String

    public init(_ code: Code, _ message: String, at location: String = "") {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { location.isEmpty ? message : "\(message) at \(location)" }
}
