#if canImport(Glibc)
import Glibc
#endif
import DesksideNotifications
import NIOConcurrencyHelpers
import NIOCore

/// The listener's side of one SMTP conversation, command by command, without I/O: which command is
/// allowed when, the envelope it builds, and the reply to each.
struct SMTPServerSession {
    enum Answer: Equatable {
        case reply(String)
        /// Read the message (after a 354).
        case data
        case quit(String)
    }

    struct Envelope {
        var from = ""
        var recipients: [String] = []
    }

    let settings: SMTPServerSettings
    private(set) var envelope = Envelope()
    private var greeted = false
    private var hasSender = false

    init(settings: SMTPServerSettings) {
        self.settings = settings
    }

    mutating func reset() {
        envelope = Envelope()
        hasSender = false
    }

    mutating func command(_ line: String) -> Answer {
        let verb = line.prefix { $0 != " " && $0 != ":" }.uppercased()
        let argument = line.dropFirst(verb.count).trimmingCharacters(in: .whitespaces)
        switch verb {
        case "EHLO":
            greeted = true
            reset()
            return .reply("250-\(settings.serverName)\r\n250-SIZE \(settings.maxMessageBytes)\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES")
        case "HELO", "LHLO":
            greeted = true
            reset()
            return .reply("250 \(settings.serverName)")
        case "MAIL":
            guard greeted else { return .reply("503 5.5.1 say EHLO first") }
            guard !hasSender else { return .reply("503 5.5.1 a sender is already given") }
            guard let (address, parameters) = Self.path(argument, keyword: "FROM") else { return .reply("501 5.5.4 MAIL FROM:<address>") }
            if let size = parameters["SIZE"].flatMap(Int.init), size > settings.maxMessageBytes {
                return .reply("552 5.3.4 the message is larger than \(settings.maxMessageBytes) bytes")
            }
            // The null sender (a bounce) is taken; the intake ignores automatic mail.
            guard address.isEmpty || MailAddress(address) != nil else { return .reply("553 5.1.7 not an address") }
            envelope.from = address
            hasSender = true
            return .reply("250 2.1.0 OK")
        case "RCPT":
            guard hasSender else { return .reply("503 5.5.1 MAIL first") }
            guard let (address, _) = Self.path(argument, keyword: "TO"), let recipient = MailAddress(address) else {
                return .reply("501 5.5.4 RCPT TO:<address>")
            }
            guard settings.addresses.contains(where: { $0.local.lowercased() == recipient.local.lowercased() && $0.domain == recipient.domain }) else {
                return .reply("550 5.1.1 no such mailbox here")
            }
            guard envelope.recipients.count < 10 else { return .reply("452 4.5.3 too many recipients") }
            envelope.recipients.append(recipient.description)
            return .reply("250 2.1.5 OK")
        case "DATA":
            guard hasSender, !envelope.recipients.isEmpty else { return .reply("503 5.5.1 RCPT first") }
            return .data
        case "RSET":
            reset()
            return .reply("250 2.0.0 OK")
        case "NOOP":
            return .reply("250 2.0.0 OK")
        case "VRFY":
            return .reply("252 2.5.0 cannot verify")
        case "QUIT":
            return .quit("221 2.0.0 bye")
        default:
            return .reply("502 5.5.2 command not implemented")
        }
    }

    /// `FROM:<a@b> SIZE=123` into the address and its parameters.
    static func path(_ argument: String, keyword: String) -> (String, [String: String])? {
        guard argument.uppercased().hasPrefix(keyword + ":") else { return nil }
        let rest = argument.dropFirst(keyword.count + 1).trimmingCharacters(in: .whitespaces)
        guard rest.hasPrefix("<"), let close = rest.firstIndex(of: ">") else { return nil }
        let address = String(rest[rest.index(after: rest.startIndex)..<close])
        var parameters: [String: String] = [:]
        for word in rest[rest.index(after: close)...].split(separator: " ") {
            let pair = word.split(separator: "=", maxSplits: 1).map { String($0) }
            parameters[pair[0].uppercased()] = pair.count > 1 ? pair[1] : ""
        }
        return (address, parameters)
    }
}

/// Lines (without their CRLF) of at most `maxLength` bytes; a longer one is `.tooLong`, its rest
/// dropped. In a message (after the session's 354), a message over its cap ends as `.oversized`.
public enum SMTPLine: Sendable, Equatable {
    case line([UInt8])
    case tooLong
    /// The message went over the size cap: its rest was dropped up to its end (`CRLF.CRLF`).
    case oversized
}

/// Bytes to lines, and the end of a message. The session sets `message` before it answers 354; the
/// decoder then counts the message's bytes and, past `maxMessageBytes`, drops the rest in bulk up to
/// the end: an oversized message costs a byte scan, not a line through the connection's stream each,
/// and it never holds more than the cap.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPLine

    let maxLength: Int
    let maxMessageBytes: Int
    let message: NIOLockedValueBox<Bool>
    private var discarding = false
    private var inMessage = false
    private var messageBytes = 0
    private var skipping = false
    /// Where a skip stands: inside a line, at a line's start, after a "." there, after ".\r".
    private enum SkipState { case inLine, lineStart, dot, dotCR }
    private var skipState = SkipState.lineStart

    init(maxLength: Int, maxMessageBytes: Int, message: NIOLockedValueBox<Bool>) {
        self.maxLength = maxLength
        self.maxMessageBytes = maxMessageBytes
        self.message = message
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if !inMessage, message.withLockedValue({ $0 }) {
            inMessage = true
            messageBytes = 0
        }
        if skipping {
            // From newline to newline (memchr), looking only at what follows each: "." then CRLF ends it.
            let (consumed, ended) = buffer.withUnsafeReadableBytes { bytes -> (Int, Bool) in
                guard let base = bytes.baseAddress else { return (0, false) }
                var index = 0
                while index < bytes.count {
                    switch skipState {
                    case .lineStart:
                        skipState = bytes[index] == UInt8(ascii: ".") ? .dot : (bytes[index] == 10 ? .lineStart : .inLine)
                        index += 1
                    case .dot:
                        if bytes[index] == 10 { return (index + 1, true) }
                        skipState = bytes[index] == 13 ? .dotCR : .inLine
                        index += 1
                    case .dotCR:
                        if bytes[index] == 10 { return (index + 1, true) }
                        skipState = .inLine
                        index += 1
                    case .inLine:
                        guard let newline = memchr(base + index, 10, bytes.count - index) else { return (bytes.count, false) }
                        index = base.distance(to: UnsafeRawPointer(newline)) + 1
                        skipState = .lineStart
                    }
                }
                return (bytes.count, false)
            }
            buffer.moveReaderIndex(forwardBy: consumed)
            guard ended else { return .needMoreData }
            endMessage()
            context.fireChannelRead(wrapInboundOut(.oversized))
            return .continue
        }
        guard let newline = buffer.readableBytesView.firstIndex(of: 10) else {
            if buffer.readableBytes > maxLength + 1 {
                // Too long already: drop what came, say so once, and skip to the end of the line.
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                if !discarding { context.fireChannelRead(wrapInboundOut(.tooLong)) }
                discarding = true
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        var bytes = buffer.readBytes(length: length) ?? []
        buffer.moveReaderIndex(forwardBy: 1)
        if discarding {
            discarding = false
            return .continue
        }
        if bytes.last == 13 { bytes.removeLast() }
        if inMessage {
            if bytes == [UInt8(ascii: ".")] {
                endMessage()
            } else {
                messageBytes += bytes.count + 2
                if messageBytes > maxMessageBytes {
                    skipping = true
                    skipState = .lineStart
                    return .continue
                }
            }
        }
        context.fireChannelRead(wrapInboundOut(bytes.count > maxLength ? .tooLong : .line(bytes)))
        return .continue
    }

    private mutating func endMessage() {
        inMessage = false
        skipping = false
        skipState = .lineStart
        message.withLockedValue { $0 = false }
    }
}
