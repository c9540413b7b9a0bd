import Foundation
import DesksideFiles
import DesksideJSON

/// Where the CLI keeps its server and token: a JSON file readable by its owner only
/// (`$DESKSIDE_CREDENTIALS`, else `$XDG_CONFIG_HOME/deskside/credentials.json`, else
/// `~/.config/deskside/credentials.json`). For automation, `DESKSIDE_SERVER` and
/// `DESKSIDE_TOKEN_FILE` (a file holding an API token) take its place; a token is never an argument.
public struct Credentials: Codable, Sendable, Equatable {
    public var server: String
    public var token: String
    public var username: String?
    public var expiresAt: String?

    public init(server: String, token: String, username: String?, expiresAt: String?) {
        self.server = server
        self.token = token
        self.username = username
        self.expiresAt = expiresAt
    }

    public static var path: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["DESKSIDE_CREDENTIALS"], !path.isEmpty { return path }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? ".") + "/.config")
        return config + "/deskside/credentials.json"
    }

    /// The credentials to use: `DESKSIDE_TOKEN_FILE` with `DESKSIDE_SERVER` when set, else the file.
    public static func load() throws -> Credentials? {
        let environment = ProcessInfo.processInfo.environment
        if let tokenFile = environment["DESKSIDE_TOKEN_FILE"], !tokenFile.isEmpty {
            guard let bytes = DurableFile.read(tokenFile, limit: 4096) else { throw CredentialsError("cannot read DESKSIDE_TOKEN_FILE \(tokenFile)") }
            let token = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return Credentials(server: environment["DESKSIDE_SERVER"] ?? "http://127.0.0.1:8080", token: token, username: nil, expiresAt: nil)
        }
        guard let bytes = DurableFile.read(path, limit: 64 * 1024) else { return nil }
        do {
            return try JSONCoder.decode(Credentials.self, from: bytes)
        } catch {
            throw CredentialsError("\(path) is damaged (\(error)); run deskside login again")
        }
    }

    /// Saves to `path` with mode 0600, its folder 0700.
    public func save() throws {
        let path = Self.path
        let folder = (path as NSString).deletingLastPathComponent
        do {
            if !folder.isEmpty { try DurableFile.makeDirectory(folder) }
            try DurableFile.write(try JSONCoder.encode(self), to: path, mode: 0o600)
        } catch {
            throw CredentialsError("cannot save the credentials to \(path): \(error)")
        }
    }

    public static func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

public struct CredentialsError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
