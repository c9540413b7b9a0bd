#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAPI
public import DesksideStore
import PostgresNIO

/// The script library on PostgreSQL (`script`, see `PostgresMigrations.scripts`).
public struct PostgresScripts: ScriptRepository {
    let database: PostgresStore

    public init(_ database: PostgresStore) {
        self.database = database
    }

    static let select = "SELECT id, name, description, body, created_at, updated_at, updated_by FROM script"

    static func script(_ row: PostgresRow) throws -> Script {
        let (id, name, description, body, created, updated, by) = try row.decode((Int64, String, String, String, Date, Date, String).self)
        return Script(id: id, name: name, description: description, body: body, createdAt: PostgresStore.text(created),
                      updatedAt: PostgresStore.text(updated), updatedBy: by)
    }

    public func scripts() async throws -> [Script] {
        try await database.rows(PostgresQuery(unsafeSQL: Self.select + " ORDER BY name")).map(Self.script)
    }

    public func script(name: String) async throws -> Script? {
        var query = PostgresQuery(unsafeSQL: Self.select + " WHERE name = $1")
        query.binds.append(name)
        return try await database.rows(query).first.map(Self.script)
    }

    public func saveScript(name: String, description: String, body: String, actor: String, now: Date) async throws -> Script {
        let rows = try await database.rows("""
            INSERT INTO script (name, description, body, created_at, updated_at, updated_by) VALUES (\(name), \(description), \(body), \(now), \(now), \(actor))
            ON CONFLICT (name) DO UPDATE SET description = excluded.description, body = excluded.body, updated_at = excluded.updated_at,
                updated_by = excluded.updated_by
            RETURNING id, name, description, body, created_at, updated_at, updated_by
            """)
        return try Self.script(rows[0])
    }

    public func deleteScript(name: String) async throws -> Bool {
        try await !database.rows("DELETE FROM script WHERE name = \(name) RETURNING id").isEmpty
    }
}
