#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideStore
import GRDB

/// The audit log on SQLite (`auditEvent`). The store's own features not yet behind a repository write
/// it in their transactions (`CollectorStore.audit`, merges, imports, certificate renewals).
public struct SQLiteAuditTrail: AuditTrail {
    let pool: DatabasePool

    struct EntryRow: Decodable, FetchableRecord {
        var at: String
        var actor: String
        var action: String
        var outcome: String
        var detail: String
    }

    public func record(_ entry: AuditEntry) async throws {
        try await pool.write { db in
            try db.run("INSERT INTO auditEvent (at, actor, action, outcome, detail) VALUES (?, ?, ?, ?, ?)",
                       arguments: [Timestamp.text(entry.at), entry.actor, entry.action, entry.allowed ? "allowed" : "refused", entry.detail])
        }
    }

    public func entries() async throws -> [AuditEntry] {
        try await pool.read { db in
            try EntryRow.fetchAll(cached: db, sql: "SELECT at, actor, action, outcome, detail FROM auditEvent ORDER BY id").map {
                AuditEntry(at: try Timestamp.date($0.at), actor: $0.actor, action: $0.action, allowed: $0.outcome == "allowed", detail: $0.detail)
            }
        }
    }
}

extension CollectorStore {
    public var auditTrail: SQLiteAuditTrail { SQLiteAuditTrail(pool: pool) }
}
