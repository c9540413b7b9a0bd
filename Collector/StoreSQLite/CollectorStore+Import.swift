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
    /// What an import did, or would do on a dry run: each line's action (a new asset, an update of the
    /// asset with its tag, or a match to an agent-reported asset by the identity rules) and every
    /// line's errors. A real run with any error writes nothing.
    public struct ImportReport: Codable, Sendable, Equatable {
        public struct LineError: Codable, Sendable, Equatable {
            public var line: Int
            public var message: String
        }

        public struct LineAction: Codable, Sendable, Equatable {
            public var line: Int
            /// create, update (the asset with this tag), match (an agent's asset with this serial).
            public var action: String
            public var assetId: Int64?
            public var tag: String?
            public var reason: String
        }

        public var dryRun: Bool
        public var written: Bool
        public var rows: Int
        public var created: Int
        public var updated: Int
        public var matched: Int
        /// Each column and the field it fills.
        public var columns: [String: String]
        public var ignoredColumns: [String]
        public var newCategories: [String]
        public var newLocations: [String]
        public var errors: [LineError]
        public var lines: [LineAction]
    }

    /// One line of the file, checked, ready to write.
    private struct Planned {
        var line: Int
        var action: String
        var assetID: Int64?
        var changes: AssetChanges
        var location: String?
        var owner: Int64?
        var reason: String
    }

    /// What is already stored, read once for the whole file.
    private struct Known {
        var tags: [String: Int64] = [:]
        /// Assets an agent reports for: their serial, maker and model come from the agent.
        var agents = Set<Int64>()
        var serials: [String: [ImportMatch.Candidate]] = [:]
        var categories: [String: AssetCategory] = [:]
        var locationPaths: [String: Int64] = [:]
        var locationNames: [String: [Int64]] = [:]
        var accounts: [String: [Int64]] = [:]

        init(_ db: Database) throws {
            for row in try Row.fetchAll(db, sql: "SELECT id, tag, serial, vendor, agentId FROM asset WHERE mergedInto IS NULL") {
                let id: Int64 = row["id"]
                if let tag = row["tag"] as String? { tags[tag.lowercased()] = id }
                if (row["agentId"] as Int64?) != nil { agents.insert(id) }
                if let serial = row["serial"] as String?, let key = MachineIdentity(serial: serial).serial {
                    serials[key, default: []].append(ImportMatch.Candidate(id: id, vendor: row["vendor"], agent: (row["agentId"] as Int64?) != nil))
                }
            }
            for row in try Row.fetchAll(db, sql: "SELECT name, auditIntervalDays, fields FROM assetCategory") {
                let fields = (try? JSONCoder.decode([CustomField].self, from: Array((row["fields"] as String).utf8))) ?? []
                categories[(row["name"] as String).lowercased()] = AssetCategory(name: row["name"], auditIntervalDays: row["auditIntervalDays"], fields: fields)
            }
            for row in try Row.fetchAll(db, sql: CollectorStore.locationSelect) {
                locationPaths[(row["path"] as String).lowercased()] = row["id"]
                locationNames[(row["name"] as String).lowercased(), default: []].append(row["id"])
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, username, email, name FROM account WHERE status != 'departed'") {
                for key in [row["username"], row["email"], row["name"]].compactMap({ $0 as String? }) { accounts[key.lowercased(), default: []].append(row["id"]) }
            }
        }
    }

    /// Imports a register from CSV (`CSVReader`, `ImportMapping`): a dry run reports; a real run
    /// writes every line in one transaction, or nothing when any line has an error.
    public func importAssets(csv bytes: [UInt8], mapping: ImportMapping, dryRun: Bool, actor: String, now: Date) throws -> ImportReport {
        let reader: CSVReader
        do { reader = try CSVReader(bytes) } catch let error as CSVReader.ReadError { throw HelpdeskError.invalid(error.description) }
        guard let header = reader.records.first, header.error == nil else {
            throw HelpdeskError.invalid("line 1, the header: \(reader.records.first?.error ?? "missing")")
        }
        let (fields, ignored) = try mapping.fields(for: header.cells)
        var report = ImportReport(dryRun: dryRun, written: false, rows: reader.records.count - 1, created: 0, updated: 0, matched: 0,
                                  columns: Dictionary(zip(header.cells, fields.map(\.description)), uniquingKeysWith: { first, _ in first }),
                                  ignoredColumns: ignored, newCategories: [], newLocations: [], errors: [], lines: [])
        let planned: [Planned] = try pool.read { db in
            let known = try Known(db)
            var seenTags: [String: Int] = [:], seenSerials: [String: Int] = [:]
            var newCategories = Set<String>(), newLocations: [String] = []
            var planned: [Planned] = []
            for record in reader.records.dropFirst() {
                func fail(_ message: String) { report.errors.append(.init(line: record.line, message: message)) }
                if let error = record.error { fail(error); continue }
                guard record.cells.count <= fields.count else { fail("\(record.cells.count) cells, the header has \(fields.count)"); continue }
                var values: [ImportField: String] = [:]
                for (field, cell) in zip(fields, record.cells) where field != .ignored {
                    let value = cell.trimmingSpaces
                    if !value.isEmpty { values[field] = value }
                }
                do {
                    let line = try ImportLine(values)
                    var changes = line.changes
                    // Categories named here that do not exist yet are made (with no fields) on the real run.
                    var definition = AssetCategory(name: AssetCategory.computer)
                    if case .set(let name) = changes.category {
                        if let found = known.categories[name.lowercased()] {
                            definition = found
                            changes.category = .set(found.name)
                        } else {
                            try AssetCategory(name: name).check()
                            newCategories.insert(name)
                            definition = AssetCategory(name: name)
                        }
                    }
                    var location: String?
                    if let parts = line.location {
                        let joined = parts.joined(separator: " / ")
                        if let id = known.locationPaths[joined.lowercased()] {
                            changes.locationId = .set(id)
                        } else if parts.count == 1, let ids = known.locationNames[joined.lowercased()] {
                            guard ids.count == 1 else { throw HelpdeskError.invalid("\(joined) names \(ids.count) locations: give its path, site / building / room") }
                            changes.locationId = .set(ids[0])
                        } else {
                            location = joined
                            if !newLocations.contains(where: { $0.lowercased() == joined.lowercased() }) { newLocations.append(joined) }
                        }
                    }
                    var owner: Int64?
                    if let who = line.owner {
                        let ids = known.accounts[who.lowercased()] ?? []
                        guard ids.count == 1 else {
                            throw HelpdeskError.invalid(ids.isEmpty ? "no account is \(who) (username, e-mail or name)" : "\(who) names \(ids.count) accounts: give the username")
                        }
                        owner = ids[0]
                    }
                    // A tag or serial twice in the file is an error of the second line.
                    var tag: String?, serialKey: String?
                    if case .set(let value) = changes.tag {
                        if let first = seenTags[value.lowercased()] { throw HelpdeskError.invalid("the tag \(value) is on line \(first) too") }
                        seenTags[value.lowercased()] = record.line
                        tag = value
                    }
                    if case .set(let value) = changes.serial, let key = MachineIdentity(serial: value).serial {
                        if let first = seenSerials[key] { throw HelpdeskError.invalid("the serial \(value) is on line \(first) too") }
                        seenSerials[key] = record.line
                        serialKey = key
                    }
                    let decision = try ImportMatch.decide(tag: tag, tagged: tag.flatMap { known.tags[$0.lowercased()] }, serial: values[.serial],
                                                          vendor: values[.vendor], candidates: serialKey.map { known.serials[$0] ?? [] } ?? [])
                    let (action, assetID, reason): (String, Int64?, String)
                    switch decision {
                    case .create: (action, assetID, reason) = ("create", nil, "a new asset")
                    case .update(let id, let why): (action, assetID, reason) = ("update", id, why)
                    case .match(let id, let why): (action, assetID, reason) = ("match", id, why)
                    }
                    if let assetID {
                        if known.agents.contains(assetID) { (changes.serial, changes.vendor, changes.model) = (.keep, .keep, .keep) }
                        // A category made by this import does not exist yet: check the rest against the asset as it is.
                        var check = changes
                        if case .set(let name) = changes.category, known.categories[name.lowercased()] == nil {
                            if let field = changes.fields.keys.sorted().first { throw HelpdeskError.invalid("no field \(field) in the new category \(name)") }
                            check.category = .keep
                            check.fields = [:]
                        }
                        _ = try Self.planChange(db, id: assetID, check)
                    } else {
                        if case .keep = changes.name { changes.name = .set(line.standInName ?? "unnamed") }
                        var check = changes
                        check.status = .keep  // a new asset takes its status as given, not as a move
                        _ = try check.apply(to: RegisterRecord(tag: "DS-0", category: definition.name, status: .inStock), fieldsOf: definition)
                    }
                    planned.append(Planned(line: record.line, action: action, assetID: assetID, changes: changes, location: location, owner: owner, reason: reason))
                } catch let error as HelpdeskError {
                    switch error {
                    case .invalid(let message), .unprocessable(let message), .conflict(let message): fail(message)
                    case .notFound, .forbidden: fail("\(error)")
                    }
                }
            }
            report.newCategories = newCategories.sorted()
            report.newLocations = newLocations
            return planned
        }
        report.created = planned.filter { $0.action == "create" }.count
        report.updated = planned.filter { $0.action == "update" }.count
        report.matched = planned.filter { $0.action == "match" }.count
        report.lines = planned.map { ImportReport.LineAction(line: $0.line, action: $0.action, assetId: $0.assetID, tag: nil, reason: $0.reason) }
        guard !dryRun, report.errors.isEmpty, !planned.isEmpty else { return report }

        let pattern = register.pattern
        let created: [Int: Int64] = try pool.write { db in
            for name in report.newCategories {
                try db.run("INSERT INTO assetCategory (name) VALUES (?) ON CONFLICT (name) DO NOTHING", arguments: [name])
            }
            var locations: [String: Int64] = [:]
            for path in report.newLocations {
                var parent: Int64?
                let parts = path.split(separator: " / ").map(String.init)
                for (depth, part) in parts.enumerated() {
                    let key = parts.prefix(depth + 1).joined(separator: " / ").lowercased()
                    if let id = try locations[key] ?? Int64.fetchOne(db, sql: "SELECT l.id " + Self.locationFrom + " WHERE lower(\(Self.locationPath("l"))) = ?",
                                                                 arguments: [key]) {
                        parent = id
                    } else {
                        try db.run("INSERT INTO location (name, kind, parentId) VALUES (?, ?, ?)", arguments: [part, LocationKind.allCases[depth].rawValue, parent])
                        parent = db.lastInsertedRowID
                    }
                    locations[key] = parent
                }
            }
            var created: [Int: Int64] = [:]
            var categories: [String: (id: Int64, category: AssetCategory)] = [:]
            for var line in planned {
                if let path = line.location, let id = locations[path.lowercased()] { line.changes.locationId = .set(id) }
                let id: Int64
                if let existing = line.assetID {
                    try Self.changeAsset(db, id: existing, line.changes, actor: actor, now: now)
                    id = existing
                } else {
                    id = try Self.insertAsset(db, line.changes, pattern: pattern, actor: actor, now: now, categories: &categories)
                    created[line.line] = id
                }
                if let owner = line.owner, try Int64.fetchOne(cached: db, sql: "SELECT ownerId FROM asset WHERE id = ?", arguments: [id]) != owner {
                    try Self.assign(db, asset: id, to: owner, actor: actor, note: "imported", now: now)
                }
            }
            try db.run("INSERT INTO auditEvent (at, actor, action, outcome, detail) VALUES (?, ?, 'import assets', 'allowed', ?)",
                       arguments: [Timestamp.text(now), actor, "\(report.created) created, \(report.updated) updated, \(report.matched) matched"])
            return created
        }
        report.written = true
        for index in report.lines.indices where report.lines[index].assetId == nil {
            report.lines[index].assetId = created[report.lines[index].line]
        }
        return report
    }
}
