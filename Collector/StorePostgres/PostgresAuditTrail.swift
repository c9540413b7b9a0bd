#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideStore
import PostgresNIO

/// The audit log on PostgreSQL (`audit_event`, see `PostgresMigrations.audit`).
public struct PostgresAuditTrail: AuditTrail {
    let database: PostgresStore

    public init(_ database: PostgresStore) {
        self.database = database
    }

    public func record(_ entry: AuditEntry) async throws {
        _ = try await database.rows("""
            INSERT INTO audit_event (at, actor, action, allowed, detail) VALUES (\(entry.at), \(entry.actor), \(entry.action), \(entry.allowed), \(entry.detail))
            """)
    }

    public func entries() async throws -> [AuditEntry] {
        try await database.rows("SELECT at, actor, action, allowed, detail FROM audit_event ORDER BY id").map { row in
            let (at, actor, action, allowed, detail) = try row.decode((Date, String, String, Bool, String).self)
            return AuditEntry(at: at, actor: actor, action: action, allowed: allowed, detail: detail)
        }
    }
}
