public import DesksideJSON
import DesksideCompression
import DesksideInventory
public import DesksideTasks

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
    case renew(RenewRequest)
    case renewed(Renewed)
    case task(SignedTask)
    case taskResult(TaskResult)
    case taskAck(TaskAck)

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
        case .renew: .renew
        case .renewed: .renewed
        case .task: .task
        case .taskResult: .taskResult
        case .taskAck: .taskAck
        }
    }

    /// The message's body value.
    private var payload: any Encodable {
        switch self {
        case .hello(let value): value
        case .welcome(let value): value
        case .report(let value): value
        case .ack(let value): value
        case .needFullReport(let value): value
        case .error(let value): value
        case .ping(let value): value
        case .pong(let value): value
        case .enroll(let value): value
        case .enrolled(let value): value
        case .renew(let value): value
        case .renewed(let value): value
        case .task(let value): value
        case .taskResult(let value): value
        case .taskAck(let value): value
        }
    }

    /// The frame for this message; bodies larger than `compressAbove` bytes are zlib-compressed.
    public func frame(compressAbove: Int = 4096) -> Frame {
        let body: [UInt8]
        do {
            body = try JSONCoder.encode(payload)
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
        func decode<T: Decodable>() throws(JSONError) -> T { try JSONCoder.decode(T.self, from: body, limits: limits.json) }
        do throws(JSONError) {
            switch frame.type {
            case .hello: self = .hello(try decode())
            case .welcome: self = .welcome(try decode())
            case .report: self = .report(try ReportReader.report(body, limits: limits.json))
            case .ack: self = .ack(try decode())
            case .needFullReport: self = .needFullReport(try decode())
            case .error: self = .error(try decode())
            case .ping: self = .ping(try decode())
            case .pong: self = .pong(try decode())
            case .enroll: self = .enroll(try decode())
            case .enrolled: self = .enrolled(try decode())
            case .renew: self = .renew(try decode())
            case .renewed: self = .renewed(try decode())
            case .task: self = .task(try decode())
            case .taskResult: self = .taskResult(try decode())
            case .taskAck: self = .taskAck(try decode())
            }
        } catch {
            throw .malformedBody(error.description)
        }
    }
}
