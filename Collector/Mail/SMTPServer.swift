import Foundation
public import DesksideNotifications
public import Logging
import NIOConcurrencyHelpers
public import NIOCore
import NIOPosix

/// The help desk's mail listener: the company's mail server forwards the desk's address here
/// (SMTP, RFC 5321, the commands a relay uses). Everything is capped: a command line at 512 bytes, a
/// message line at `maxLineBytes`, the message at `maxMessageBytes` (advertised as SIZE; a larger one
/// is read to its end, dropped and refused with 552), recipients at 10, and a connection idle for
/// `idleTimeout` is closed. Only the desk's own addresses are accepted as recipients. A whole message
/// goes to `deliver`, whose answer is the reply after DATA.
public struct SMTPServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// The addresses the desk takes mail for (`helpdesk@example.com`).
    public var addresses: [MailAddress]
    public var serverName: String
    public var maxMessageBytes = 25 << 20
    public var maxLineBytes = 4096
    public var maxConnections = 64
    public var idleTimeout: TimeAmount = .seconds(120)

    public init(host: String, port: Int, addresses: [MailAddress], serverName: String) {
        self.host = host
        self.port = port
        self.addresses = addresses
        self.serverName = serverName
    }
}

/// What the listener hands on: the envelope and the message as received (dot-unstuffed, CRLF lines).
public struct ReceivedMail: Sendable {
    public var mailFrom: String
    public var recipients: [String]
    public var bytes: [UInt8]
    public var peer: String
}

/// The answer to a message: accepted, or refused with a reason (a 5xx: do not send it again).
public enum MailVerdict: Sendable, Equatable {
    case accepted(String)
    case refused(String)
    /// A 4xx: try later (the database is busy, the collector stops).
    case deferred(String)
}

public final class SMTPServer: Sendable {
    public let settings: SMTPServerSettings
    private let deliver: @Sendable (ReceivedMail) async -> MailVerdict
    private let logger: Logger
    private let channel: NIOAsyncChannel<(NIOAsyncChannel<SMTPLine, ByteBuffer>, NIOLockedValueBox<Bool>), Never>

    /// The address it listens on (its port when asked for port 0).
    public var localAddress: SocketAddress? { channel.channel.localAddress }

    public init(_ settings: SMTPServerSettings, logger: Logger, deliver: @escaping @Sendable (ReceivedMail) async -> MailVerdict) async throws {
        self.settings = settings
        self.deliver = deliver
        self.logger = logger
        let maxLine = settings.maxLineBytes, maxMessage = settings.maxMessageBytes
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: settings.host, port: settings.port) { child in
                child.eventLoop.makeCompletedFuture {
                    let message = NIOLockedValueBox(false)
                    try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder(maxLength: maxLine, maxMessageBytes: maxMessage,
                                                                                                      message: message)))
                    return (try NIOAsyncChannel<SMTPLine, ByteBuffer>(wrappingChannelSynchronously: child), message)
                }
            }
    }

    /// Serves until the task is cancelled or the listener closed.
    public func run() async throws {
        let open = NIOLockedCounter()
        try await channel.executeThenClose { connections in
            try await withThrowingDiscardingTaskGroup { group in
                for try await (connection, message) in connections {
                    guard open.increment() <= settings.maxConnections else {
                        open.decrement()
                        try? await connection.channel.writeAndFlush(ByteBuffer(string: "421 too many connections\r\n")).get()
                        try? await connection.channel.close()
                        continue
                    }
                    group.addTask {
                        defer { open.decrement() }
                        do {
                            try await self.serve(connection, message: message)
                        } catch {
                            self.logger.debug("mail connection ended", metadata: ["mail.error": "\(error)"])
                        }
                    }
                }
            }
        }
    }

    public func close() async {
        try? await channel.channel.close()
    }

    /// `message` tells the decoder a message follows (set before the 354 answer; it clears it at the end).
    private func serve(_ connection: NIOAsyncChannel<SMTPLine, ByteBuffer>, message inMessage: NIOLockedValueBox<Bool>) async throws {
        let peer = connection.channel.remoteAddress?.description ?? "?"
        let idle = settings.idleTimeout
        try await connection.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            func reply(_ text: String) async throws { try await outbound.write(ByteBuffer(string: text + "\r\n")) }
            func next() async throws -> SMTPLine? {
                let channel = connection.channel
                let timer = channel.eventLoop.scheduleTask(in: idle) { channel.close(promise: nil) }
                defer { timer.cancel() }
                return try await lines.next()
            }
            try await reply("220 \(settings.serverName) Deskside help desk ESMTP")
            var session = SMTPServerSession(settings: settings)
            while let line = try await next() {
                guard case .line(let bytes) = line, bytes.count <= 512 else {
                    try await reply("500 5.5.2 line too long")
                    continue
                }
                let answer = session.command(String(decoding: bytes, as: UTF8.self))
                switch answer {
                case .reply(let text):
                    try await reply(text)
                case .quit(let text):
                    try await reply(text)
                    return
                case .data:
                    inMessage.withLockedValue { $0 = true }
                    try await reply("354 end with <CRLF>.<CRLF>")
                    var message: [UInt8] = []
                    var tooBig = false, tooLong = false
                    reading: while true {
                        guard let line = try await next() else { return }
                        switch line {
                        case .tooLong:
                            tooLong = true
                        case .oversized:
                            tooBig = true
                            break reading
                        case .line(let bytes):
                            if bytes == [UInt8(ascii: ".")] { break reading }
                            message += bytes.first == UInt8(ascii: ".") ? bytes.dropFirst() : bytes[...]
                            message += [13, 10]
                        }
                    }
                    let envelope = session.envelope
                    session.reset()
                    if tooBig {
                        try await reply("552 5.3.4 the message is larger than \(settings.maxMessageBytes) bytes")
                    } else if tooLong {
                        try await reply("500 5.5.2 a line of the message is longer than \(settings.maxLineBytes) bytes")
                    } else {
                        switch await deliver(ReceivedMail(mailFrom: envelope.from, recipients: envelope.recipients, bytes: message, peer: peer)) {
                        case .accepted(let text): try await reply("250 2.0.0 " + Self.oneLine(text))
                        case .refused(let text): try await reply("550 5.7.1 " + Self.oneLine(text))
                        case .deferred(let text): try await reply("451 4.3.0 " + Self.oneLine(text))
                        }
                    }
                }
            }
        }
    }

    static func oneLine(_ text: String) -> String {
        String(HeaderText.clean(text).prefix(400))
    }
}

/// A counter shared by the connections.
final class NIOLockedCounter: Sendable {
    private let value = NIOLockedValueBox(0)

    func increment() -> Int { value.withLockedValue { $0 += 1; return $0 } }
    func decrement() { value.withLockedValue { $0 -= 1 } }
}
