import DesksideCompression

/// One unit on the wire between agent and collector:
///
/// ```
/// +-------------------+---------+------+-------+------------------------+
/// | length: u32, BE   | version | type | flags | body: length - 3 bytes |
/// +-------------------+---------+------+-------+------------------------+
/// ```
///
/// `length` counts the bytes after itself. Flag bit 0 marks a zlib-compressed body (RFC 1950).
/// Bodies are JSON. See docs/protocol.md.
public struct Frame: Sendable, Equatable {
    /// The protocol version this build speaks.
    public static let currentVersion: UInt8 = 1
    public static let compressedFlag: UInt8 = 0x01
    public static let headerLength = 3

    public var version: UInt8
    public var type: MessageType
    public var compressed: Bool
    /// The body as sent: compressed when ``compressed`` is set.
    public var body: [UInt8]

    public init(version: UInt8 = Frame.currentVersion, type: MessageType, compressed: Bool = false, body: [UInt8]) {
        self.version = version
        self.type = type
        self.compressed = compressed
        self.body = body
    }

    /// The frame's bytes, length prefix included.
    public func encoded() -> [UInt8] {
        let length = UInt32(body.count + Self.headerLength)
        var bytes: [UInt8] = [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        bytes += [version, type.rawValue, compressed ? Self.compressedFlag : 0]
        bytes += body
        return bytes
    }

    /// The body, inflated when compressed, refusing more than `limit` bytes of output.
    public func plainBody(limit: Int) throws(ProtocolError) -> [UInt8] {
        guard compressed else {
            guard body.count <= limit else { throw .badCompression("body of \(body.count) bytes exceeds \(limit)") }
            return body
        }
        do {
            return try CompressedFile.decompress(body, format: .gzip, maxOutputBytes: limit)
        } catch let error as DecompressionError {
            throw .badCompression(error.description)
        } catch {
            throw .badCompression("\(error)")
        }
    }
}

/// The kinds of message; the numbers are part of the protocol and never reused.
public enum MessageType: UInt8, Sendable, CaseIterable {
    case hello = 1
    case welcome = 2
    case report = 3
    case ack = 4
    case needFullReport = 5
    case error = 6
    case ping = 7
    case pong = 8
    case enroll = 9
    case enrolled = 10
    case renew = 11
    case renewed = 12
    /// Collector to agent: a signed task. Agent to collector: its result; collector to agent: stored.
    case task = 13
    case taskResult = 14
    case taskAck = 15
}

/// Splits a byte stream into frames. The length prefix is checked as soon as its four bytes are in, so a
/// peer announcing a gigabyte is refused before anything is buffered; a peer that sends a frame in
/// one-byte pieces gets the same result as one that sends it whole.
public struct FrameDecoder: Sendable {
    public let maxFrameLength: Int
    private var buffer: [UInt8] = []
    private var start = 0

    /// - Parameter maxFrameLength: the largest `length` accepted (bytes after the prefix).
    public init(maxFrameLength: Int = 8 << 20) {
        self.maxFrameLength = maxFrameLength
    }

    /// Bytes received and not yet part of a returned frame.
    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, `nil` when more bytes are needed. After an error the stream is unusable
    /// and the connection should be closed.
    public mutating func next() throws(ProtocolError) -> Frame? {
        guard bufferedByteCount >= 4 else { return nil }
        let length = Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
        try Frame.checkLength(length, limit: maxFrameLength)
        guard bufferedByteCount >= 4 + length else { return nil }
        let (type, compressed) = try Frame.checkHeader(version: buffer[start + 4], type: buffer[start + 5], flags: buffer[start + 6])
        let body = Array(buffer[(start + 7)..<(start + 4 + length)])
        start += 4 + length
        // Compact once the consumed prefix dominates, so the buffer does not grow without bound.
        if start > 65536 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        return Frame(type: type, compressed: compressed, body: body)
    }
}

extension Frame {
    /// Checks a length prefix, before any of the body is buffered.
    public static func checkLength(_ length: Int, limit: Int) throws(ProtocolError) {
        guard length <= limit else { throw .frameTooLarge(announced: length, limit: limit) }
        guard length >= headerLength else { throw .frameTooShort(announced: length) }
    }

    /// Checks the three header bytes after the length: the message type and whether the body is compressed.
    public static func checkHeader(version: UInt8, type typeByte: UInt8, flags: UInt8) throws(ProtocolError) -> (MessageType, compressed: Bool) {
        guard version == currentVersion else { throw .unsupportedVersion(version) }
        guard let type = MessageType(rawValue: typeByte) else { throw .unknownMessageType(typeByte) }
        guard flags & ~compressedFlag == 0 else { throw .unknownFlags(flags) }
        return (type, flags & compressedFlag != 0)
    }
}
