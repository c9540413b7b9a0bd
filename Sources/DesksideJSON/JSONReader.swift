#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A pull reader over a document in memory, with the parser's strictness and limits, for the hot
/// path where building a tree and decoding it through `Codable` costs too much: the two thousand
/// packages of a full report. Objects and arrays are walked member by member; what the caller does
/// not read itself is taken as a ``JSONValue`` and decoded as usual.
public struct JSONReader {
    var parser: JSONParser.Parser
    /// Depth of the container being read (0 at the top level).
    var depth = 0

    /// Reads a whole document with `body`, which must consume its one top-level value.
    public static func read<T>(_ bytes: [UInt8], limits: JSONParser.Limits = .init(),
                               _ body: (inout JSONReader) throws(JSONError) -> T) throws(JSONError) -> T {
        guard bytes.count <= limits.maxBytes else { throw JSONError(.tooLarge, "document of \(bytes.count) bytes is larger than \(limits.maxBytes)") }
        return try bytes.withUnsafeBufferPointer { buffer throws(JSONError) -> T in
            var reader = JSONReader(parser: JSONParser.Parser(bytes: buffer, limits: limits))
            reader.parser.skipWhitespace()
            let result = try body(&reader)
            reader.parser.skipWhitespace()
            guard reader.parser.position == buffer.count else { throw reader.parser.error("unexpected data after the document") }
            return result
        }
    }

    private var next: UInt8? { parser.position < parser.bytes.count ? parser.bytes[parser.position] : nil }

    /// Calls `body` for each member of an object, with the reader at the member's value, which `body`
    /// must consume. Keys, duplicates and separators are checked as the parser checks them (the same code).
    public mutating func members(_ body: (inout JSONReader, String) throws(JSONError) -> Void) throws(JSONError) {
        guard next == UInt8(ascii: "{") else { throw wrongType("an object") }
        let depth = self.depth + 1
        try parser.members(depth: depth) { parser, key throws(JSONError) in
            var reader = JSONReader(parser: parser, depth: depth)
            defer { parser = reader.parser }
            try body(&reader, key)
        }
    }

    /// Calls `body` for each element of an array, with the reader at the element.
    public mutating func elements(_ body: (inout JSONReader) throws(JSONError) -> Void) throws(JSONError) {
        guard next == UInt8(ascii: "[") else { throw wrongType("an array") }
        let depth = self.depth + 1
        try parser.items(depth: depth) { parser throws(JSONError) in
            var reader = JSONReader(parser: parser, depth: depth)
            defer { parser = reader.parser }
            try body(&reader)
        }
    }

    /// A value of another type is a type mismatch; no value at all is a syntax error, as the parser says.
    private func wrongType(_ expected: String) -> JSONError {
        guard let next, Array("{[\"-0123456789tfn".utf8).contains(next) else { return parser.error("invalid value") }
        return parser.error("expected \(expected)", .typeMismatch)
    }

    /// The value here, whatever it is, as a tree.
    public mutating func value() throws(JSONError) -> JSONValue { try parser.value(depth: depth) }

    /// The value here decoded through `Codable`, as ``JSONCoder/decode(_:from:limits:)`` would.
    public mutating func decode<T: Decodable>(_ type: T.Type) throws(JSONError) -> T { try JSONCoder.decode(type, from: try value()) }

    /// Consumes `null` if it is next.
    public mutating func null() throws(JSONError) -> Bool {
        guard next == UInt8(ascii: "n") else { return false }
        try parser.literal("null")
        return true
    }

    public mutating func string() throws(JSONError) -> String {
        guard next == UInt8(ascii: "\"") else { throw wrongType("a string") }
        return try parser.string()
    }

    public mutating func optionalString() throws(JSONError) -> String? { try null() ? nil : string() }

    public mutating func unsigned() throws(JSONError) -> UInt64 {
        guard let next, next == UInt8(ascii: "-") || (0x30...0x39).contains(next) else { throw wrongType("a number") }
        guard let value = UInt64(try parser.number()) else { throw parser.error("expected an integer of type UInt64", .typeMismatch) }
        return value
    }

    public mutating func optionalUnsigned() throws(JSONError) -> UInt64? { try null() ? nil : unsigned() }

    /// An ISO 8601 date, as the decoder reads dates.
    public mutating func date() throws(JSONError) -> Date {
        guard let seconds = ISO8601.parse(try string()) else { throw parser.error("expected an ISO 8601 date", .typeMismatch) }
        return Date(timeIntervalSince1970: seconds)
    }

    public mutating func optionalDate() throws(JSONError) -> Date? { try null() ? nil : date() }

    /// An error for a required key that the object lacked.
    public func missing(_ key: String, in object: String) -> JSONError {
        JSONError(.missingKey, "missing key \"\(key)\"", at: object)
    }
}
