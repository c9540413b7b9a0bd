import DesksideInventory

/// A message and its frame: encoding with optional compression, decoding with size limits.
public enum WireMessage: Sendable, Equatable {
    case hello(Hello)
    case welcome(Welcome)
    case report(Report)
    case ack(Ack)
    case needFullReport(NeedFullReport)
    case error(ErrorMessage)
    case ping(Ping)
    case pong(Pong)
    case enroll(EnrollRequest)
    case enrolled(Enrolled)

    /// Limits applied to a body received from the other side.
    public struct Limits: Sendable {
        /// Largest body after decompression.
        public var maxBodyBytes: Int
        public var json: JSONParser.Limits

        /// Strings are capped at 64 KiB (a hostname of a megabyte is refused) and may not hold NUL.
        public init(maxBodyBytes: Int = 64 << 20,
                    json: JSONParser.Limits = .init(maxDepth: 32, maxBytes: 64 << 20, maxElements: 2_000_000, maxStringBytes: 64 << 10, rejectNUL: true)) {
            self.maxBodyBytes = maxBodyBytes
            self.json = json
        }
    }

    public var type: MessageType {
        switch self {
        case .hello: .hello
        case .welcome: .welcome
        case .report: .report
        case .ack: .ack
        case .needFullReport: .needFullReport
        case .error: .error
        case .ping: .ping
        case .pong: .pong
        case .enroll: .enroll
        case .enrolled: .enrolled
        }
    }

    /// The frame for this message; bodies larger than `compressAbove` bytes are zlib-compressed.
    public func frame(compressAbove: Int = 4096) -> Frame {
        let body: [UInt8]
        do {
            switch self {
            case .hello(let value): body = try JSONCoder.encode(value)
            case .welcome(let value): body = try JSONCoder.encode(value)
            case .report(let value): body = try JSONCoder.encode(value)
            case .ack(let value): body = try JSONCoder.encode(value)
            case .needFullReport(let value): body = try JSONCoder.encode(value)
            case .error(let value): body = try JSONCoder.encode(value)
            case .ping(let value): body = try JSONCoder.encode(value)
            case .pong(let value): body = try JSONCoder.encode(value)
            case .enroll(let value): body = try JSONCoder.encode(value)
            case .enrolled(let value): body = try JSONCoder.encode(value)
            }
        } catch {
            // Model values hold no non-finite numbers, the one thing JSON cannot carry.
            preconditionFailure("message could not be encoded: \(error)")
        }
        if body.count > compressAbove {
            return Frame(type: type, compressed: true, body: Deflate.compress(body))
        }
        return Frame(type: type, body: body)
    }

    /// Reads a frame's message, inflating and parsing within `limits`.
    public init(frame: Frame, limits: Limits = Limits()) throws(ProtocolError) {
        let body = try frame.plainBody(limit: limits.maxBodyBytes)
        do throws(JSONError) {
            switch frame.type {
            case .hello: self = .hello(try JSONCoder.decode(Hello.self, from: body, limits: limits.json))
            case .welcome: self = .welcome(try JSONCoder.decode(Welcome.self, from: body, limits: limits.json))
            case .report: self = .report(try JSONCoder.decode(Report.self, from: body, limits: limits.json))
            case .ack: self = .ack(try JSONCoder.decode(Ack.self, from: body, limits: limits.json))
            case .needFullReport: self = .needFullReport(try JSONCoder.decode(NeedFullReport.self, from: body, limits: limits.json))
            case .error: self = .error(try JSONCoder.decode(ErrorMessage.self, from: body, limits: limits.json))
            case .ping: self = .ping(try JSONCoder.decode(Ping.self, from: body, limits: limits.json))
            case .pong: self = .pong(try JSONCoder.decode(Pong.self, from: body, limits: limits.json))
            case .enroll: self = .enroll(try JSONCoder.decode(EnrollRequest.self, from: body, limits: limits.json))
            case .enrolled: self = .enrolled(try JSONCoder.decode(Enrolled.self, from: body, limits: limits.json))
            }
        } catch {
            throw .malformedBody(error.description)
        }
    }
}

import DesksideCompression
