#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideAssets
import DesksideHelpdesk
import DesksideJSON
import GRDB

extension CollectorStore {
    /// A merge of two assets, and its undoing.
    public struct MergeRecord: Codable, Sendable, Equatable {
        public var id: Int64
        public var survivorId: Int64
        public var mergedId: Int64
        public var at: String
        public var actor: String
        public var undoneAt: String?
        public var undoneBy: String?
    }

    /// What a merge changed, kept so that undoing it puts every row back: both asset rows as they
    /// were, the keys of the rows moved from the merged asset to the survivor, the rows it added.
    struct MergeJournal: Codable {
        /// A column's value (the asset table holds integers, text and NULL).
        struct Cell: Codable, Equatable {
            var i: Int64?
            var t: String?
        }

        var survivor: [String: Cell]
        var merged: [String: Cell]
        /// Row ids moved, per table with a rowid.
        var moved: [String: [Int64]]
        var ticketIds: [Int64]
        var faultTicketCodes: [String]
        var faultFingerprints: [String]
        var identifiers: [[String]]
        var inventoryMoved: Bool
        /// Rows the merge added (its history events), removed by the undo.
        var addedEvents: [Int64]
    }

    /// Tables whose rows belong to an asset and have their own id: they move whole.
    static let mergedTables = ["assetEvent", "assetAssignment", "assetAgent", "assetAudit", "loan", "task", "run", "checklistItem", "intakeDevice"]

    static func snapshot(_ db: Database, asset id: Int64) throws -> [String: MergeJournal.Cell] {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM asset WHERE id = ?", arguments: [id]) else { throw HelpdeskError.notFound }
        var cells: [String: MergeJournal.Cell] = [:]
        for column in row.columnNames {
            switch row[column] as DatabaseValue {
            case let value where value.isNull: cells[column] = MergeJournal.Cell()
            case let value:
                if let number = Int64.fromDatabaseValue(value) { cells[column] = MergeJournal.Cell(i: number) } else { cells[column] = MergeJournal.Cell(t: String.fromDatabaseValue(value)) }
            }
        }
        return cells
    }

    static func restore(_ db: Database, asset id: Int64, _ cells: [String: MergeJournal.Cell]) throws {
        let columns = cells.keys.filter { $0 != "id" }.sorted()
        let values: [(any DatabaseValueConvertible)?] = columns.map { column in
            let cell = cells[column]!
            return cell.i.map { $0 as any DatabaseValueConvertible } ?? cell.t
        }
        try db.execute(sql: "UPDATE asset SET " + columns.map { "\($0) = ?" }.joined(separator: ", ") + " WHERE id = ?",
                       arguments: StatementArguments(values + [id]))
    }

    /// Merges `mergedID` into `survivorID` (`AssetMerge` decides whether it may and where the agent
    /// goes). Nothing is deleted: the merged asset is hidden (`mergedInto`), its rows are the
    /// survivor's, the survivor's empty fields take its values. Audited; undone by `unmerge`.
    public func merge(_ mergedID: Int64, into survivorID: Int64, actor: String, now: Date) throws -> MergeRecord {
        let time = Timestamp.text(now)
        let id: Int64 = try pool.write { db in
            for asset in [survivorID, mergedID] {
                guard try Int.fetchOne(db, sql: "SELECT 1 FROM asset WHERE id = ? AND mergedInto IS NULL", arguments: [asset]) != nil else {
                    throw HelpdeskError.unprocessable("no asset \(asset)")
                }
            }
            func liveAgent(_ asset: Int64) throws -> Bool {
                try Int.fetchOne(db, sql: "SELECT 1 FROM asset JOIN agent ON agent.id = asset.agentId WHERE asset.id = ? AND agent.revokedAt IS NULL",
                                 arguments: [asset]) != nil
            }
            func openLoan(_ asset: Int64) throws -> Bool {
                try Int.fetchOne(db, sql: "SELECT 1 FROM loan WHERE assetId = ? AND checkedInAt IS NULL", arguments: [asset]) != nil
            }
            let move = try AssetMerge.decide(survivor: survivorID, merged: mergedID, survivorAgentLive: try liveAgent(survivorID),
                                             mergedAgentLive: try liveAgent(mergedID), survivorLoanOpen: try openLoan(survivorID), mergedLoanOpen: try openLoan(mergedID))
            var journal = MergeJournal(survivor: try Self.snapshot(db, asset: survivorID), merged: try Self.snapshot(db, asset: mergedID), moved: [:],
                                       ticketIds: [], faultTicketCodes: [], faultFingerprints: [], identifiers: [], inventoryMoved: false, addedEvents: [])
            for table in Self.mergedTables {
                let ids = try Int64.fetchAll(db, sql: "SELECT id FROM \(table) WHERE assetId = ?", arguments: [mergedID])
                guard !ids.isEmpty else { continue }
                try db.execute(sql: "UPDATE \(table) SET assetId = ? WHERE assetId = ?", arguments: [survivorID, mergedID])
                journal.moved[table] = ids
            }
            journal.ticketIds = try Int64.fetchAll(db, sql: """
                SELECT ticketId FROM ticketAsset WHERE assetId = ? AND ticketId NOT IN (SELECT ticketId FROM ticketAsset WHERE assetId = ?)
                """, arguments: [mergedID, survivorID])
            for ticket in journal.ticketIds {
                try db.execute(sql: "UPDATE ticketAsset SET assetId = ? WHERE ticketId = ? AND assetId = ?", arguments: [survivorID, ticket, mergedID])
            }
            journal.faultTicketCodes = try String.fetchAll(db, sql: """
                SELECT code FROM faultTicket WHERE assetId = ? AND code NOT IN (SELECT code FROM faultTicket WHERE assetId = ?)
                """, arguments: [mergedID, survivorID])
            for code in journal.faultTicketCodes {
                try db.execute(sql: "UPDATE faultTicket SET assetId = ? WHERE assetId = ? AND code = ?", arguments: [survivorID, mergedID, code])
            }
            journal.faultFingerprints = try String.fetchAll(db, sql: """
                SELECT fingerprint FROM fault WHERE assetId = ? AND fingerprint NOT IN (SELECT fingerprint FROM fault WHERE assetId = ?)
                """, arguments: [mergedID, survivorID])
            for fingerprint in journal.faultFingerprints {
                try db.execute(sql: "UPDATE fault SET assetId = ? WHERE assetId = ? AND fingerprint = ?", arguments: [survivorID, mergedID, fingerprint])
            }
            journal.identifiers = try Row.fetchAll(db, sql: """
                SELECT kind, value FROM assetIdentifier AS b WHERE b.assetId = ?
                AND NOT EXISTS (SELECT 1 FROM assetIdentifier AS a WHERE a.assetId = ? AND a.kind = b.kind AND a.value = b.value)
                """, arguments: [mergedID, survivorID]).map { [$0["kind"], $0["value"]] }
            for pair in journal.identifiers {
                try db.execute(sql: "UPDATE assetIdentifier SET assetId = ? WHERE kind = ? AND value = ? AND assetId = ?",
                               arguments: [survivorID, pair[0], pair[1], mergedID])
            }
            // The inventory follows only to a survivor that has none (equipment entered by hand).
            if try Int.fetchOne(db, sql: "SELECT 1 FROM inventorySection WHERE assetId = ?", arguments: [survivorID]) == nil {
                try db.execute(sql: "UPDATE inventorySection SET assetId = ? WHERE assetId = ?", arguments: [survivorID, mergedID])
                try db.execute(sql: "UPDATE assetPackage SET assetId = ? WHERE assetId = ?", arguments: [survivorID, mergedID])
                journal.inventoryMoved = true
            }
            let agent = move == .toSurvivor ? try Int64.fetchOne(db, sql: "SELECT agentId FROM asset WHERE id = ?", arguments: [mergedID]) : nil
            try db.execute(sql: "UPDATE asset SET agentId = NULL, mergedInto = ?, updatedAt = ? WHERE id = ?", arguments: [survivorID, time, mergedID])
            let filled = ["name", "hostname", "serial", "vendor", "model", "osName", "osVersion", "locationId", "department", "purchaseDate", "supplier",
                          "orderNumber", "costCents", "warrantyMonths", "warrantyEnd", "warrantyEnds", "attachedTo", "ownerId", "lastUser", "identity",
                          "lastReportAt", "lastAuditAt", "lastAuditLocationId"]
            try db.execute(sql: "UPDATE asset SET " + filled.map { "\($0) = coalesce(\($0), (SELECT \($0) FROM asset WHERE id = ?))" }.joined(separator: ", ")
                           + ", agentId = coalesce(?, agentId), updatedAt = ? WHERE id = ?",
                           arguments: StatementArguments(filled.map { _ in mergedID as (any DatabaseValueConvertible)? } + [agent, time, survivorID]))
            // A survivor attached to the merged asset would point at a hidden one.
            try db.execute(sql: "UPDATE asset SET attachedTo = NULL WHERE id = ? AND attachedTo = ?", arguments: [survivorID, mergedID])
            for (asset, text) in [(survivorID, "asset \(mergedID) merged into this one"), (mergedID, "merged into asset \(survivorID)")] {
                try db.execute(sql: "INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, 'register', ?, NULL, ?)",
                               arguments: [asset, time, "merge (by \(actor))", text])
                journal.addedEvents.append(db.lastInsertedRowID)
            }
            try db.execute(sql: "INSERT INTO assetMerge (survivorId, mergedId, at, actor, journal) VALUES (?, ?, ?, ?, ?)",
                           arguments: [survivorID, mergedID, time, actor, String(decoding: try JSONCoder.encode(journal), as: UTF8.self)])
            let mergeID = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO auditEvent (at, actor, action, outcome, detail) VALUES (?, ?, 'merge assets', 'allowed', ?)",
                           arguments: [time, actor, "asset \(mergedID) into asset \(survivorID) (merge \(mergeID))"])
            return mergeID
        }
        return try merges(where: "id = ?", id).first!
    }

    /// Undoes a merge: every moved row goes back, both assets are as they were, the merge's history
    /// events go. Rows added to the survivor since the merge (new reports, tickets) stay with it.
    public func unmerge(_ id: Int64, actor: String, now: Date) throws -> MergeRecord {
        let time = Timestamp.text(now)
        try pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM assetMerge WHERE id = ?", arguments: [id]) else { throw HelpdeskError.notFound }
            guard (row["undoneAt"] as String?) == nil else { throw HelpdeskError.conflict("merge \(id) was undone already") }
            let survivorID: Int64 = row["survivorId"], mergedID: Int64 = row["mergedId"]
            if let later = try Int64.fetchOne(db, sql: "SELECT id FROM assetMerge WHERE id > ? AND undoneAt IS NULL AND (survivorId IN (?, ?) OR mergedId IN (?, ?))",
                                              arguments: [id, survivorID, mergedID, survivorID, mergedID]) {
                throw HelpdeskError.conflict("undo merge \(later) first: it involves the same assets")
            }
            let journal = try JSONCoder.decode(MergeJournal.self, from: Array((row["journal"] as String).utf8))
            for event in journal.addedEvents { try db.execute(sql: "DELETE FROM assetEvent WHERE id = ?", arguments: [event]) }
            for (table, ids) in journal.moved where Self.mergedTables.contains(table) {
                for rowID in ids { try db.execute(sql: "UPDATE \(table) SET assetId = ? WHERE id = ?", arguments: [mergedID, rowID]) }
            }
            for ticket in journal.ticketIds {
                try db.execute(sql: "UPDATE ticketAsset SET assetId = ? WHERE ticketId = ? AND assetId = ?", arguments: [mergedID, ticket, survivorID])
            }
            for code in journal.faultTicketCodes {
                try db.execute(sql: "UPDATE faultTicket SET assetId = ? WHERE assetId = ? AND code = ?", arguments: [mergedID, survivorID, code])
            }
            for fingerprint in journal.faultFingerprints {
                try db.execute(sql: "UPDATE fault SET assetId = ? WHERE assetId = ? AND fingerprint = ?", arguments: [mergedID, survivorID, fingerprint])
            }
            for pair in journal.identifiers {
                try db.execute(sql: "UPDATE assetIdentifier SET assetId = ? WHERE kind = ? AND value = ? AND assetId = ?",
                               arguments: [mergedID, pair[0], pair[1], survivorID])
            }
            if journal.inventoryMoved {
                try db.execute(sql: "UPDATE inventorySection SET assetId = ? WHERE assetId = ?", arguments: [mergedID, survivorID])
                try db.execute(sql: "UPDATE assetPackage SET assetId = ? WHERE assetId = ?", arguments: [mergedID, survivorID])
            }
            // The survivor first: it gives the agent back before the merged asset takes it (agentId is unique).
            try Self.restore(db, asset: survivorID, journal.survivor)
            try Self.restore(db, asset: mergedID, journal.merged)
            try db.execute(sql: "UPDATE assetMerge SET undoneAt = ?, undoneBy = ? WHERE id = ?", arguments: [time, actor, id])
            try db.execute(sql: "INSERT INTO auditEvent (at, actor, action, outcome, detail) VALUES (?, ?, 'unmerge assets', 'allowed', ?)",
                           arguments: [time, actor, "asset \(mergedID) out of asset \(survivorID) (merge \(id))"])
        }
        return try merges(where: "id = ?", id).first!
    }

    /// The merges an asset took part in, newest first.
    public func merges(assetID: Int64) throws -> [MergeRecord] {
        try merges(where: "survivorId = ? OR mergedId = ?", assetID, assetID)
    }

    private func merges(where condition: String, _ values: Int64...) throws -> [MergeRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, survivorId, mergedId, at, actor, undoneAt, undoneBy FROM assetMerge WHERE \(condition) ORDER BY id DESC",
                             arguments: StatementArguments(values)).map {
                MergeRecord(id: $0["id"], survivorId: $0["survivorId"], mergedId: $0["mergedId"], at: $0["at"], actor: $0["actor"],
                            undoneAt: $0["undoneAt"], undoneBy: $0["undoneBy"])
            }
        }
    }
}
