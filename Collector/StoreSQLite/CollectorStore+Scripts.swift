#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import GRDB

/// The script library: scripts that `script.run` tasks and template steps name. Admins write them.
extension CollectorStore {
    public struct Script: Codable, Sendable, Equatable, FetchableRecord {
        public var id: Int64
        public var name: String
        public var description: String
        public var body: String
        public var createdAt: String
        public var updatedAt: String
        public var updatedBy: String

        public init(row: Row) {
            id = row["id"]
            name = row["name"]
            description = row["description"]
            body = row["body"]
            createdAt = row["createdAt"]
            updatedAt = row["updatedAt"]
            updatedBy = row["updatedBy"]
        }
    }

    public func scripts() throws -> [Script] {
        try pool.read { db in try Script.fetchAll(cached: db, sql: "SELECT * FROM script ORDER BY name") }
    }

    public func script(name: String) throws -> Script? {
        try pool.read { db in try Script.fetchOne(cached: db, sql: "SELECT * FROM script WHERE name = ?", arguments: [name]) }
    }

    /// Creates or replaces the script `name`.
    public func saveScript(name: String, description: String, body: String, actor: String, now: Date) throws -> Script {
        let time = Timestamp.text(now)
        return try pool.write { db in
            try db.run("""
                INSERT INTO script (name, description, body, createdAt, updatedAt, updatedBy) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET description = excluded.description, body = excluded.body, updatedAt = excluded.updatedAt,
                updatedBy = excluded.updatedBy
                """, arguments: [name, description, body, time, time, actor])
            return try Script.fetchOne(cached: db, sql: "SELECT * FROM script WHERE name = ?", arguments: [name])!
        }
    }

    public func deleteScript(name: String) throws -> Bool {
        try pool.write { db in
            try db.run("DELETE FROM script WHERE name = ?", arguments: [name])
            return db.changesCount == 1
        }
    }
}
