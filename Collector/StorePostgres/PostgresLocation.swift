#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the PostgreSQL store is: `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`,
/// with the password in a file of its own (a line; the collector's config names the file). A password
/// in the URL is refused: a URL ends up on command lines and in logs, a secret must not.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Equatable {
        /// Plain TCP (a server on loopback or a Unix socket).
        case disable
        /// TLS when the server offers it, plain otherwise (postgres-nio's default).
        case prefer
        /// TLS with the server's certificate verified against the system's trust store.
        case require
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode
    /// The password, read from the file; never printed.
    public internal(set) var password: String?

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Parses `url` and reads the password from `passwordFile` (its first line), if one is named.
    public init(url: String, passwordFile: String?) throws {
        self = try Self.parse(url)
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile), let text = String(data: data, encoding: .utf8) else {
                throw Invalid(description: "cannot read the database password file \(passwordFile)")
            }
            let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard !line.isEmpty else { throw Invalid(description: "the database password file \(passwordFile) is empty") }
            password = line
        }
    }

    static func parse(_ url: String) throws -> PostgresLocation {
        func invalid(_ why: String) -> Invalid { Invalid(description: "\(why): give postgres://USER@HOST[:PORT]/DATABASE") }
        var rest = Substring(url)
        guard let scheme = ["postgres://", "postgresql://"].first(where: { rest.hasPrefix($0) }) else { throw invalid("not a postgres:// URL") }
        rest = rest.dropFirst(scheme.count)
        var query = Substring("")
        if let mark = rest.firstIndex(of: "?") { query = rest[rest.index(after: mark)...]; rest = rest[..<mark] }
        guard let slash = rest.firstIndex(of: "/") else { throw invalid("no database") }
        let database = String(rest[rest.index(after: slash)...])
        var authority = rest[..<slash]
        guard let at = authority.lastIndex(of: "@") else { throw invalid("no user") }
        let user = authority[..<at]
        if user.contains(":") {
            throw Invalid(description: "the URL holds a password: put it in a file of its own (databasePasswordFile), never in the URL")
        }
        authority = authority[authority.index(after: at)...]
        var host = authority, port = 5432
        if authority.hasPrefix("[") {   // [::1]:5432
            guard let close = authority.firstIndex(of: "]") else { throw invalid("an unclosed [") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = try Self.port(after.dropFirst(), invalid) } else if !after.isEmpty { throw invalid("junk after ]") }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = try Self.port(authority[authority.index(after: colon)...], invalid)
        }
        guard !user.isEmpty, !host.isEmpty, !database.isEmpty, !database.contains("/") else { throw invalid("a part is empty") }
        var tls = TLSMode.prefer
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "sslmode", let mode = TLSMode(rawValue: parts[1]) else {
                throw Invalid(description: "unknown URL option \(pair): only sslmode=disable|prefer|require")
            }
            tls = mode
        }
        return PostgresLocation(user: String(user), host: String(host), port: port, database: database, tls: tls, password: nil)
    }

    private static func port(_ text: Substring, _ invalid: (String) -> Invalid) throws -> Int {
        guard let port = Int(text), (1...65535).contains(port) else { throw invalid("a bad port") }
        return port
    }

    init(user: String, host: String, port: Int, database: String, tls: TLSMode, password: String?) {
        self.user = user
        self.host = host
        self.port = port
        self.database = database
        self.tls = tls
        self.password = password
    }

    /// The same server, another database (tests make one per test; `migrate` checks its target).
    public func database(_ name: String) -> PostgresLocation {
        var copy = self
        copy.database = name
        return copy
    }

    /// The URL without the password.
    public var description: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "postgres://\(user)@\(host):\(port)/\(database)" + (tls == .prefer ? "" : "?sslmode=\(tls.rawValue)")
    }
}
