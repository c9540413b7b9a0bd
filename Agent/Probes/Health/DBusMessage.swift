/// The D-Bus wire format (D-Bus Specification, "Message Protocol"): little-endian messages with a
/// fixed header, an array of header fields, and a body, every value aligned to its natural boundary
/// counted from the start of the message. Only the types the agent needs are implemented.
public struct DBusMessage: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case methodCall = 1, methodReturn = 2, error = 3, signal = 4
    }

    public var kind: Kind
    public var serial: UInt32
    public var path: String?
    public var interface: String?
    public var member: String?
    public var errorName: String?
    public var replySerial: UInt32?
    public var destination: String?
    public var sender: String?
    public var signature: String
    public var body: [UInt8]

    public init(kind: Kind, serial: UInt32, path: String? = nil, interface: String? = nil, member: String? = nil,
                errorName: String? = nil, replySerial: UInt32? = nil, destination: String? = nil, sender: String? = nil,
                signature: String = "", body: [UInt8] = []) {
        self.kind = kind
        self.serial = serial
        self.path = path
        self.interface = interface
        self.member = member
        self.errorName = errorName
        self.replySerial = replySerial
        self.destination = destination
        self.sender = sender
        self.signature = signature
        self.body = body
    }

    /// Messages larger than this are refused (the specification's own maximum is 128 MiB).
    public static let maxLength = 64 << 20

    /// Why bytes could not be read as a message.
    public struct FormatError: Error, Equatable {
        public var reason: String
    }

    /// Serializes the message.
    public func encoded() -> [UInt8] {
        var writer = DBusWriter()
        writer.byte(UInt8(ascii: "l"))
        writer.byte(kind.rawValue)
        writer.byte(0)
        writer.byte(1)
        writer.uint32(UInt32(body.count))
        writer.uint32(serial)
        writer.array(elementAlignment: 8) { fields in
            func field(_ code: UInt8, _ type: Character, _ write: (inout DBusWriter) -> Void) {
                fields.align(8)
                fields.byte(code)
                fields.signature(String(type))
                write(&fields)
            }
            if let path { field(1, "o") { $0.string(path) } }
            if let interface { field(2, "s") { $0.string(interface) } }
            if let member { field(3, "s") { $0.string(member) } }
            if let errorName { field(4, "s") { $0.string(errorName) } }
            if let replySerial { field(5, "u") { $0.uint32(replySerial) } }
            if let destination { field(6, "s") { $0.string(destination) } }
            if let sender { field(7, "s") { $0.string(sender) } }
            if !signature.isEmpty { field(8, "g") { $0.signature(signature) } }
        }
        writer.align(8)
        return writer.bytes + body
    }

    /// The total length of the message starting `bytes`, once its first 16 bytes are there.
    public static func length(ofMessageStarting bytes: [UInt8]) throws(FormatError) -> Int? {
        guard bytes.count >= 16 else { return nil }
        guard bytes[0] == UInt8(ascii: "l") else { throw FormatError(reason: "big-endian messages are not supported") }
        var reader = DBusReader(bytes)
        reader.offset = 4
        let bodyLength = Int(try reader.uint32())
        reader.offset = 12
        let fieldsLength = Int(try reader.uint32())
        let headerLength = (16 + fieldsLength + 7) & ~7
        let total = headerLength + bodyLength
        guard fieldsLength < maxLength, bodyLength < maxLength, total <= maxLength else {
            throw FormatError(reason: "message of \(total) bytes is larger than allowed")
        }
        return total
    }

    /// Parses one complete message.
    public init(decoding bytes: [UInt8]) throws(FormatError) {
        guard let total = try Self.length(ofMessageStarting: bytes), total <= bytes.count else {
            throw FormatError(reason: "incomplete message")
        }
        guard let kind = Kind(rawValue: bytes[1]) else { throw FormatError(reason: "unknown message type \(bytes[1])") }
        var reader = DBusReader(Array(bytes[0..<total]))
        reader.offset = 4
        let bodyLength = Int(try reader.uint32())
        self.init(kind: kind, serial: try reader.uint32())
        let fieldsLength = Int(try reader.uint32())
        let fieldsEnd = reader.offset + fieldsLength
        while reader.offset < fieldsEnd {
            reader.align(8)
            let code = try reader.byte()
            let type = try reader.signature()
            switch (code, type) {
            case (1, "o"): path = try reader.string()
            case (2, "s"): interface = try reader.string()
            case (3, "s"): member = try reader.string()
            case (4, "s"): errorName = try reader.string()
            case (5, "u"): replySerial = try reader.uint32()
            case (6, "s"): destination = try reader.string()
            case (7, "s"): sender = try reader.string()
            case (8, "g"): signature = try reader.signature()
            case (_, "s"), (_, "o"): _ = try reader.string()
            case (_, "g"): _ = try reader.signature()
            case (_, "u"): _ = try reader.uint32()
            default: throw FormatError(reason: "header field \(code) of type \(type) is not understood")
            }
        }
        reader.align(8)
        guard reader.offset + bodyLength == total else { throw FormatError(reason: "body length does not match") }
        body = Array(reader.bytes[reader.offset..<total])
    }
}

/// Writes D-Bus values with alignment counted from the start of the message.
struct DBusWriter {
    var bytes: [UInt8] = []
    /// Offset of `bytes[0]` within the whole message; a body starts at an 8-aligned offset, so 0 works for it too.
    var base = 0

    mutating func align(_ boundary: Int) {
        while (base + bytes.count) % boundary != 0 { bytes.append(0) }
    }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func uint32(_ value: UInt32) {
        align(4)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        uint32(UInt32(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
        bytes.append(0)
    }

    mutating func signature(_ value: String) {
        bytes.append(UInt8(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
        bytes.append(0)
    }

    /// An array: its byte length, padding to the element alignment, then the elements.
    mutating func array(elementAlignment: Int, _ elements: (inout DBusWriter) -> Void) {
        align(4)
        let lengthAt = bytes.count
        uint32(0)
        align(elementAlignment)
        let start = bytes.count
        elements(&self)
        let length = UInt32(bytes.count - start).littleEndian
        withUnsafeBytes(of: length) { raw in
            for i in 0..<4 { bytes[lengthAt + i] = raw[i] }
        }
    }
}

/// Reads D-Bus values; every read is bounds-checked, so hostile bytes give an error, not a crash.
struct DBusReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func align(_ boundary: Int) {
        offset = (offset + boundary - 1) / boundary * boundary
    }

    mutating func byte() throws(DBusMessage.FormatError) -> UInt8 {
        guard offset < bytes.count else { throw .init(reason: "value past the end") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint32() throws(DBusMessage.FormatError) -> UInt32 {
        align(4)
        guard offset + 4 <= bytes.count else { throw .init(reason: "value past the end") }
        defer { offset += 4 }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    mutating func string() throws(DBusMessage.FormatError) -> String {
        let length = Int(try uint32())
        guard length >= 0, offset + length < bytes.count, bytes[offset + length] == 0 else { throw .init(reason: "string past the end") }
        defer { offset += length + 1 }
        return String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)
    }

    mutating func signature() throws(DBusMessage.FormatError) -> String {
        let length = Int(try byte())
        guard offset + length < bytes.count, bytes[offset + length] == 0 else { throw .init(reason: "signature past the end") }
        defer { offset += length + 1 }
        return String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)
    }
}
