#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import GRDB

/// History retention (`assets.historyRetentionDays`): asset events and report records older than the
/// period are deleted by the help desk's clock, at most a batch of each per run, so that pruning a
/// long history never holds the writer for long.
extension CollectorStore {
    /// Deletes up to `batch` asset events and `batch` report records older than the retention
    /// period; returns how many rows went.
    public func pruneHistory(now: Date, batch: Int = 5000) throws -> Int {
        let cutoff = Timestamp.text(now.addingTimeInterval(-Double(register.historyRetentionDays) * 86400))
        return try pool.write { db in
            // Events are written in time order: the oldest come first by id, so a batch is found at
            // the start of the table; reports by their time's index. Nothing to prune costs a row read each.
            var deleted = 0
            if let oldest = try String.fetchOne(db, sql: "SELECT at FROM assetEvent ORDER BY id LIMIT 1"), oldest < cutoff {
                try db.execute(sql: "DELETE FROM assetEvent WHERE id IN (SELECT id FROM (SELECT id, at FROM assetEvent ORDER BY id LIMIT ?) WHERE at < ?)",
                               arguments: [batch, cutoff])
                deleted += db.changesCount
            }
            if let oldest = try String.fetchOne(db, sql: "SELECT receivedAt FROM report ORDER BY receivedAt LIMIT 1"), oldest < cutoff {
                try db.execute(sql: "DELETE FROM report WHERE (agentId, id) IN (SELECT agentId, id FROM report WHERE receivedAt < ? ORDER BY receivedAt LIMIT ?)",
                               arguments: [cutoff, batch])
                deleted += db.changesCount
            }
            return deleted
        }
    }

    /// How far back history goes: the retention period and the oldest event kept.
    public struct HistoryExtent: Codable, Sendable, Equatable {
        public var retentionDays: Int
        public var oldestEventAt: String?
    }

    public func historyExtent() throws -> HistoryExtent {
        try pool.read { db in
            HistoryExtent(retentionDays: register.historyRetentionDays, oldestEventAt: try String.fetchOne(db, sql: "SELECT min(at) FROM assetEvent"))
        }
    }
}
