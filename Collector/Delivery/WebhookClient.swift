import Foundation
public import DesksideNotifications
import NIOConcurrencyHelpers
public import NIOCore
import NIOHTTP1
public import NIOPosix
public import NIOSSL

/// POSTs a webhook: the name resolved once, the address checked against the allow-list, then that
/// very address connected to (so a name that resolves elsewhere the second time reaches nothing it
/// should not), HTTPS checked against the name, a 5 s limit on the whole exchange, no redirect
/// followed, the answer's body read up to 64 KB and dropped. A small HTTP/1.1 client on SwiftNIO:
/// AsyncHTTPClient resolves names itself and could not promise the allow-list holds for the address
/// it connects to.
public struct WebhookClient: Sendable {
    public var allowList: NetworkAllowList
    public var timeout: TimeAmount = .seconds(5)
    /// Ports the collector itself listens on (filled in as its listeners start), refused on any
    /// address of this machine.
    public let ownPorts: ListeningPorts
    /// PEM certificates to trust for HTTPS instead of the system's (tests; a company CA).
    public var trustRoots: [NIOSSLCertificate]?
    /// Where connections run and names are resolved (the delivery worker gives its own, low-priority).
    public var group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    public var resolver: NIOThreadPool = .singleton

    public init(allowList: NetworkAllowList, ownPorts: ListeningPorts = ListeningPorts(), trustRoots: [NIOSSLCertificate]? = nil) {
        self.allowList = allowList
        self.ownPorts = ownPorts
        self.trustRoots = trustRoots
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case badURL(String)
        case notAllowed(String)
        case unreachable(String)
        case status(Int)
        case timeout

        public var description: String {
            switch self {
            case .badURL(let why): "the URL is not usable: \(why)"
            case .notAllowed(let address): "\(address) is not in the networks webhooks may reach (webhooks.allowedNetworks)"
            case .unreachable(let why): "the receiver is unreachable: \(why)"
            case .status(let code): "the receiver answered \(code)"
            case .timeout: "the receiver did not answer within 5 s"
            }
        }
    }

    /// `https://host[:port]/path` or `http://...`, parsed; nothing else (no user info, no fragment).
    public struct Target: Sendable, Equatable {
        public var tls: Bool
        public var host: String
        public var port: Int
        public var path: String

        public init(_ url: String) throws(Failure) {
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
                  let host = components.host, !host.isEmpty else { throw .badURL("write https://host/path") }
            guard components.user == nil, components.password == nil, components.fragment == nil else { throw .badURL("no user, password or fragment") }
            tls = scheme == "https"
            self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
            port = components.port ?? (tls ? 443 : 80)
            guard (1...65535).contains(port) else { throw .badURL("the port is out of range") }
            let query = components.percentEncodedQuery.map { "?" + $0 } ?? ""
            path = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath) + query
            guard !path.contains(where: { $0 == "\r" || $0 == "\n" || $0 == " " }) else { throw .badURL("the path has spaces or line breaks") }
        }
    }

    /// Whether `url` may be subscribed to: it parses and its name resolves to an allowed address now.
    /// Blocking (it resolves the name): for a thread-pool thread, as the desk's calls are.
    public func check(_ url: String) throws(Failure) {
        _ = try Self.resolve(Target(url), allowList: allowList, ownPorts: ownPorts)
    }

    /// Sends `body`, signed, to `url`; returns when a 2xx answer came.
    public func post(_ url: String, body: [UInt8], headers: [(String, String)]) async throws(Failure) {
        let target = try Target(url)
        let allowList = self.allowList, ownPorts = self.ownPorts
        let address: SocketAddress
        do {
            address = try await resolver.runIfActive { try Self.resolve(target, allowList: allowList, ownPorts: ownPorts) }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .unreachable("\(error)")
        }
        do {
            try await exchange(target, address: address, body: body, headers: headers)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .unreachable("\(error)")
        }
    }

    static func resolve(_ target: Target, allowList: NetworkAllowList, ownPorts: ListeningPorts) throws(Failure) -> SocketAddress {
        let resolved: SocketAddress
        do {
            resolved = try SocketAddress.makeAddressResolvingHost(target.host, port: target.port)
        } catch {
            throw .unreachable("\(target.host) does not resolve")
        }
        let bytes: [UInt8]
        switch resolved {
        case .v4(let v4): bytes = withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6): bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        default: throw .notAllowed(target.host)
        }
        let text = IPAddress.text(bytes)
        guard allowList.allows(bytes) else { throw .notAllowed(text) }
        // The collector's own ports on this machine stay out of reach even when loopback is allowed.
        if ownPorts.contains(target.port), NetworkAllowList.neverByDefault.contains(where: { $0.contains(bytes) }) {
            throw .notAllowed("\(text) port \(target.port) (the collector's own)")
        }
        return resolved
    }

    private func exchange(_ target: Target, address: SocketAddress, body: [UInt8], headers: [(String, String)]) async throws {
        let tls: NIOSSLContext? = target.tls ? try {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            if let trustRoots { configuration.trustRoots = .certificates(trustRoots) }
            return try NIOSSLContext(configuration: configuration)
        }() : nil
        let host = target.host
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        let name = IPAddress.bytes(host) == nil ? host : nil
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: name))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        let timedOut = NIOLockedValueBox(false)
        let timer = channel.channel.eventLoop.scheduleTask(in: timeout) {
            timedOut.withLockedValue { $0 = true }
            channel.channel.close(promise: nil)
        }
        defer { timer.cancel() }
        var status: Int?
        do {
            try await channel.executeThenClose { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.path)
                let hostHeader = target.host.contains(":") ? "[\(target.host)]" : target.host
                head.headers.add(name: "Host", value: target.port == (target.tls ? 443 : 80) ? hostHeader : "\(hostHeader):\(target.port)")
                head.headers.add(name: "Content-Type", value: "application/json")
                head.headers.add(name: "Content-Length", value: "\(body.count)")
                head.headers.add(name: "User-Agent", value: "Deskside-Webhook/1")
                head.headers.add(name: "Connection", value: "close")
                for (name, value) in headers { head.headers.add(name: name, value: value) }
                try await outbound.write(.head(head))
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                try await outbound.write(.end(nil))
                var received = 0
                for try await part in inbound {
                    switch part {
                    case .head(let response): status = Int(response.status.code)
                    case .body(let chunk):
                        received += chunk.readableBytes
                        if received > 65_536 { return }
                    case .end: return
                    }
                }
            }
        } catch {
            if timedOut.withLockedValue({ $0 }) { throw Failure.timeout }
            if status == nil { throw error }
        }
        if timedOut.withLockedValue({ $0 }), status == nil { throw Failure.timeout }
        guard let status else { throw Failure.unreachable("no answer") }
        guard (200..<300).contains(status) else { throw Failure.status(status) }
    }
}

/// The ports this collector listens on, as its listeners start (a port given as 0 is known only then).
public final class ListeningPorts: Sendable {
    private let ports = NIOLockedValueBox(Set<Int>())

    public init() {}

    public func add(_ port: Int) { ports.withLockedValue { _ = $0.insert(port) } }
    public func contains(_ port: Int) -> Bool { ports.withLockedValue { $0.contains(port) } }
}
