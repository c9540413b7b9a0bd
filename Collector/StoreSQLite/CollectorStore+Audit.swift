#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideAssets
import DesksideHelpdesk
import GRDB

extension CollectorStore {
    /// How staff name an asset at the desk or in a storeroom: its id, its tag (scanned from its
    /// label), or its serial (read off the case).
    public enum AssetReference: Sendable, Equatable {
        case id(Int64), tag(String), serial(String)
    }

    /// One physical audit of an asset.
    public struct AuditRecord: Codable, Sendable, Equatable {
        public var id: Int64
        public var assetId: Int64
        public var tag: String
        public var at: String
        public var actor: String
        public var locationId: Int64?
        public var location: String?
        public var note: String
        /// Where the register says the asset is, when the audit found it elsewhere.
        public var registerLocation: String?
    }

    static func findAsset(_ db: Database, _ reference: AssetReference) throws -> Int64 {
        switch reference {
        case .id(let id):
            guard try Int.fetchOne(cached: db, sql: "SELECT 1 FROM asset WHERE id = ? AND mergedInto IS NULL", arguments: [id]) != nil else {
                throw HelpdeskError.notFound
            }
            return id
        case .tag(let tag):
            guard let id = try Int64.fetchOne(cached: db, sql: "SELECT id FROM asset WHERE tag = ? AND mergedInto IS NULL", arguments: [tag]) else {
                throw HelpdeskError.unprocessable("no asset has the tag \(tag)")
            }
            return id
        case .serial(let serial):
            let ids = try Int64.fetchAll(cached: db, sql: "SELECT id FROM asset WHERE serial = ? COLLATE NOCASE AND mergedInto IS NULL ORDER BY id LIMIT 5",
                                         arguments: [serial])
            guard let id = ids.first else { throw HelpdeskError.unprocessable("no asset has the serial \(serial)") }
            guard ids.count == 1 else {
                throw HelpdeskError.conflict("assets \(ids.map(String.init).joined(separator: ", ")) share the serial \(serial): audit by tag")
            }
            return id
        }
    }

    /// Records that someone saw the asset (where, when, who); with `moveHere` the register's location
    /// becomes where it was found. An audit elsewhere than the register says is listed by
    /// `AssetQuery.auditLocationMismatch` until the two agree.
    public func auditAsset(_ reference: AssetReference, locationId: Int64?, note: String, moveHere: Bool, actor: String, now: Date) throws -> AuditRecord {
        guard note.count <= 1000 else { throw HelpdeskError.invalid("the note is longer than 1,000 characters") }
        let time = Timestamp.text(now)
        let auditID: Int64 = try pool.write { db in
            let id = try Self.findAsset(db, reference)
            if let locationId, try Int.fetchOne(cached: db, sql: "SELECT 1 FROM location WHERE id = ?", arguments: [locationId]) == nil {
                throw HelpdeskError.unprocessable("no location \(locationId)")
            }
            try db.run("INSERT INTO assetAudit (assetId, at, actor, locationId, note) VALUES (?, ?, ?, ?, ?)", arguments: [id, time, actor, locationId, note])
            let audit = db.lastInsertedRowID
            try db.run("UPDATE asset SET lastAuditAt = ?, lastAuditLocationId = ? WHERE id = ?", arguments: [time, locationId, id])
            let path = try locationId.flatMap {
                try String.fetchOne(cached: db, sql: "SELECT \(Self.locationPath("l")) " + Self.locationFrom + " WHERE l.id = ?", arguments: [$0])
            }
            try db.run("INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, 'register', ?, NULL, ?)",
                       arguments: [id, time, "audited (by \(actor))", path ?? "location not given"])
            if moveHere, let locationId, let (record, _, _) = try Self.registerRecord(db, id: id), record.locationId != locationId {
                var moved = record
                moved.locationId = locationId
                try Self.write(db, asset: id, old: record, new: moved, actor: actor, now: now)
            }
            return audit
        }
        guard let audit = try audits(where: "assetAudit.id = ?", auditID).first else { throw HelpdeskError.notFound }
        return audit
    }

    /// The asset's audits, newest first.
    public func audits(assetID: Int64) throws -> [AuditRecord] {
        try audits(where: "assetAudit.assetId = ?", assetID)
    }

    private func audits(where condition: String, _ value: Int64) throws -> [AuditRecord] {
        try pool.read { db in
            try Row.fetchAll(cached: db, sql: """
                SELECT assetAudit.*, asset.tag, asset.locationId AS registerLocationId, \(Self.locationPath("a")) AS location, \(Self.locationPath("r")) AS registerLocation
                FROM assetAudit JOIN asset ON asset.id = assetAudit.assetId \(Self.locationJoins("a", on: "assetAudit.locationId"))
                \(Self.locationJoins("r", on: "asset.locationId")) WHERE \(condition) ORDER BY assetAudit.id DESC LIMIT 500
                """, arguments: [value]).map { row in
                let found: Int64? = row["locationId"], registered: Int64? = row["registerLocationId"]
                return AuditRecord(id: row["id"], assetId: row["assetId"], tag: row["tag"] ?? "", at: row["at"], actor: row["actor"], locationId: found,
                                   location: row["location"], note: row["note"],
                                   registerLocation: found != nil && found != registered ? row["registerLocation"] as String? ?? "nowhere" : nil)
            }
        }
    }
}
