/// A host and port as written on a command line or in a config file: `host:port`, `1.2.3.4:port` or
/// `[::1]:port`.
public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public struct InvalidEndpoint: Error, CustomStringConvertible {
        public var description: String
    }

    public init(parsing text: String) throws(InvalidEndpoint) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw InvalidEndpoint(description: "'\(text)' is not HOST:PORT ([ADDRESS]:PORT for IPv6)")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw InvalidEndpoint(description: "'\(text)' is not HOST:PORT ([ADDRESS]:PORT for IPv6)")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else {
            throw InvalidEndpoint(description: "'\(text)' is not HOST:PORT with a port from 0 to 65535")
        }
        self.host = String(host)
        self.port = port
    }

    /// Whether the host is an IP address literal (checked against the certificate's IP addresses, not its names).
    public var hostIsAddress: Bool {
        if host.contains(":") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The name sent in TLS (SNI) and checked against the certificate's names; `nil` for an address.
    public var serverName: String? { hostIsAddress ? nil : host }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
