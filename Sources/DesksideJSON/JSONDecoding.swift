#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension JSONCoder {
    /// Decodes a document into `T`. Parsing applies `limits`; unknown keys are ignored; dates are
    /// ISO 8601 text.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], limits: JSONParser.Limits = .init()) throws(JSONError) -> T {
        try decode(type, from: try JSONParser.parse(bytes, limits: limits))
    }

    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(JSONError) -> T {
        do {
            return try TreeDecoder(value: value, parent: nil, key: nil).decodeValue(type)
        } catch let error as JSONError {
            throw error
        } catch {
            throw JSONError(.typeMismatch, "\(error)")
        }
    }
}

/// The keys leading to a container, kept as a chain so that decoding a value costs no array copy:
/// the path is made into an array only when asked (in practice, for an error message).
final class CodingPathNode {
    let parent: CodingPathNode?
    let key: any CodingKey

    init(parent: CodingPathNode?, key: any CodingKey) {
        self.parent = parent
        self.key = key
    }

    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var node: CodingPathNode? = self
        while let current = node {
            keys.append(current.key)
            node = current.parent
        }
        return keys.reversed()
    }
}

struct TreeDecoder: Decoder {
    let value: JSONValue
    /// The path to this value's container, and this value's key in it (`nil` at the top).
    let parent: CodingPathNode?
    let key: (any CodingKey)?
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var codingPath: [any CodingKey] {
        guard let key else { return [] }
        return (parent?.keys ?? []) + [key]
    }

    /// The path node for this value, for its children (made once per container, not per leaf).
    var node: CodingPathNode? {
        guard let key else { return nil }
        return CodingPathNode(parent: parent, key: key)
    }

    func mismatch(_ expected: String) -> JSONError {
        JSONError(.typeMismatch, "expected \(expected)", at: pathText(codingPath).isEmpty ? "the top level" : pathText(codingPath))
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if type == Date.self {
            guard case .string(let text) = value, let seconds = ISO8601.parse(text) else { throw mismatch("an ISO 8601 date") }
            return Date(timeIntervalSince1970: seconds) as! T
        }
        return try T(from: self)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch("an object") }
        return KeyedDecodingContainer(KeyedReader<Key>(members: members, path: node))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw mismatch("an array") }
        return UnkeyedReader(items: items, path: node)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleReader(decoder: self) }

    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard case .number(let text) = value, let number = T(text) ?? JSONNumber.integral(text).flatMap({ T($0) }) else {
            throw mismatch("an integer of type \(T.self)")
        }
        return number
    }

    func floating() throws -> Double {
        guard case .number(let text) = value, let number = Double(text) else { throw mismatch("a number") }
        return number
    }

    func string() throws -> String {
        guard case .string(let text) = value else { throw mismatch("a string") }
        return text
    }

    func bool() throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch("true or false") }
        return flag
    }
}

struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// Members in document order (the parser refuses duplicate keys). Model objects have a handful of
    /// keys, where a scan beats hashing; large objects get a table.
    let members: [(key: String, value: JSONValue)]
    let table: [String: JSONValue]?
    let path: CodingPathNode?
    var codingPath: [any CodingKey] { path?.keys ?? [] }
    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

    init(members: [(key: String, value: JSONValue)], path: CodingPathNode?) {
        self.members = members
        self.path = path
        table = members.count > 16 ? Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first }) : nil
    }

    func member(_ name: String) -> JSONValue? {
        if let table { return table[name] }
        for member in members where member.key == name { return member.value }
        return nil
    }

    func contains(_ key: Key) -> Bool { member(key.stringValue) != nil }

    func child(_ key: Key) throws -> TreeDecoder {
        guard let value = member(key.stringValue) else {
            throw JSONError(.missingKey, "missing key \"\(key.stringValue)\"", at: pathText(codingPath).isEmpty ? "the top level" : pathText(codingPath))
        }
        return TreeDecoder(value: value, parent: path, key: key)
    }

    func decodeNil(forKey key: Key) throws -> Bool { member(key.stringValue).map { $0 == .null } ?? true }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).bool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).string() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).floating() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try child(key).floating()) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).integer(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try child(key).integer(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try child(key).integer(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).integer(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).integer(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try child(key).integer(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try child(key).integer(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try child(key).integer(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try child(key).integer(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try child(key).integer(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decodeValue(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
    func superDecoder() throws -> any Decoder { try child(Key(stringValue: "super")!) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

struct UnkeyedReader: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let path: CodingPathNode?
    var codingPath: [any CodingKey] { path?.keys ?? [] }
    var currentIndex = 0
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(items: [JSONValue], path: CodingPathNode?) {
        self.items = items
        self.path = path
    }

    mutating func next() throws -> TreeDecoder {
        guard !isAtEnd else { throw JSONError(.typeMismatch, "array ends early", at: pathText(codingPath)) }
        defer { currentIndex += 1 }
        return TreeDecoder(value: items[currentIndex], parent: path, key: IndexKey(currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().bool() }
    mutating func decode(_ type: String.Type) throws -> String { try next().string() }
    mutating func decode(_ type: Double.Type) throws -> Double { try next().floating() }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().integer(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().integer(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().integer(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

struct SingleReader: SingleValueDecodingContainer {
    let decoder: TreeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool() }
    func decode(_ type: String.Type) throws -> String { try decoder.string() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.floating() }
    func decode(_ type: Float.Type) throws -> Float { Float(try decoder.floating()) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
}
