#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encodes `Encodable` values as JSON: keys sorted, optionals that are `nil` left out, dates as
/// ISO 8601 text in UTC. Small and self-contained, so that the agent does not carry Foundation's
/// JSON machinery (about 4 MB of resident memory) for one document per run.
public enum JSONCoder {
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws(JSONError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        try encodeToTree(value).write(into: &output, pretty: pretty, indent: 0)
        return output
    }

    static func encodeToTree<T: Encodable>(_ value: T) throws(JSONError) -> NodeBox {
        let encoder = TreeEncoder(codingPath: [])
        do {
            try encoder.encodeValue(value)
        } catch let error as JSONError {
            throw error
        } catch {
            throw JSONError(.unrepresentable, "\(error)")
        }
        return encoder.node
    }
}

/// A node under construction: a value, or an object or array still being filled. Leaves are stored
/// inline, not boxed, so that an inventory of thousands of packages does not become tens of thousands
/// of small objects.
final class NodeBox {
    enum Child {
        case leaf(JSONValue)
        case node(NodeBox)

        func write(into output: inout [UInt8], pretty: Bool, indent: Int) {
            switch self {
            case .leaf(let value): JSONSerializer.write(value, into: &output, pretty: pretty, indent: indent)
            case .node(let box): box.write(into: &output, pretty: pretty, indent: indent)
            }
        }
    }

    enum Content {
        case value(JSONValue)
        /// Members in the order set; a key set twice keeps its last value (see ``sorted(_:)``).
        case object([(key: String, value: Child)])
        case array([Child])
    }

    var content: Content = .value(.null)

    /// Members by key (bytewise), each key once with the value set last. An array and a sort are
    /// cheaper than a dictionary for the handful of keys a model object has.
    static func sorted(_ members: [(key: String, value: Child)]) -> [(key: String, value: Child)] {
        let ordered = members.indices.sorted { a, b in
            members[a].key == members[b].key ? a < b : members[a].key.utf8.lexicographicallyPrecedes(members[b].key.utf8)
        }
        var result: [(key: String, value: Child)] = []
        result.reserveCapacity(members.count)
        for index in ordered {
            if let last = result.last, last.key == members[index].key {
                result[result.count - 1] = members[index]
            } else {
                result.append(members[index])
            }
        }
        return result
    }

    /// Serializes without building a second tree.
    func write(into output: inout [UInt8], pretty: Bool, indent: Int) {
        switch content {
        case .value(let value):
            JSONSerializer.write(value, into: &output, pretty: pretty, indent: indent)
        case .array(let items):
            JSONSerializer.container(open: "[", close: "]", count: items.count, into: &output, pretty: pretty, indent: indent) { index, output in
                items[index].write(into: &output, pretty: pretty, indent: indent + 1)
            }
        case .object(let members):
            let sorted = Self.sorted(members)
            JSONSerializer.container(open: "{", close: "}", count: sorted.count, into: &output, pretty: pretty, indent: indent) { index, output in
                JSONSerializer.writeKey(sorted[index].key, into: &output, pretty: pretty)
                sorted[index].value.write(into: &output, pretty: pretty, indent: indent + 1)
            }
        }
    }

    /// Adds a member to an object node (a no-op on other nodes).
    func set(_ child: Child, forKey key: String) {
        guard case .object(var members) = content else { return }
        content = .value(.null)
        members.append((key, child))
        content = .object(members)
    }

    /// Appends an element to an array node (a no-op on other nodes).
    func append(_ child: Child) {
        guard case .array(var items) = content else { return }
        content = .value(.null)
        items.append(child)
        content = .array(items)
    }

    var count: Int {
        if case .array(let items) = content { return items.count }
        return 0
    }
}

final class TreeEncoder: Encoder {
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any] = [:]
    let node = NodeBox()

    init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

    func encodeValue<T: Encodable>(_ value: T) throws {
        if let date = value as? Date {
            node.content = .value(.string(ISO8601.format(secondsSince1970: date.timeIntervalSince1970)))
        } else if let data = value as? Data {
            node.content = .value(.string(data.base64EncodedString()))
        } else {
            try value.encode(to: self)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }

    static func number<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T, path: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else { throw JSONError(.unrepresentable, "\(value) is not a JSON number", at: pathText(path)) }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .number(text)
    }
}

func pathText(_ path: [any CodingKey]) -> String {
    path.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
}

struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: NodeBox
    let codingPath: [any CodingKey]

    func set(_ value: JSONValue, _ key: Key) { node.set(.leaf(value), forKey: key.stringValue) }

    func set(_ child: NodeBox, _ key: Key) { node.set(.node(child), forKey: key.stringValue) }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(try TreeEncoder.number(value, path: codingPath + [key]), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(try TreeEncoder.number(value, path: codingPath + [key]), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(.number(String(value)), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let encoder = TreeEncoder(codingPath: codingPath + [key])
        try encoder.encodeValue(value)
        if case .value(let leaf) = encoder.node.content {
            set(leaf, key)
        } else {
            set(encoder.node, key)
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = NodeBox()
        child.content = .object([])
        set(child, key)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = NodeBox()
        child.content = .array([])
        set(child, key)
        return UnkeyedContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let encoder = TreeEncoder(codingPath: codingPath + [key])
        set(encoder.node, key)
        return encoder
    }
}

struct IndexKey: CodingKey {
    var stringValue: String { String(intValue!) }
    var intValue: Int?
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: NodeBox
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    func append(_ child: NodeBox) { node.append(.node(child)) }

    func append(_ value: JSONValue) { node.append(.leaf(value)) }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(try TreeEncoder.number(value, path: codingPath)) }
    mutating func encode(_ value: Float) throws { append(try TreeEncoder.number(value, path: codingPath)) }
    mutating func encode(_ value: Int) throws { append(.number(String(value))) }
    mutating func encode(_ value: Int64) throws { append(.number(String(value))) }
    mutating func encode(_ value: UInt64) throws { append(.number(String(value))) }
    mutating func encode(_ value: Int32) throws { append(.number(String(value))) }
    mutating func encode(_ value: UInt32) throws { append(.number(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let encoder = TreeEncoder(codingPath: codingPath + [IndexKey(count)])
        try encoder.encodeValue(value)
        if case .value(let leaf) = encoder.node.content {
            append(leaf)
        } else {
            append(encoder.node)
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = NodeBox()
        child.content = .object([])
        append(child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [IndexKey(count - 1)]))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = NodeBox()
        child.content = .array([])
        append(child)
        return UnkeyedContainer(node: child, codingPath: codingPath + [IndexKey(count - 1)])
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = TreeEncoder(codingPath: codingPath + [IndexKey(count)])
        append(encoder.node)
        return encoder
    }
}

struct SingleContainer: SingleValueEncodingContainer {
    let encoder: TreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    func set(_ value: JSONValue) { encoder.node.content = .value(value) }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(try TreeEncoder.number(value, path: codingPath)) }
    mutating func encode(_ value: Float) throws { set(try TreeEncoder.number(value, path: codingPath)) }
    mutating func encode(_ value: Int) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int8) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int16) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int32) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int64) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt8) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt16) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt32) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt64) throws { set(.number(String(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encodeValue(value) }
}
