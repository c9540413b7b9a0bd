#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideJSON
import GRDB

extension CollectorStore {
    /// One technician's work over the period.
    public struct TechnicianReport: Codable, Sendable, Equatable {
        public var username: String
        public var tier: Int?
        public var assigned: Int
        public var resolved: Int
        /// Medians in minutes; `nil` when there is nothing to measure.
        public var medianFirstResponseMinutes: Double?
        public var medianResolutionMinutes: Double?
        public var averageRating: Double?
        public var ratings: Int
    }

    /// Tickets of one category or one asset model over the period.
    public struct VolumeReport: Codable, Sendable, Equatable {
        public var key: String
        public var opened: Int
        public var resolved: Int
        public var medianResolutionMinutes: Double?
    }

    /// One week (starting Monday, UTC).
    public struct WeekReport: Codable, Sendable, Equatable {
        public var week: String
        public var opened: Int
        public var resolved: Int
        public var breached: Int
    }

    /// The asset register at a glance.
    public struct AuditReport: Codable, Sendable, Equatable {
        public struct Count: Codable, Sendable, Equatable {
            public var key: String
            public var assets: Int
        }
        public var assets: Int
        public var byOS: [Count]
        public var byModel: [Count]
        public var missingSecurityUpdates: Int
        public var silentAgents: Int
        public var silentDays: Int
        public var unassigned: Int
    }

    /// Minutes between two stored timestamps.
    static func minutes(_ from: String?, _ to: String?) -> Double? {
        guard let from, let to, let start = ISO8601.parse(from), let end = ISO8601.parse(to) else { return nil }
        return (end - start) / 60
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Per technician: tickets assigned and resolved among those opened since `since`, median time to
    /// first response and to resolution, and satisfaction.
    public func technicianReport(since: Date) throws -> [TechnicianReport] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT a.username, a.tier, t.createdAt, t.firstResponseAt, t.resolvedAt, t.rating FROM ticket AS t JOIN account AS a ON a.id = t.assigneeId
                WHERE t.createdAt >= ? ORDER BY a.username
                """, arguments: [Timestamp.text(since)])
            return Dictionary(grouping: rows) { $0["username"] as String }.map { username, rows in
                let ratings = rows.compactMap { $0["rating"] as Int? }
                return TechnicianReport(
                    username: username, tier: rows[0]["tier"], assigned: rows.count, resolved: rows.filter { ($0["resolvedAt"] as String?) != nil }.count,
                    medianFirstResponseMinutes: Self.median(rows.compactMap { Self.minutes($0["createdAt"], $0["firstResponseAt"]) }),
                    medianResolutionMinutes: Self.median(rows.compactMap { Self.minutes($0["createdAt"], $0["resolvedAt"]) }),
                    averageRating: ratings.isEmpty ? nil : Double(ratings.reduce(0, +)) / Double(ratings.count), ratings: ratings.count)
            }.sorted { $0.username < $1.username }
        }
    }

    /// Volume and time to resolve per category (`byModel` false) or per model of the linked assets.
    public func volumeReport(since: Date, byModel: Bool) throws -> [VolumeReport] {
        let sql = byModel ? """
            SELECT coalesce(nullif(trim(coalesce(s.vendor, '') || ' ' || coalesce(s.model, '')), ''), 'unknown') AS key, t.createdAt, t.resolvedAt
            FROM ticket AS t JOIN ticketAsset AS l ON l.ticketId = t.id JOIN asset AS s ON s.id = l.assetId WHERE t.createdAt >= ?
            """ : "SELECT t.category AS key, t.createdAt, t.resolvedAt FROM ticket AS t WHERE t.createdAt >= ? AND t.source != 'storm'"
        return try pool.read { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: [Timestamp.text(since)])
            return Dictionary(grouping: rows) { $0["key"] as String }.map { key, rows in
                VolumeReport(key: key, opened: rows.count, resolved: rows.filter { ($0["resolvedAt"] as String?) != nil }.count,
                             medianResolutionMinutes: Self.median(rows.compactMap { Self.minutes($0["createdAt"], $0["resolvedAt"]) }))
            }.sorted { ($0.opened, $1.key) > ($1.opened, $0.key) }
        }
    }

    /// Opened, resolved and SLA-breached tickets per week since `since`.
    public func weeklyReport(since: Date) throws -> [WeekReport] {
        try pool.read { db in
            // The Monday of each timestamp's week: SQLite's weekday 0 is Sunday.
            func week(_ column: String) -> String {
                "date(substr(\(column), 1, 10), '-' || ((strftime('%w', substr(\(column), 1, 10)) + 6) % 7) || ' days')"
            }
            let opened = try Row.fetchAll(db, sql: """
                SELECT \(week("createdAt")) AS week, count(*) AS n, sum(responseBreached OR resolutionBreached) AS breached
                FROM ticket WHERE createdAt >= ? AND source != 'storm' GROUP BY week
                """, arguments: [Timestamp.text(since)])
            let resolved = try Row.fetchAll(db, sql: """
                SELECT \(week("resolvedAt")) AS week, count(*) AS n FROM ticket
                WHERE resolvedAt >= ? AND source != 'storm' GROUP BY week
                """, arguments: [Timestamp.text(since)])
            var weeks: [String: WeekReport] = [:]
            for row in opened {
                weeks[row["week"], default: WeekReport(week: row["week"], opened: 0, resolved: 0, breached: 0)].opened = row["n"]
                weeks[row["week"]]!.breached = row["breached"] ?? 0
            }
            for row in resolved { weeks[row["week"], default: WeekReport(week: row["week"], opened: 0, resolved: 0, breached: 0)].resolved = row["n"] }
            return weeks.values.sorted { $0.week < $1.week }
        }
    }

    /// Assets by OS and model, with missing security updates, silent agents and unassigned assets.
    public func auditReport(now: Date, silentDays: Int) throws -> AuditReport {
        var missing = AssetQuery()
        missing.missingSecurityUpdates = true
        missing.limit = 1
        var silent = AssetQuery()
        silent.silentSince = now.addingTimeInterval(-Double(silentDays) * 86400)
        silent.limit = 1
        var unassigned = AssetQuery()
        unassigned.unassigned = true
        unassigned.limit = 1
        let counts = try pool.read { db -> (Int, [AuditReport.Count], [AuditReport.Count]) in
            func group(_ expression: String) throws -> [AuditReport.Count] {
                try Row.fetchAll(db, sql: "SELECT \(expression) AS key, count(*) AS n FROM asset GROUP BY key ORDER BY n DESC, key").map {
                    AuditReport.Count(key: $0["key"], assets: $0["n"])
                }
            }
            return (try Int.fetchOne(db, sql: "SELECT count(*) FROM asset") ?? 0,
                    try group("coalesce(nullif(trim(coalesce(osName, '') || ' ' || coalesce(osVersion, '')), ''), 'unknown')"),
                    try group("coalesce(nullif(trim(coalesce(vendor, '') || ' ' || coalesce(model, '')), ''), 'unknown')"))
        }
        return AuditReport(assets: counts.0, byOS: counts.1, byModel: counts.2, missingSecurityUpdates: try assets(matching: missing).total,
                           silentAgents: try assets(matching: silent).total, silentDays: silentDays, unassigned: try assets(matching: unassigned).total)
    }
}
