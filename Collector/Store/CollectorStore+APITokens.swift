#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideInventory
import GRDB

extension CollectorStore {
    /// Creates an API token with a role; returns its secret, shown once and stored only as SHA-256.
    public func createAPIToken(name: String, role: String, now: Date) throws -> String {
        let secret = "dsa_" + Self.randomHex(bytes: 32)
        try pool.write { db in
            try db.execute(sql: "INSERT INTO apiToken (name, role, secretHash, createdAt) VALUES (?, ?, ?, ?)",
                           arguments: [name, role, Self.hash(secret), Timestamp.text(now)])
        }
        return secret
    }

    /// The role of a valid, unrevoked API token; `nil` otherwise.
    public func apiTokenRole(secret: String) throws -> String? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT role FROM apiToken WHERE secretHash = ? AND revokedAt IS NULL", arguments: [Self.hash(secret)])
        }
    }

    static func randomHex(bytes count: Int) -> String {
        var random = SystemRandomNumberGenerator()
        return Hex.encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) })
    }
}
