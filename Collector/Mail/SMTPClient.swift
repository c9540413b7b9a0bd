import Foundation
import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix
public import NIOSSL

/// Where and how the collector sends mail: a relay (the company's mail server, or a provider's), over
/// implicit TLS (port 465), STARTTLS (587, 25) or, on loopback only, plain; with or without
/// authentication. The password comes from a file, never from the command line.
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Codable, Sendable {
        case tls, startTLS, none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// The name this collector gives in EHLO.
    public var clientName: String
    /// PEM certificates to trust instead of the system's (a company CA).
    public var trustRoots: [NIOSSLCertificate]?
    public var connectTimeout: TimeAmount = .seconds(10)
    /// For each reply; the one after the message's end may take longer (content scanning).
    public var replyTimeout: TimeAmount = .seconds(30)
    public var dataTimeout: TimeAmount = .seconds(120)

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil, clientName: String,
                trustRoots: [NIOSSLCertificate]? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.clientName = clientName
        self.trustRoots = trustRoots
    }

    public static func == (a: SMTPSettings, b: SMTPSettings) -> Bool {
        a.host == b.host && a.port == b.port && a.security == b.security && a.username == b.username && a.clientName == b.clientName
    }
}

/// A small SMTP client (RFC 5321) on SwiftNIO: one session sends several messages (MAIL, RCPT, DATA
/// each, RSET after a refusal). No well-kept Swift SMTP client is in the package mirror, and the part
/// of the protocol a relay client needs is short. Every reply has a time limit and a size cap; a
/// credential is never sent over a connection that is neither encrypted nor on loopback.
public final class SMTPSession {
    private let settings: SMTPSettings
    private let channel: NIOAsyncChannel<SMTPReply, ByteBuffer>
    private var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    private var extensions: [String] = []

    private init(settings: SMTPSettings, channel: NIOAsyncChannel<SMTPReply, ByteBuffer>) {
        self.settings = settings
        self.channel = channel
        replies = channel.inbound.makeAsyncIterator()
    }

    /// Connects, reads the greeting, says EHLO, starts TLS and authenticates as the settings say.
    public static func open(_ settings: SMTPSettings, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> SMTPSession {
        let tls = try Self.tlsContext(settings)
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(settings.connectTimeout)
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if settings.security == .tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: Self.sniName(settings.host)))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let session = SMTPSession(settings: settings, channel: channel)
        do {
            try await session.expect(nil, "the greeting", 220)
            try await session.hello()
            if settings.security == .startTLS {
                guard session.extensions.contains("STARTTLS") else { throw SMTPError.unavailable("the mail server does not offer STARTTLS") }
                try await session.expect("STARTTLS", "STARTTLS", 220)
                try await channel.channel.pipeline.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: Self.sniName(settings.host)),
                                                              position: .first).get()
                try await session.hello()
            }
            if let username = settings.username, let password = settings.password {
                guard settings.security != .none || Self.isLoopback(settings.host) else {
                    throw SMTPError.unavailable("a password is sent over TLS only (security is none and the server is not on loopback)")
                }
                let mechanisms = session.extensions.first { $0.hasPrefix("AUTH ") }?.split(separator: " ").dropFirst().map { $0.uppercased() } ?? []
                guard mechanisms.contains("PLAIN") else { throw SMTPError.unavailable("the mail server offers no AUTH PLAIN") }
                let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                try await session.expect("AUTH PLAIN " + token, "AUTH", 235)
            }
        } catch {
            try? await channel.channel.close()
            throw error
        }
        return session
    }

    /// Sends one message: envelope from `from` to `to`, `message` after DATA (dot-stuffed here).
    public func send(_ message: [UInt8], from: String, to: String) async throws {
        do {
            try await expect("MAIL FROM:<\(from)>", "MAIL FROM", 250)
            try await expect("RCPT TO:<\(to)>", "RCPT TO", 250, 251)
            try await expect("DATA", "DATA", 354)
            var buffer = channel.channel.allocator.buffer(capacity: message.count + 64)
            var lineStart = true
            for byte in message {
                if lineStart && byte == UInt8(ascii: ".") { buffer.writeInteger(UInt8(ascii: ".")) }
                buffer.writeInteger(byte)
                lineStart = byte == UInt8(ascii: "\n")
            }
            if !lineStart { buffer.writeString("\r\n") }
            buffer.writeString(".\r\n")
            try await channel.outbound.write(buffer)
            try await expect(nil, "the end of the message", 250, timeout: settings.dataTimeout)
        } catch let error as SMTPError where error.isRefusal {
            // The session goes on for the next message.
            try? await expect("RSET", "RSET", 250)
            throw error
        }
    }

    public func close() async {
        try? await expect("QUIT", "QUIT", 221)
        try? await channel.channel.close()
    }

    private func hello() async throws {
        let reply = try await expect("EHLO \(settings.clientName)", "EHLO", 250)
        extensions = reply.lines.dropFirst().map { $0.uppercased() }
    }

    @discardableResult
    private func expect(_ command: String?, _ what: String, _ codes: Int..., timeout: TimeAmount? = nil) async throws -> SMTPReply {
        if let command { try await channel.outbound.write(ByteBuffer(string: command + "\r\n")) }
        // The time limit closes the connection, which ends the wait for the reply.
        let timedOut = NIOLockedValueBox(false)
        let connection = channel.channel
        let timer = connection.eventLoop.scheduleTask(in: timeout ?? settings.replyTimeout) {
            timedOut.withLockedValue { $0 = true }
            connection.close(promise: nil)
        }
        defer { timer.cancel() }
        let next: SMTPReply?
        do {
            next = try await replies.next()
        } catch {
            if timedOut.withLockedValue({ $0 }) { throw SMTPError.timeout(what) }
            throw error
        }
        guard let reply = next else { throw timedOut.withLockedValue({ $0 }) ? SMTPError.timeout(what) : SMTPError.closed }
        guard codes.contains(reply.code) else { throw SMTPError.refused(command: what, reply: reply) }
        return reply
    }

    static func tlsContext(_ settings: SMTPSettings) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let roots = settings.trustRoots { configuration.trustRoots = .certificates(roots) }
        return try NIOSSLContext(configuration: configuration)
    }

    /// SNI takes names, not addresses.
    static func sniName(_ host: String) -> String? {
        host.contains(":") || host.split(separator: ".").allSatisfy({ Int($0) != nil }) ? nil : host
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

extension SMTPError {
    var isRefusal: Bool {
        if case .refused = self { return true }
        return false
    }
}
