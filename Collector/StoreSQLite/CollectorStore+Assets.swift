#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideJSON
public import DesksideAssets
import DesksideHelpdesk
public import DesksideInventory
import DesksideStore
import GRDB

extension CollectorStore {
    /// A search of the asset register. Every filter narrows; text filters match anywhere in the field,
    /// case-insensitively; `package` is a package name, matched exactly.
    public struct AssetQuery: Sendable, Equatable {
        public var text: String?
        public var hostname: String?
        public var serial: String?
        public var owner: String?
        public var os: String?
        public var package: String?
        /// Only the assets of this account (a requester's own).
        public var ownerId: Int64?
        /// Assets whose agent has not been heard from since this time (or never).
        public var silentSince: Date?
        /// Assets with at least one pending update from a security suite.
        public var missingSecurityUpdates = false
        /// Assets nobody is assigned to.
        public var unassigned = false
        public var status: AssetStatus?
        /// A category's name.
        public var category: String?
        /// Assets at this location or anywhere inside it.
        public var locationId: Int64?
        /// An asset tag, exactly (any case).
        public var tag: String?
        /// Assets with this (free) tag among their tags, in any case.
        public var tagged: String?
        /// Assets whose warranty ends on or before this day (and has not ended before `warrantyFrom`).
        public var warrantyBefore: CalendarDate?
        public var warrantyFrom: CalendarDate?
        /// Assets due for a physical audit on or before this day (their category has an interval).
        public var auditDueBy: CalendarDate?
        /// Assets last audited somewhere else than the location the register gives.
        public var auditLocationMismatch = false
        /// Only assets with (true) or without (false) an agent.
        public var hasAgent: Bool?
        /// Assets attached to this one.
        public var attachedTo: Int64?
        /// Only these assets (a label sheet for a handful).
        public var ids: [Int64]?
        public var sort: AssetSort = .hostname
        public var descending = false
        public var limit = 50
        public var offset = 0

        public init() {}
    }

    /// The orders a list of assets can be in (the name breaks ties, then the id).
    public enum AssetSort: String, Sendable, CaseIterable {
        case hostname, tag, os, lastReport, created

        var column: String {
            switch self {
            case .hostname: "asset.hostname COLLATE NOCASE"
            case .tag: "asset.tag COLLATE NOCASE"
            case .os: "asset.osName COLLATE NOCASE"
            case .lastReport: "asset.lastReportAt"
            case .created: "asset.createdAt"
            }
        }
    }

    /// One asset as listed.
    public struct AssetSummary: Codable, Sendable, Equatable {
        public var id: Int64
        public var tag: String
        /// The name staff gave it (an agent's machine goes by its hostname until then).
        public var name: String?
        public var category: String
        /// The location's path: site / building / room.
        public var location: String?
        public var agentID: String?
        public var hostname: String?
        public var serial: String?
        public var vendor: String?
        public var model: String?
        public var osName: String?
        public var osVersion: String?
        /// The owner's username.
        public var owner: String?
        public var ownerId: Int64?
        public var lastUser: String?
        public var status: String
        public var createdAt: String
        public var lastReportAt: String?
        public var lastSeenAt: String?
        public var faultCount: Int
    }

    /// One current fault of an asset.
    public struct FaultRecord: Codable, Sendable, Equatable {
        public var code: String
        public var severity: String
        public var subject: String
        public var summary: String
        public var fingerprint: String
        public var facts: [String: FactValue]
        public var firstSeenAt: String
        public var lastSeenAt: String
    }

    static let assetColumns = """
        asset.id, asset.tag, asset.name, category.name AS category, \(locationPath("l")) AS location, agent.uuid AS agentID, asset.hostname, asset.serial, asset.vendor, asset.model, asset.osName, asset.osVersion,
        owner.username AS owner, asset.ownerId, asset.lastUser, asset.status, asset.createdAt, asset.lastReportAt, agent.lastSeenAt,
        (SELECT count(*) FROM fault WHERE fault.assetId = asset.id) AS faultCount
        FROM asset JOIN assetCategory AS category ON category.id = asset.categoryId LEFT JOIN agent ON agent.id = asset.agentId
        LEFT JOIN account AS owner ON owner.id = asset.ownerId\(locationJoins("l", on: "asset.locationId"))
        """

    /// The assets matching `query`, by hostname then id, and how many match in all.
    public func assets(matching query: AssetQuery) throws -> (items: [AssetSummary], total: Int) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        func contains(_ value: String?, _ columns: [String]) {
            guard let value, !value.isEmpty else { return }
            let pattern = LikePattern.contains(value)
            conditions.append("(" + columns.map { "\($0) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ") + ")")
            arguments += columns.map { _ in pattern }
        }
        conditions.append("asset.mergedInto IS NULL")
        contains(query.text, ["asset.hostname", "asset.name", "asset.tag", "asset.serial", "owner.username", "owner.name", "asset.lastUser", "asset.osName", "asset.model"])
        contains(query.hostname, ["asset.hostname"])
        contains(query.serial, ["asset.serial"])
        contains(query.owner, ["owner.username", "owner.name", "asset.lastUser"])
        contains(query.os, ["asset.osName", "asset.osVersion"])
        if let package = query.package, !package.isEmpty {
            // The versions of that name, found once; then one primary-key seek per asset and version
            // (there is no package-to-asset index: it cost more on every report than it saves here).
            conditions.append("""
                EXISTS (SELECT 1 FROM assetPackage WHERE assetPackage.assetId = asset.id AND assetPackage.packageVersionId IN
                        (SELECT packageVersion.id FROM packageName JOIN packageVersion ON packageVersion.packageNameId = packageName.id
                         WHERE packageName.name = ?))
                """)
            arguments.append(package)
        }
        if let ownerId = query.ownerId {
            conditions.append("asset.ownerId = ?")
            arguments.append(ownerId)
        }
        if let silentSince = query.silentSince {
            conditions.append("asset.agentId IN (SELECT id FROM agent WHERE \(Self.lastContact()) < ? AND revokedAt IS NULL)")
            arguments.append(Timestamp.text(silentSince))
        }
        if query.missingSecurityUpdates {
            conditions.append("""
                EXISTS (SELECT 1 FROM inventorySection AS s, json_each(CAST(s.body AS TEXT), '$.pending') AS p
                        WHERE s.assetId = asset.id AND s.section = 'updates' AND json_extract(p.value, '$.security') = 1)
                """)
        }
        if query.unassigned { conditions.append("asset.ownerId IS NULL") }
        func where_(_ condition: String, _ values: (any DatabaseValueConvertible)?...) {
            conditions.append(condition)
            arguments += values
        }
        if let status = query.status { where_("asset.status = ?", status.rawValue) }
        if let category = query.category { where_("asset.categoryId = (SELECT id FROM assetCategory WHERE name = ?)", category) }
        if let location = query.locationId {
            where_("""
                asset.locationId IN (SELECT id FROM location WHERE id = ? OR parentId = ? OR parentId IN (SELECT id FROM location WHERE parentId = ?))
                """, location, location, location)
        }
        if let tag = query.tag { where_("asset.tag = ?", tag) }
        if let tagged = query.tagged { where_("EXISTS (SELECT 1 FROM json_each(asset.tags) WHERE lower(json_each.value) = lower(?))", tagged) }
        if let before = query.warrantyBefore { where_("asset.warrantyEnds <= ?", before.description) }
        if let from = query.warrantyFrom { where_("asset.warrantyEnds >= ?", from.description) }
        if let due = query.auditDueBy {
            where_("""
                asset.categoryId IN (SELECT id FROM assetCategory WHERE auditIntervalDays IS NOT NULL)
                AND date(substr(coalesce(asset.lastAuditAt, asset.createdAt), 1, 10), '+' || (SELECT auditIntervalDays FROM assetCategory
                    WHERE assetCategory.id = asset.categoryId) || ' days') <= ?
                """, due.description)
        }
        if query.auditLocationMismatch { where_("asset.lastAuditLocationId IS NOT NULL AND asset.lastAuditLocationId IS NOT asset.locationId") }
        if let hasAgent = query.hasAgent { where_(hasAgent ? "asset.agentId IS NOT NULL" : "asset.agentId IS NULL") }
        if let attachedTo = query.attachedTo { where_("asset.attachedTo = ?", attachedTo) }
        if let ids = query.ids {
            conditions.append("asset.id IN (" + ids.map { _ in "?" }.joined(separator: ", ") + ")")
            arguments += ids.map { $0 }
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let limit = min(max(query.limit, 1), Paging.maxRows)
        let offset = max(query.offset, 0)
        return try pool.read { db in
            // The owner's table only when a filter reads it.
            let from = filter.contains("owner.") ? "asset LEFT JOIN account AS owner ON owner.id = asset.ownerId" : "asset"
            let total = try Int.fetchOne(cached: db, sql: "SELECT count(*) FROM " + from + filter,
                                         arguments: StatementArguments(arguments)) ?? 0
            // The page's ids first (skipped rows cost an index step, not their columns), then their rows.
            let direction = query.descending ? " DESC" : ""
            let order = " ORDER BY " + query.sort.column + direction + (query.sort == .hostname ? "" : ", asset.hostname COLLATE NOCASE") + ", asset.id" + direction
            let items = try Row.fetchAll(cached: db, sql: "SELECT " + Self.assetColumns + " WHERE asset.id IN (SELECT asset.id FROM " + from + filter + order
                                                  + " LIMIT ? OFFSET ?)" + order,
                                         arguments: StatementArguments(arguments + [limit, offset])).map(Self.summary)
            return (items, total)
        }
    }

    public func asset(id: Int64) throws -> AssetSummary? {
        try pool.read { db in
            try Row.fetchOne(cached: db, sql: "SELECT " + Self.assetColumns + " WHERE asset.id = ? AND asset.mergedInto IS NULL", arguments: [id]).map(Self.summary)
        }
    }

    public func faultRecords(assetID: Int64) throws -> [FaultRecord] {
        try pool.read { db in
            try Row.fetchAll(cached: db, sql: """
                SELECT code, severity, subject, summary, fingerprint, facts, firstSeenAt, lastSeenAt FROM fault
                WHERE assetId = ? ORDER BY code, subject
                """, arguments: [assetID]).map { row in
                let facts = (try? JSONCoder.decode([String: FactValue].self, from: Array(row["facts"] as Data))) ?? [:]
                return FaultRecord(code: row["code"], severity: row["severity"], subject: row["subject"], summary: row["summary"],
                                   fingerprint: row["fingerprint"], facts: facts, firstSeenAt: row["firstSeenAt"], lastSeenAt: row["lastSeenAt"])
            }
        }
    }

    /// The newest `limit` events of the asset's history, newest first.
    public func recentHistory(assetID: Int64, limit: Int) throws -> [AssetEvent] {
        try pool.read { db in
            try Row.fetchAll(cached: db, sql: "SELECT at, section, item, oldValue, newValue FROM assetEvent WHERE assetId = ? ORDER BY id DESC LIMIT ?",
                             arguments: [assetID, limit]).map(AssetEvent.init)
        }
    }

    /// A page of the asset's history, newest first, of one section if `section` is given, and how
    /// many events there are.
    public func history(assetID: Int64, section: String?, limit: Int, offset: Int) throws -> (items: [AssetEvent], total: Int) {
        try pool.read { db in
            let items = try Row.fetchAll(cached: db, sql: """
                SELECT at, section, item, oldValue, newValue FROM assetEvent WHERE assetId = ? AND (? IS NULL OR section = ?)
                ORDER BY id DESC LIMIT ? OFFSET ?
                """, arguments: [assetID, section, section, limit, offset]).map(AssetEvent.init)
            let total = try Int.fetchOne(cached: db, sql: "SELECT count(*) FROM assetEvent WHERE assetId = ? AND (? IS NULL OR section = ?)",
                                         arguments: [assetID, section, section]) ?? 0
            return (items, total)
        }
    }

    /// One installed package as a list shows it.
    public struct InstalledPackage: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
        public var architecture: String
        public var manager: String
    }

    /// A page of the asset's packages in their canonical order (name, architecture, version, manager),
    /// those whose name contains `nameContains` (ASCII letters in any case), with how many match and
    /// how many the asset has.
    public func packages(assetID: Int64, nameContains needle: String, limit: Int, offset: Int) throws
        -> (items: [InstalledPackage], matching: Int, total: Int) {
        try pool.read { db in
            let from = """
                FROM assetPackage a JOIN packageVersion v ON v.id = a.packageVersionId JOIN packageName n ON n.id = v.packageNameId
                WHERE a.assetId = ? AND instr(lower(n.name), lower(?)) > 0
                """
            let items = try Row.fetchAll(cached: db, sql: "SELECT n.name, v.version, n.architecture, n.manager " + from
                                                  + " ORDER BY n.name, n.architecture, v.version, n.manager LIMIT ? OFFSET ?",
                                         arguments: [assetID, needle, limit, offset]).map { row in
                InstalledPackage(name: row["name"], version: row["version"], architecture: row["architecture"], manager: row["manager"])
            }
            let total = try Int.fetchOne(cached: db, sql: "SELECT count(*) FROM assetPackage WHERE assetId = ?", arguments: [assetID]) ?? 0
            let matching = needle.isEmpty ? total : try Int.fetchOne(cached: db, sql: "SELECT count(*) " + from, arguments: [assetID, needle]) ?? 0
            return (items, matching, total)
        }
    }

    static func summary(_ row: Row) -> AssetSummary {
        AssetSummary(id: row["id"], tag: row["tag"] ?? "", name: row["name"], category: row["category"], location: row["location"], agentID: row["agentID"], hostname: row["hostname"], serial: row["serial"], vendor: row["vendor"],
                     model: row["model"], osName: row["osName"], osVersion: row["osVersion"], owner: row["owner"], ownerId: row["ownerId"], lastUser: row["lastUser"],
                     status: row["status"], createdAt: row["createdAt"], lastReportAt: row["lastReportAt"], lastSeenAt: row["lastSeenAt"],
                     faultCount: row["faultCount"])
    }

    /// When an agent was last heard from: its last contact, or its enrollment if it never spoke
    /// since. The silent-agent check and the `silentSince` filter both use this (and its index).
    static func lastContact(_ agent: String = "agent") -> String { "coalesce(\(agent).lastSeenAt, \(agent).enrolledAt)" }

    /// A fault that appeared (`old` nil) or cleared (`new` nil) in the asset's history.
    static func faultEvent(_ db: Database, assetID: Int64, at time: String, item: String, old: String?, new: String?) throws {
        try db.run("INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, 'faults', ?, ?, ?)",
                   arguments: [assetID, time, item, old, new])
        try Outbox(db).webhookNotice(new == nil ? .faultCleared : .faultOpened, actor: Principal.system.actor, assetID: assetID, text: new ?? old,
                                     details: ["code": item], at: time)
    }

    /// One change of an asset's owner.
    public struct Assignment: Codable, Sendable, Equatable {
        public var at: String
        public var accountId: Int64?
        public var username: String?
        public var actor: String
        public var note: String
    }

    /// Assigns the asset to an account (`nil`: unassigned) and records who did it and why.
    public func assignAsset(id: Int64, to accountID: Int64?, actor: String, note: String, now: Date) throws {
        try pool.write { db in
            if let accountID, try Int.fetchOne(cached: db, sql: "SELECT 1 FROM account WHERE id = ?", arguments: [accountID]) == nil {
                throw HelpdeskError.unprocessable("no account \(accountID)")
            }
            try Self.assign(db, asset: id, to: accountID, actor: actor, note: note, now: now)
        }
    }

    /// With `ownerFromLastUser` on, an asset that never had an owner goes to the active account whose
    /// username is its last logged-in user (`AutomaticOwner`), recorded in its owners as automatic.
    static func ownerFromLastUser(_ db: Database, asset: Int64, lastUser: String?, settings: HelpdeskSettings, now: Date) throws {
        let everOwned = try Int.fetchOne(cached: db, sql: "SELECT 1 FROM assetAssignment WHERE assetId = ? LIMIT 1", arguments: [asset]) != nil
            || Int64.fetchOne(cached: db, sql: "SELECT ownerId FROM asset WHERE id = ?", arguments: [asset]) != nil
        guard let username = AutomaticOwner.username(enabled: settings.ownerFromLastUser, everOwned: everOwned, lastUser: lastUser),
              let account = try Int64.fetchOne(cached: db, sql: "SELECT id FROM account WHERE username = ? AND status != 'departed'", arguments: [username])
        else { return }
        try assign(db, asset: asset, to: account, actor: Principal.system.actor, note: "automatic: \(username) is the last logged-in user", now: now)
    }

    /// Sets the owner, records who and why, and moves the asset's open fault tickets to the new owner.
    static func assign(_ db: Database, asset id: Int64, to accountID: Int64?, actor: String, note: String, now: Date) throws {
        try db.run("UPDATE asset SET ownerId = ? WHERE id = ?", arguments: [accountID, id])
        guard db.changesCount == 1 else { throw HelpdeskError.notFound }
        try db.run("INSERT INTO assetAssignment (assetId, accountId, at, actor, note) VALUES (?, ?, ?, ?, ?)",
                       arguments: [id, accountID, Timestamp.text(now), actor, note])
        let owner = try accountID.flatMap { try String.fetchOne(cached: db, sql: "SELECT username FROM account WHERE id = ?", arguments: [$0]) }
        try Outbox(db).webhookNotice(.assetAssigned, actor: actor, assetID: id, text: note.isEmpty ? nil : note,
                                     details: ["owner": owner ?? ""], at: Timestamp.text(now))
        // The asset's owner is the requester of its fault tickets: the open ones follow the machine.
        let moved = try Row.fetchAll(cached: db, sql: """
            SELECT t.id, r.username FROM faultTicket AS f JOIN ticket AS t ON t.id = f.ticketId LEFT JOIN account AS r ON r.id = t.requesterId
            WHERE f.assetId = ? AND t.status NOT IN ('resolved', 'closed') AND t.requesterId IS NOT ?
            """, arguments: [id, accountID])
        for row in moved {
            try db.run("UPDATE ticket SET requesterId = ? WHERE id = ?", arguments: [accountID, row["id"] as Int64])
            try Self.event(db, ticket: row["id"], at: Timestamp.text(now), actor: actor, kind: "requester", field: "requester",
                           old: row["username"], new: owner, body: "the asset changed hands")
        }
    }

    /// Moves an asset along its lifecycle (`AssetStatus.move(to:)` says which moves are allowed);
    /// the change is in its history (section `register`, who did it).
    public func setAssetStatus(id: Int64, _ status: AssetStatus, actor: String, now: Date) throws {
        var changes = AssetChanges()
        changes.status = .set(status)
        try updateAsset(id: id, changes, actor: actor, now: now)
    }

    /// The asset's owners over time, oldest first.
    public func assignments(assetID: Int64) throws -> [Assignment] {
        try pool.read { db in
            try Row.fetchAll(cached: db, sql: """
                SELECT a.at, a.accountId, account.username, a.actor, a.note FROM assetAssignment AS a
                LEFT JOIN account ON account.id = a.accountId WHERE a.assetId = ? ORDER BY a.id
                """, arguments: [assetID]).map {
                Assignment(at: $0["at"], accountId: $0["accountId"], username: $0["username"], actor: $0["actor"], note: $0["note"])
            }
        }
    }
}
