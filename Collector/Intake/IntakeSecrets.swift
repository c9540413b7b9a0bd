import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A source's secrets: the token in its URL (256 random bits, stored as its SHA-256) and its Basic
/// password (generated too, 192 bits, stored salted). Both are made by the collector, so a fast
/// hash is enough: there is no guessable password to protect with a slow one, and the agents'
/// three requests per message (interop/PROTOCOL.md §4) stay cheap.
public enum IntakeSecrets {
    public static func newToken() -> String { random(bytes: 32) }

    public static func newPassword() -> String { random(bytes: 24) }

    public static func newSalt() -> [UInt8] { (0..<16).map { _ in UInt8.random(in: 0...255) } }

    public static func tokenHash(_ token: String) -> String { hex(SHA256.hash(data: Array(token.utf8))) }

    public static func passwordHash(_ password: String, salt: [UInt8]) -> String { hex(SHA256.hash(data: salt + Array(password.utf8))) }

    /// Whether a `Basic` Authorization header carries `user` and the password hashed as `hash`;
    /// compared in constant time.
    public static func basicMatches(_ header: String?, user: String, salt: [UInt8], hash: String) -> Bool {
        guard let header, header.count <= 1024, header.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6)).filter { $0 != " " }) else { return false }
        let text = String(decoding: decoded, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return false }
        let given = passwordHash(String(text[text.index(after: colon)...]), salt: salt)
        let sameUser = Array(String(text[..<colon]).utf8) == Array(user.utf8)
        var difference: UInt8 = 0
        for (a, b) in zip(Array(given.utf8), Array(hash.utf8)) { difference |= a ^ b }
        return sameUser && difference == 0 && given.utf8.count == hash.utf8.count
    }

    static func random(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}
