/// Why bytes from the other side were refused. Each case has a stable code for logs and for the
/// `error` message sent back.
public enum ProtocolError: Error, Equatable, CustomStringConvertible {
    /// The length prefix announces more than the receiver accepts; refused before the body is read.
    case frameTooLarge(announced: Int, limit: Int)
    /// The length prefix is too small to hold a frame header.
    case frameTooShort(announced: Int)
    /// A protocol version this side does not speak.
    case unsupportedVersion(UInt8)
    /// A message type this side does not know.
    case unknownMessageType(UInt8)
    /// Flags this side does not understand.
    case unknownFlags(UInt8)
    /// A compressed body that inflates past the cap, or is not valid zlib.
    case badCompression(String)
    /// A body that is not the JSON its type requires.
    case malformedBody(String)
    /// A compressed frame before the peer is authenticated.
    case compressionNotAllowed

    public var code: String {
        switch self {
        case .frameTooLarge: "FRAME_TOO_LARGE"
        case .frameTooShort: "FRAME_TOO_SHORT"
        case .unsupportedVersion: "UNSUPPORTED_VERSION"
        case .unknownMessageType: "UNKNOWN_MESSAGE_TYPE"
        case .unknownFlags: "UNKNOWN_FLAGS"
        case .badCompression: "BAD_COMPRESSION"
        case .malformedBody: "MALFORMED_BODY"
        case .compressionNotAllowed: "COMPRESSION_NOT_ALLOWED"
        }
    }

    public var description: String {
        switch self {
        case .frameTooLarge(let announced, let limit): "frame of \(announced) bytes is larger than the limit of \(limit)"
        case .frameTooShort(let announced): "frame length \(announced) is shorter than a frame header"
        case .unsupportedVersion(let version): "protocol version \(version) is not supported"
        case .unknownMessageType(let type): "message type \(type) is unknown"
        case .unknownFlags(let flags): "frame flags 0x\(String(flags, radix: 16)) are unknown"
        case .badCompression(let detail): "compressed body refused: \(detail)"
        case .malformedBody(let detail): "message body refused: \(detail)"
        case .compressionNotAllowed: "compressed frames are refused before the peer is authenticated"
        }
    }
}
