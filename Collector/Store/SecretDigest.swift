import Crypto
import DesksideInventory

/// Secrets the collector hands out (sessions, API tokens, enrollment tokens) and how they are stored:
/// only their SHA-256, so a copy of the database signs no one in.
public enum SecretDigest {
    /// SHA-256 of the secret's UTF-8, as lowercase hex.
    public static func sha256(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Array(secret.utf8)))
    }

    /// `count` random bytes as lowercase hex.
    public static func randomHex(bytes count: Int) -> String {
        var random = SystemRandomNumberGenerator()
        return Hex.encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) })
    }
}
