import NIOCore

/// A server's reply: its code and the text of its lines (`250-SIZE 1000`, `250 HELP`).
public struct SMTPReply: Sendable, Equatable {
    public var code: Int
    public var lines: [String]

    public var positive: Bool { (200..<400).contains(code) }
    /// 5xx: the same command will fail again (a mailbox that does not exist).
    public var permanent: Bool { code >= 500 }
    public var text: String { "\(code) " + lines.joined(separator: " / ") }
}

/// Bytes to replies, with caps: a line of at most 2,048 bytes, a reply of at most 100 lines.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    private var pending: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 2048 { throw SMTPError.protocolViolation("a reply line longer than 2,048 bytes") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        guard length <= 2049, var utf8 = buffer.readBytes(length: length) else { throw SMTPError.protocolViolation("a reply line longer than 2,048 bytes") }
        // Bytes, not Characters: "\r\n" is one Character in Swift.
        while utf8.last == 10 || utf8.last == 13 { utf8.removeLast() }
        let line = String(decoding: utf8, as: UTF8.self)
        guard utf8.count >= 3, let code = Int(String(decoding: utf8[0..<3], as: UTF8.self)), (200...599).contains(code) else {
            throw SMTPError.protocolViolation("not a reply: \(line.prefix(80))")
        }
        let more = utf8.count > 3 && utf8[3] == UInt8(ascii: "-")
        pending.append(utf8.count > 4 ? String(decoding: utf8[4...], as: UTF8.self) : "")
        guard pending.count <= 100 else { throw SMTPError.protocolViolation("a reply of more than 100 lines") }
        if more { return .continue }
        context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: pending)))
        pending = []
        return .continue
    }
}

public enum SMTPError: Error, Equatable, CustomStringConvertible {
    /// The server said no (its reply); `permanent` when it is a 5xx.
    case refused(command: String, reply: SMTPReply)
    case protocolViolation(String)
    case timeout(String)
    case closed
    case unavailable(String)

    public var permanent: Bool {
        if case .refused(_, let reply) = self { return reply.permanent }
        return false
    }

    public var description: String {
        switch self {
        case .refused(let command, let reply): "\(command) refused: \(reply.text)"
        case .protocolViolation(let what): "the mail server broke the protocol: \(what)"
        case .timeout(let what): "the mail server did not answer \(what) in time"
        case .closed: "the mail server closed the connection"
        case .unavailable(let what): what
        }
    }
}
