import DesksideCompression

/// How an agent's request body is compressed, found by its first bytes (the Content-Type header is
/// only a hint: the legacy OCS agent says `application/x-compress` for both), and the reply written
/// the same way, as the agents expect (interop/PROTOCOL.md §1.3).
public enum IntakeBody: String, Sendable, Equatable {
    case plain, zlib, gzip

    /// `1F 8B` is gzip; `78 xx` with a valid zlib header check (RFC 1950) is zlib; anything else plain.
    public init(detecting body: [UInt8]) {
        if body.count >= 2, body[0] == 0x1F, body[1] == 0x8B {
            self = .gzip
        } else if body.count >= 2, body[0] == 0x78, (UInt16(body[0]) << 8 | UInt16(body[1])) % 31 == 0 {
            self = .zlib
        } else {
            self = .plain
        }
    }

    public struct TooLarge: Error, Equatable, CustomStringConvertible {
        public var limit: Int
        public init(limit: Int) { self.limit = limit }
        public var description: String { "the request is larger than \(limit) bytes once decompressed" }
    }

    public struct Corrupt: Error, Equatable, CustomStringConvertible {
        public var detail: String
        public var description: String { "the request body cannot be decompressed: \(detail)" }
    }

    /// The body decompressed, stopping (without producing the rest) once past `limit` bytes: a
    /// 2 GB zlib bomb costs the time of `limit` bytes.
    public func decode(_ body: [UInt8], limit: Int) throws -> [UInt8] {
        switch self {
        case .plain:
            guard body.count <= limit else { throw TooLarge(limit: limit) }
            return body
        case .zlib, .gzip:
            do {
                // The gzip decoder reads zlib streams too (zlib's automatic header detection).
                return try CompressedFile.decompress(body, format: .gzip, maxOutputBytes: limit)
            } catch DecompressionError.outputLimitExceeded {
                throw TooLarge(limit: limit)
            } catch {
                throw Corrupt(detail: "\(error)")
            }
        }
    }

    /// `reply` compressed as the request was. A zlib reply begins `78 9C`, the only header
    /// FusionInventory 2.6 recognises (compression level 6).
    public func encode(_ reply: [UInt8]) -> [UInt8] {
        switch self {
        case .plain: reply
        case .zlib: Deflate.compress(reply, level: 6)
        case .gzip: Gzip.compress(reply)
        }
    }

    /// The Content-Type of a reply: GLPI Agent decodes by it, and refuses the OCS server's `application/x-compressed`.
    public func contentType(json: Bool) -> String {
        switch self {
        case .plain: json ? "application/json" : "application/xml"
        case .zlib: "application/x-compress-zlib"
        case .gzip: "application/x-compress-gzip"
        }
    }
}
