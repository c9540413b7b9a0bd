#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideInventory
import GRDB

extension CollectorStore {
    /// Creates an API token with a role; returns its id and its secret, shown once and stored only as SHA-256.
    public func createAPIToken(name: String, role: String, now: Date) throws -> (id: Int64, secret: String) {
        let secret = "dsa_" + Self.randomHex(bytes: 32)
        let id = try pool.write { db in
            try db.execute(sql: "INSERT INTO apiToken (name, role, secretHash, createdAt) VALUES (?, ?, ?, ?)",
                           arguments: [name, role, Self.hash(secret), Timestamp.text(now)])
            return db.lastInsertedRowID
        }
        return (id, secret)
    }

    /// An API token as listed: never its secret.
    public struct APIToken: Codable, Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var role: String
        public var createdAt: String
        public var revokedAt: String?
    }

    public func apiTokens() throws -> [APIToken] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, role, createdAt, revokedAt FROM apiToken ORDER BY id").map {
                APIToken(id: $0["id"], name: $0["name"], role: $0["role"], createdAt: $0["createdAt"], revokedAt: $0["revokedAt"])
            }
        }
    }

    /// Revokes an API token; `false` when there is no such token.
    public func revokeAPIToken(id: Int64, now: Date) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE apiToken SET revokedAt = coalesce(revokedAt, ?) WHERE id = ?", arguments: [Timestamp.text(now), id])
            return db.changesCount == 1
        }
    }

    /// `count` random bytes as hex: the secrets (tokens, first passwords) the collector hands out.
    public static func randomHex(bytes count: Int) -> String {
        var random = SystemRandomNumberGenerator()
        return Hex.encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) })
    }
}
