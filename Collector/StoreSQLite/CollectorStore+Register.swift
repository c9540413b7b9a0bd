#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAssets
import DesksideHelpdesk
import DesksideJSON
import GRDB

extension CollectorStore {
    /// An asset's register fields as the API shows them.
    public struct RegisterView: Codable, Sendable, Equatable {
        public var tag: String
        public var name: String?
        public var category: String
        public var status: AssetStatus
        public var locationId: Int64?
        /// The location's path: site / building / room.
        public var location: String?
        public var department: String?
        public var purchaseDate: String?
        public var supplier: String?
        public var orderNumber: String?
        public var cost: String?
        public var warrantyMonths: Int?
        public var warrantyEnd: String?
        /// When the warranty ends: its end date, else the purchase date plus its months.
        public var warrantyEnds: String?
        public var notes: String
        public var tags: [String]
        public var fields: [String: String]
        public var attachedTo: Int64?
        /// The assets attached to this one.
        public var attached: [Int64]
        public var lastAuditAt: String?
        public var lastAuditLocation: String?
        /// When its category wants it audited next (nil: its category has no audit interval).
        public var nextAuditDue: String?
    }

    /// A category with its fields and how many assets it has.
    public struct CategoryView: Codable, Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var auditIntervalDays: Int?
        public var fields: [CustomField]
        public var assetCount: Int
    }

    /// A location with its path.
    public struct LocationView: Codable, Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var kind: LocationKind
        public var parentId: Int64?
        public var path: String
    }

    /// The path of location `alias` (site / building / room), as SQL over `alias`, its parent
    /// `alias_b` and grandparent `alias_s` (`locationJoins`).
    static func locationPath(_ alias: String) -> String {
        "coalesce(\(alias)_s.name || ' / ', '') || coalesce(\(alias)_b.name || ' / ', '') || \(alias).name"
    }

    static func locationJoins(_ alias: String, on column: String) -> String {
        """
         LEFT JOIN location AS \(alias) ON \(alias).id = \(column) LEFT JOIN location AS \(alias)_b ON \(alias)_b.id = \(alias).parentId \
        LEFT JOIN location AS \(alias)_s ON \(alias)_s.id = \(alias)_b.parentId
        """
    }

    // MARK: - Reading and writing the record

    static func registerRecord(_ db: Database, id: Int64) throws -> (record: RegisterRecord, category: AssetCategory, hasAgent: Bool)? {
        guard let row = try Row.fetchOne(cached: db, sql: """
            SELECT asset.*, c.name AS categoryName, c.auditIntervalDays, c.fields AS categoryFields FROM asset
            JOIN assetCategory AS c ON c.id = asset.categoryId WHERE asset.id = ? AND asset.mergedInto IS NULL
            """, arguments: [id]) else { return nil }
        var record = RegisterRecord(tag: row["tag"] ?? "", category: row["categoryName"], status: AssetStatus(rawValue: row["status"]) ?? .deployed)
        record.name = row["name"]
        record.locationId = row["locationId"]
        record.department = row["department"]
        record.purchaseDate = try (row["purchaseDate"] as String?).map { try CalendarDate($0) }
        record.supplier = row["supplier"]
        record.orderNumber = row["orderNumber"]
        record.costCents = row["costCents"]
        record.warrantyMonths = row["warrantyMonths"]
        record.warrantyEnd = try (row["warrantyEnd"] as String?).map { try CalendarDate($0) }
        record.notes = row["notes"]
        record.tags = (try? JSONCoder.decode([String].self, from: Array((row["tags"] as String).utf8))) ?? []
        record.fields = (try? JSONCoder.decode([String: String].self, from: Array((row["fields"] as String).utf8))) ?? [:]
        record.attachedTo = row["attachedTo"]
        record.serial = row["serial"]
        record.vendor = row["vendor"]
        record.model = row["model"]
        let category = AssetCategory(name: row["categoryName"], auditIntervalDays: row["auditIntervalDays"],
                                     fields: (try? JSONCoder.decode([CustomField].self, from: Array((row["categoryFields"] as String).utf8))) ?? [])
        return (record, category, (row["agentId"] as Int64?) != nil)
    }

    static func category(_ db: Database, named name: String) throws -> (id: Int64, category: AssetCategory)? {
        try Row.fetchOne(cached: db, sql: "SELECT id, name, auditIntervalDays, fields FROM assetCategory WHERE name = ?", arguments: [name]).map { row in
            (row["id"], AssetCategory(name: row["name"], auditIntervalDays: row["auditIntervalDays"],
                                      fields: (try? JSONCoder.decode([CustomField].self, from: Array((row["fields"] as String).utf8))) ?? []))
        }
    }

    /// Writes the record's columns and, for each field that moved, an event in the asset's history.
    static func write(_ db: Database, asset id: Int64, old: RegisterRecord?, new: RegisterRecord, actor: String, now: Date) throws {
        guard let categoryID = try Int64.fetchOne(cached: db, sql: "SELECT id FROM assetCategory WHERE name = ?", arguments: [new.category]) else {
            throw HelpdeskError.unprocessable("no category \(new.category) (deskside assets categories lists them)")
        }
        if let location = new.locationId, try Int.fetchOne(cached: db, sql: "SELECT 1 FROM location WHERE id = ?", arguments: [location]) == nil {
            throw HelpdeskError.unprocessable("no location \(location)")
        }
        if let parent = new.attachedTo, parent != old?.attachedTo {
            try checkAttachment(db, asset: id, to: parent)
        }
        try checkTagFree(db, new.tag, for: id)
        let time = Timestamp.text(now)
        try db.run("""
            UPDATE asset SET tag = ?, name = ?, categoryId = ?, status = ?, locationId = ?, department = ?, purchaseDate = ?, supplier = ?,
            orderNumber = ?, costCents = ?, warrantyMonths = ?, warrantyEnd = ?, warrantyEnds = ?, notes = ?, tags = ?, fields = ?, attachedTo = ?,
            serial = ?, vendor = ?, model = ?, updatedAt = ? WHERE id = ?
            """, arguments: [new.tag, new.name, categoryID, new.status.rawValue, new.locationId, new.department, new.purchaseDate?.description,
                             new.supplier, new.orderNumber, new.costCents, new.warrantyMonths, new.warrantyEnd?.description,
                             new.warrantyEnds?.description, new.notes, String(decoding: try JSONCoder.encode(new.tags), as: UTF8.self),
                             String(decoding: try JSONCoder.encode(new.fields), as: UTF8.self), new.attachedTo, new.serial, new.vendor, new.model,
                             time, id])
        guard let old else { return }
        for diff in RegisterDiff.between(old, new) {
            try db.run("INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, 'register', ?, ?, ?)",
                       arguments: [id, time, "\(diff.field) (by \(actor))", diff.old, diff.new])
        }
        if old.status != new.status {
            try Outbox(db).webhookNotice(.assetStatus, actor: actor, assetID: id, details: ["old": old.status.rawValue, "new": new.status.rawValue], at: time)
        }
    }

    /// A tag is one asset's (in any case): another asset holding it is a conflict.
    static func checkTagFree(_ db: Database, _ tag: String, for id: Int64?) throws {
        if let clash = try Row.fetchOne(cached: db, sql: "SELECT id, tag FROM asset WHERE tag = ? AND id IS NOT ?", arguments: [tag, id]) {
            throw HelpdeskError.conflict("asset \(clash["id"] as Int64) has the tag \(clash["tag"] as String)")
        }
    }

    /// An asset is attached to an existing one, never to itself or to one attached (in turn) to it.
    static func checkAttachment(_ db: Database, asset id: Int64, to parent: Int64) throws {
        var current: Int64? = parent
        var steps = 0
        while let next = current {
            guard next != id else { throw HelpdeskError.conflict("asset \(parent) is attached to asset \(id): attaching would make a loop") }
            guard let row = try Row.fetchOne(cached: db, sql: "SELECT attachedTo FROM asset WHERE id = ? AND mergedInto IS NULL", arguments: [next]) else {
                throw HelpdeskError.unprocessable("no asset \(next) to attach to")
            }
            current = row["attachedTo"]
            steps += 1
            guard steps < 100 else { throw HelpdeskError.conflict("attachments nest too deep") }
        }
    }

    /// The next tag from the pattern's counter, skipping any that someone typed by hand meanwhile.
    static func nextTag(_ db: Database, pattern: AssetTagPattern) throws -> String {
        while true {
            try db.run("INSERT INTO registerCounter (name, value) VALUES ('assetTag', 1) ON CONFLICT (name) DO UPDATE SET value = value + 1")
            let number = try Int64.fetchOne(cached: db, sql: "SELECT value FROM registerCounter WHERE name = 'assetTag'") ?? 1
            let tag = pattern.tag(number)
            if try Int.fetchOne(cached: db, sql: "SELECT 1 FROM asset WHERE tag = ?", arguments: [tag]) == nil { return tag }
        }
    }

    /// Gives a tag to every asset without one (those stored before tags existed), oldest first.
    func assignMissingTags() throws {
        let pattern = register.pattern
        try pool.write { db in
            for id in try Int64.fetchAll(db, sql: "SELECT id FROM asset WHERE tag IS NULL ORDER BY id") {
                try db.run("UPDATE asset SET tag = ? WHERE id = ?", arguments: [try Self.nextTag(db, pattern: pattern), id])
            }
        }
    }

    // MARK: - Staff's changes

    /// Enters an asset that has no agent (a monitor, a dock, a phone): a name is required, its
    /// status starts in stock unless given, its tag comes from the pattern unless given.
    public func createAsset(_ changes: AssetChanges, actor: String, now: Date) throws -> Int64 {
        let pattern = register.pattern
        return try pool.write { db in
            var categories: [String: (id: Int64, category: AssetCategory)] = [:]
            return try Self.insertAsset(db, changes, pattern: pattern, actor: actor, now: now, categories: &categories)
        }
    }

    /// `categories` caches the categories' rows across the calls of one import.
    static func insertAsset(_ db: Database, _ changes: AssetChanges, pattern: AssetTagPattern, actor: String, now: Date,
                            categories: inout [String: (id: Int64, category: AssetCategory)]) throws -> Int64 {
        guard case .set(let name) = changes.name, name.contains(where: { !$0.isWhitespace }) else {
            throw HelpdeskError.invalid("a new asset needs a name")
        }
        let time = Timestamp.text(now)
        let categoryName: String
        switch changes.category { case .set(let name): categoryName = name; default: categoryName = AssetCategory.computer }
        guard let category = try categories[categoryName] ?? Self.category(db, named: categoryName) else {
            throw HelpdeskError.unprocessable("no category \(categoryName) (deskside assets categories lists them)")
        }
        categories[categoryName] = category
        // A new asset starts in the status given (no move), in stock otherwise.
        var changes = changes
        var status = AssetStatus.inStock
        if case .set(let given) = changes.status { status = given }
        changes.status = .keep
        let blank = RegisterRecord(tag: try Self.nextTag(db, pattern: pattern), category: category.category.name, status: status)
        let record = try changes.apply(to: blank, fieldsOf: category.category)
        try checkTagFree(db, record.tag, for: nil)
        try db.run("INSERT INTO asset (tag, categoryId, status, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)",
                   arguments: [record.tag, category.id, record.status.rawValue, time, time])
        let id = db.lastInsertedRowID
        try Self.write(db, asset: id, old: nil, new: record, actor: actor, now: now)
        try db.run("INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, 'register', ?, NULL, ?)",
                   arguments: [id, time, "entered (by \(actor))", record.tag])
        try Outbox(db).webhookNotice(.assetCreated, actor: actor, assetID: id, details: [:], at: time)
        return id
    }

    /// Changes an asset's register fields (`AssetChanges` decides what is valid); an agent's
    /// machine keeps the serial, maker and model its reports give.
    public func updateAsset(id: Int64, _ changes: AssetChanges, actor: String, now: Date) throws {
        try pool.write { db in try Self.changeAsset(db, id: id, changes, actor: actor, now: now) }
    }

    static func changeAsset(_ db: Database, id: Int64, _ changes: AssetChanges, actor: String, now: Date) throws {
        guard let (record, new) = try planChange(db, id: id, changes), new != record else { return }
        try Self.write(db, asset: id, old: record, new: new, actor: actor, now: now)
    }

    /// The record before and after `changes`, checked, without writing (an import's dry run uses it).
    static func planChange(_ db: Database, id: Int64, _ changes: AssetChanges) throws -> (RegisterRecord, RegisterRecord)? {
        guard let (record, current, hasAgent) = try Self.registerRecord(db, id: id) else { throw HelpdeskError.notFound }
        if hasAgent && changes.changesReportedFields {
            throw HelpdeskError.conflict("the serial, maker and model of an agent's machine come from its reports")
        }
        var definition = current
        if case .set(let name) = changes.category, name != record.category {
            guard let found = try Self.category(db, named: name) else {
                throw HelpdeskError.unprocessable("no category \(name) (deskside assets categories lists them)")
            }
            definition = found.category
        }
        return (record, try changes.apply(to: record, fieldsOf: definition))
    }

    /// The asset's register fields, or nil when there is no such asset.
    public func register(assetID id: Int64) throws -> RegisterView? {
        try pool.read { db in
            guard let (record, category, _) = try Self.registerRecord(db, id: id),
                  let row = try Row.fetchOne(cached: db, sql: """
                    SELECT asset.lastAuditAt, \(Self.locationPath("l")) AS location, \(Self.locationPath("a")) AS auditLocation,
                           asset.createdAt FROM asset \(Self.locationJoins("l", on: "asset.locationId")) \(Self.locationJoins("a", on: "asset.lastAuditLocationId"))
                    WHERE asset.id = ?
                    """, arguments: [id]) else { return nil }
            let attached = try Int64.fetchAll(cached: db, sql: "SELECT id FROM asset WHERE attachedTo = ? AND mergedInto IS NULL ORDER BY id", arguments: [id])
            let lastAudit: String? = row["lastAuditAt"]
            let due = category.auditIntervalDays.map { days in
                AuditSchedule.due(lastAudit: lastAudit, created: row["createdAt"], intervalDays: days).description
            }
            return RegisterView(tag: record.tag, name: record.name, category: record.category, status: record.status, locationId: record.locationId,
                                location: row["location"], department: record.department, purchaseDate: record.purchaseDate?.description,
                                supplier: record.supplier, orderNumber: record.orderNumber, cost: record.costCents.map(Money.text),
                                warrantyMonths: record.warrantyMonths, warrantyEnd: record.warrantyEnd?.description,
                                warrantyEnds: record.warrantyEnds?.description, notes: record.notes, tags: record.tags, fields: record.fields,
                                attachedTo: record.attachedTo, attached: attached, lastAuditAt: lastAudit, lastAuditLocation: row["auditLocation"],
                                nextAuditDue: due)
        }
    }

    // MARK: - Categories and locations

    public func categories() throws -> [CategoryView] {
        try pool.read { db in
            try Row.fetchAll(cached: db, sql: """
                SELECT c.id, c.name, c.auditIntervalDays, c.fields, (SELECT count(*) FROM asset WHERE asset.categoryId = c.id AND asset.mergedInto IS NULL) AS n
                FROM assetCategory AS c ORDER BY c.name COLLATE NOCASE
                """).map { row in
                CategoryView(id: row["id"], name: row["name"], auditIntervalDays: row["auditIntervalDays"],
                             fields: (try? JSONCoder.decode([CustomField].self, from: Array((row["fields"] as String).utf8))) ?? [], assetCount: row["n"])
            }
        }
    }

    /// Creates the category, or replaces its audit interval and fields (values of a field no longer
    /// defined stay on the assets until they are next edited).
    public func saveCategory(_ category: AssetCategory) throws -> CategoryView {
        try category.check()
        try pool.write { db in
            let fields = String(decoding: try JSONCoder.encode(category.fields), as: UTF8.self)
            try db.run("""
                INSERT INTO assetCategory (name, auditIntervalDays, fields) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET auditIntervalDays = excluded.auditIntervalDays, fields = excluded.fields
                """, arguments: [category.name, category.auditIntervalDays, fields])
        }
        guard let saved = try categories().first(where: { $0.name.lowercased() == category.name.lowercased() }) else { throw HelpdeskError.notFound }
        return saved
    }

    public func locations() throws -> [LocationView] {
        try pool.read { db in
            try Row.fetchAll(cached: db, sql: Self.locationSelect + " ORDER BY path COLLATE NOCASE").map(Self.locationView)
        }
    }

    public func addLocation(name: String, kind: LocationKind, parentId: Int64?) throws -> LocationView {
        try pool.write { db in
            let parentKind = try parentId.map { parent -> LocationKind in
                guard let kind = try String.fetchOne(cached: db, sql: "SELECT kind FROM location WHERE id = ?", arguments: [parent]).flatMap(LocationKind.init) else {
                    throw HelpdeskError.unprocessable("no location \(parent)")
                }
                return kind
            }
            try kind.check(name: name, parent: parentKind)
            if try Int.fetchOne(cached: db, sql: "SELECT 1 FROM location WHERE coalesce(parentId, 0) = ? AND name = ? COLLATE NOCASE",
                                arguments: [parentId ?? 0, name]) != nil {
                throw HelpdeskError.conflict("there is a location \(name) there already")
            }
            try db.run("INSERT INTO location (name, kind, parentId) VALUES (?, ?, ?)", arguments: [name, kind.rawValue, parentId])
            let id = db.lastInsertedRowID
            return try Row.fetchOne(db, sql: Self.locationSelect + " WHERE l.id = ?", arguments: [id]).map(Self.locationView)!
        }
    }

    static let locationSelect = "SELECT l.id, l.name, l.kind, l.parentId, \(locationPath("l")) AS path " + locationFrom
    static let locationFrom = "FROM location AS l LEFT JOIN location AS l_b ON l_b.id = l.parentId LEFT JOIN location AS l_s ON l_s.id = l_b.parentId"

    static func locationView(_ row: Row) -> LocationView {
        LocationView(id: row["id"], name: row["name"], kind: LocationKind(rawValue: row["kind"]) ?? .site, parentId: row["parentId"], path: row["path"])
    }
}
