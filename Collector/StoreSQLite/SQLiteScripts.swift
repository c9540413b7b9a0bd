#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAPI
public import DesksideStore
import GRDB

/// The script library on SQLite (`script`).
public struct SQLiteScripts: ScriptRepository {
    let pool: DatabasePool

    struct ScriptRow: Decodable, FetchableRecord {
        var id: Int64
        var name: String
        var description: String
        var body: String
        var createdAt: String
        var updatedAt: String
        var updatedBy: String

        static let select = "SELECT id, name, description, body, createdAt, updatedAt, updatedBy FROM script"

        var script: Script {
            Script(id: id, name: name, description: description, body: body, createdAt: createdAt, updatedAt: updatedAt, updatedBy: updatedBy)
        }
    }

    public func scripts() async throws -> [Script] {
        try await pool.read { db in try ScriptRow.fetchAll(cached: db, sql: ScriptRow.select + " ORDER BY name").map(\.script) }
    }

    public func script(name: String) async throws -> Script? {
        try await pool.read { db in try Self.fetch(db, name: name) }
    }

    static func fetch(_ db: Database, name: String) throws -> Script? {
        try ScriptRow.fetchOne(cached: db, sql: ScriptRow.select + " WHERE name = ?", arguments: [name])?.script
    }

    public func saveScript(name: String, description: String, body: String, actor: String, now: Date) async throws -> Script {
        let time = Timestamp.text(now)
        return try await pool.write { db in
            try db.run("""
                INSERT INTO script (name, description, body, createdAt, updatedAt, updatedBy) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET description = excluded.description, body = excluded.body, updatedAt = excluded.updatedAt,
                updatedBy = excluded.updatedBy
                """, arguments: [name, description, body, time, time, actor])
            return try Self.fetch(db, name: name)!
        }
    }

    public func deleteScript(name: String) async throws -> Bool {
        try await pool.write { db in
            try db.run("DELETE FROM script WHERE name = ?", arguments: [name])
            return db.changesCount == 1
        }
    }

    /// The same reads, synchronous, for the task and template paths whose desk calls are still
    /// synchronous (they sign `script.run` steps); they go when tasks move behind a repository.
    public struct Blocking: Sendable {
        let pool: DatabasePool

        public func script(name: String) throws -> Script? {
            try pool.read { db in try SQLiteScripts.fetch(db, name: name) }
        }
    }

    public var blocking: Blocking { Blocking(pool: pool) }
}

extension CollectorStore {
    public var scripts: SQLiteScripts { SQLiteScripts(pool: pool) }
}
