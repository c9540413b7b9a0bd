#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The networks a webhook may be aimed at. By default every address but loopback, link-local
/// (169.254.0.0/16, where cloud metadata services answer, and fe80::/10), unspecified and multicast,
/// so that a webhook cannot reach the collector's own ports or the machine's metadata service; the
/// config lists networks to allow instead (tests allow 127.0.0.0/8). Checked against the address
/// actually connected to, after the name is resolved.
public struct NetworkAllowList: Sendable, Equatable {
    public struct Network: Sendable, Equatable, CustomStringConvertible {
        public var address: [UInt8]
        public var prefix: Int

        /// `10.0.0.0/8`, `fd00::/8`, or one address (`192.0.2.7`).
        public init?(_ text: String) {
            let parts = text.split(separator: "/", maxSplits: 1).map { String($0) }
            guard let address = IPAddress.bytes(parts[0]) else { return nil }
            let bits = address.count * 8
            let prefix = parts.count == 2 ? Int(parts[1]) : bits
            guard let prefix, (0...bits).contains(prefix) else { return nil }
            self.address = address
            self.prefix = prefix
        }

        public func contains(_ other: [UInt8]) -> Bool {
            guard other.count == address.count else { return false }
            var remaining = prefix
            for (mine, theirs) in zip(address, other) where remaining > 0 {
                let take = min(8, remaining)
                let mask: UInt8 = take == 8 ? 0xFF : ~(0xFF >> UInt8(take))
                if mine & mask != theirs & mask { return false }
                remaining -= take
            }
            return true
        }

        public var description: String { "\(IPAddress.text(address))/\(prefix)" }
    }

    /// Networks allowed; nil: the default (everything but the ranges in `neverByDefault`).
    public var allowed: [Network]?

    public static let neverByDefault = ["127.0.0.0/8", "0.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "255.255.255.255/32",
                                        "::1/128", "::/128", "fe80::/10", "ff00::/8", "::ffff:0:0/96"].compactMap(Network.init)

    public init(allowed: [Network]? = nil) {
        self.allowed = allowed
    }

    /// From the config's list of networks; an entry that is not one is named.
    public init(_ texts: [String]?) throws(NetworkAllowListError) {
        guard let texts else { self.init(); return }
        var networks: [Network] = []
        for text in texts {
            guard let network = Network(text) else { throw NetworkAllowListError(text: text) }
            networks.append(network)
        }
        self.init(allowed: networks)
    }

    public func allows(_ address: [UInt8]) -> Bool {
        if let allowed { return allowed.contains { $0.contains(address) } }
        return !Self.neverByDefault.contains { $0.contains(address) }
    }
}

public struct NetworkAllowListError: Error, CustomStringConvertible {
    public var text: String
    public var description: String { "\(text) is not a network (write 10.0.0.0/8, fd00::/8 or one address)" }
}

/// Textual IPv4 and IPv6 addresses to and from bytes.
public enum IPAddress {
    public static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    public static func text(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        guard bytes.count == 4 || bytes.count == 16,
              bytes.withUnsafeBytes({ inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
