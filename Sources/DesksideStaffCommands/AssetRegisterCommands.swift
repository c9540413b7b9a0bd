import ArgumentParser
import Foundation
import DesksideClient
import DesksideJSON

/// The register fields `assets create` and `assets update` set; `--clear FIELD` empties one.
struct RegisterOptions: ParsableArguments {
    @Option(help: "A name (required for an asset without an agent).") var name: String?
    @Option(help: "The asset tag (new assets get one from the pattern).") var tag: String?
    @Option(help: "The category (deskside assets categories).") var category: String?
    @Option(help: "ordered, inStock, deployed, inRepair, retired, lostOrStolen, disposed.") var status: String?
    @Option(help: "A location id (deskside assets locations).") var location: Int64?
    @Option var department: String?
    @Option(help: "YYYY-MM-DD.") var purchaseDate: String?
    @Option var supplier: String?
    @Option(help: "The order number.") var order: String?
    @Option(help: "The purchase cost: 1299.90, 1,299.90.") var cost: String?
    @Option(help: "Warranty months from the purchase date.") var warrantyMonths: Int64?
    @Option(help: "The warranty's end, YYYY-MM-DD (wins over months).") var warrantyEnd: String?
    @Option var notes: String?
    @Option(help: "Tags, comma-separated (replaces the list).") var tags: String?
    @Option(name: .customLong("field"), help: "A custom field: NAME=VALUE (NAME= removes it); repeatable.") var fields: [String] = []
    @Option(help: "The asset id of the computer it is attached to.") var attachTo: Int64?
    @Option(help: "Serial (assets without an agent).") var serial: String?
    @Option(help: "Maker (assets without an agent).") var vendor: String?
    @Option(help: "Model (assets without an agent).") var model: String?
    @Option(help: "Empty a field (name, location, department, purchaseDate, supplier, orderNumber, cost, warrantyMonths, warrantyEnd, notes, tags, attachedTo, serial, vendor, model); repeatable.")
    var clear: [String] = []

    func body() throws -> [String: BodyValue] {
        var body: [String: BodyValue] = [:]
        let texts: [(String, String?)] = [("name", name), ("tag", tag), ("category", category), ("status", status), ("department", department),
                                          ("purchaseDate", purchaseDate), ("supplier", supplier), ("orderNumber", order), ("cost", cost),
                                          ("warrantyEnd", warrantyEnd), ("notes", notes), ("serial", serial), ("vendor", vendor), ("model", model)]
        for case let (key, value?) in texts { body[key] = .string(value) }
        if let location { body["locationId"] = .int(location) }
        if let warrantyMonths { body["warrantyMonths"] = .int(warrantyMonths) }
        if let attachTo { body["attachedTo"] = .int(attachTo) }
        if let tags { body["tags"] = .strings(tags.split(separator: ",").map { String($0) }) }
        if !fields.isEmpty {
            let values = try fields.map { field -> (key: String, value: JSONValue) in
                guard let equals = field.firstIndex(of: "=") else { throw ValidationError("--field is NAME=VALUE, not \(field)") }
                let value = String(field[field.index(after: equals)...])
                return (String(field[..<equals]), value.isEmpty ? .null : .string(value))
            }
            body["fields"] = .json(.object(values))
        }
        for field in clear {
            let key = ["location": "locationId", "order": "orderNumber", "attachTo": "attachedTo"][field] ?? field
            body[key] = .null
        }
        return body
    }
}

extension AssetsCommand {
    static let registerFields = [Column("tag"), Column("name"), Column("category"), Column("status"), Column("location"), Column("department"),
                                 Column("purchased", "purchaseDate"), Column("supplier"), Column("order", "orderNumber"), Column("cost"),
                                 Column("warranty ends", "warrantyEnds"), Column("tags"), Column("fields"), Column("attached to", "attachedTo"),
                                 Column("attached", "attached"), Column("last audit", "lastAuditAt"), Column("audited at", "lastAuditLocation"),
                                 Column("next audit", "nextAuditDue"), Column("notes")]

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enter an asset without an agent: a monitor, a dock, a phone.",
            discussion: "Example: deskside assets create --name 'Dell U2723QE' --category monitor --serial CN0ABC --attach-to 12")
        @OptionGroup var fields: RegisterOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let asset = try await api { try await client.call("POST", "/assets", body: try fields.body()) }
            output.record(asset, fields: AssetsCommand.columns)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an asset's register fields: tag, status, location, purchase, warranty, notes, tags, custom fields.",
            discussion: "Example: deskside assets update 12 --location 4 --purchase-date 2024-03-15 --warranty-months 36 --field carrier=SFR --clear notes")
        @Argument var id: Int64
        @OptionGroup var fields: RegisterOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let body = try fields.body()
            guard !body.isEmpty else { throw ValidationError("nothing to change: give a field (deskside assets update --help)") }
            let client = try Connection.client()
            let register = try await api { try await client.call("PATCH", "/assets/\(id)", body: body) }
            output.record(register, fields: AssetsCommand.registerFields)
        }
    }

    struct Categories: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Asset categories: list them, or define one with its custom fields and audit interval (admins).",
            discussion: "Example: deskside assets categories --set phone --audit-days 365 --field number:text:required --field carrier:choice:Orange|SFR")
        @Option(help: "Create or replace this category.") var set: String?
        @Option(help: "Days between physical audits.") var auditDays: Int64?
        @Option(name: .customLong("field"), help: "NAME:TYPE[:required] or NAME:choice:A|B|C[:required]; TYPE text, number, date or choice.")
        var fields: [String] = []
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            guard let set else {
                let list = try await api { try await client.call("GET", "/categories") }
                return output.list(list.elements ?? [], columns: [Column("name"), Column("assets", "assetCount"), Column("audit days", "auditIntervalDays"),
                                                                  Column("fields")], document: list, footer: nil)
            }
            var definitions: [JSONValue] = []
            for field in fields {
                var parts = field.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                let required = parts.last == "required"
                if required { parts.removeLast() }
                guard parts.count == 2 || parts.count == 3 && parts[1] == "choice" else { throw ValidationError("--field is NAME:TYPE[:required], not \(field)") }
                var definition: [(key: String, value: JSONValue)] = [("name", .string(parts[0])), ("type", .string(parts[1])), ("required", .bool(required))]
                if parts.count == 3 { definition.append(("choices", .array(parts[2].split(separator: "|").map { .string(String($0)) }))) }
                definitions.append(.object(definition))
            }
            var body: [String: BodyValue] = ["fields": .json(.array(definitions))]
            if let auditDays { body["auditIntervalDays"] = .int(auditDays) }
            let saved = try await api { try await client.call("PUT", "/categories/\(set.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? set)", body: body) }
            output.record(saved, fields: [Column("name"), Column("audit days", "auditIntervalDays"), Column("fields")])
        }
    }

    struct Locations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sites, buildings and rooms: list them, or add one.",
            discussion: "Example: deskside assets locations --add Paris --kind site; deskside assets locations --add '4.12' --kind room --in 2")
        @Option(help: "Add a location with this name.") var add: String?
        @Option(help: "site, building or room.") var kind: String?
        @Option(name: .customLong("in"), help: "The id of the site (for a building) or building (for a room).") var parent: Int64?
        @OptionGroup var output: OutputOptions

        static let columns = [Column("id"), Column("kind"), Column("path")]

        func run() async throws {
            let client = try Connection.client()
            guard let add else {
                let list = try await api { try await client.call("GET", "/locations") }
                return output.list(list.elements ?? [], columns: Self.columns, document: list, footer: nil)
            }
            guard let kind else { throw ValidationError("--kind site, building or room") }
            var body: [String: BodyValue] = ["name": .string(add), "kind": .string(kind)]
            if let parent { body["parentId"] = .int(parent) }
            let location = try await api { try await client.call("POST", "/locations", body: body) }
            output.record(location, fields: Self.columns)
        }
    }
}

extension AssetsCommand {
    static let mergeColumns = [Column("merge", "id"), Column("survivor", "survivorId"), Column("merged", "mergedId"), Column("at"), Column("by", "actor"),
                               Column("undone", "undoneAt")]

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge an asset into another: the survivor keeps both histories, owners, tickets and audits; undo with unmerge.",
            discussion: "Example: deskside assets merge 12 40   (40 goes into 12; deskside assets explain 12 lists the merge)")
        @Argument(help: "The asset that stays.") var survivor: Int64
        @Argument(help: "The asset merged into it.") var merged: Int64
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let merge = try await api { try await client.call("POST", "/assets/\(survivor)/merge", body: ["mergedId": .int(merged)]) }
            output.record(merge, fields: AssetsCommand.mergeColumns)
        }
    }

    struct Unmerge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Undo a merge: both assets as they were, each row back where it came from.")
        @Argument(help: "The merge's number (deskside assets explain SURVIVOR).") var merge: Int64
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let record = try await api { try await client.call("POST", "/merges/\(merge)/undo", body: [:]) }
            output.record(record, fields: AssetsCommand.mergeColumns)
        }
    }
}

extension AssetsCommand {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a register from CSV: a Snipe-IT or GLPI export as it is, any other file with a column mapping.",
            discussion: """
                Run with --dry-run first: it prints what would be created, updated and matched to agent-reported assets, and every error
                by line. The real run writes all of it or nothing. A mapping file is JSON: {"columns": {"Their header": "tag",
                "Phone": "field:number", "Old id": "ignore"}}; fields: tag, name, serial, vendor, model, category, status, location,
                department, purchaseDate, supplier, orderNumber, cost, warrantyMonths, warrantyEnd, notes, tags, owner, field:NAME.
                """)
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "A JSON column mapping.") var mapping: String?
        @Flag(help: "Report only; write nothing.") var dryRun = false
        @Flag(help: "List every line's action, not only errors and matches.") var all = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard let bytes = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            var body: [String: BodyValue] = ["csv": .string(bytes.base64EncodedString()), "dryRun": .bool(dryRun)]
            if let mapping {
                guard let text = FileManager.default.contents(atPath: mapping), let parsed = try? JSONParser.parse(Array(text)) else {
                    throw ValidationError("cannot read the mapping \(mapping) as JSON")
                }
                body["mapping"] = .json(parsed)
            }
            let client = try Connection.client()
            let report = try await api { try await client.call("POST", "/imports/assets", body: body) }
            if output.json || output.csv { return output.record(report, fields: [Column("created"), Column("updated"), Column("matched"), Column("written")]) }
            let errors = report["errors"]?.elements ?? []
            let verb = report["written"]?.text == "true" ? "" : "would be "
            Swift.print("\(report["rows"]?.text ?? "0") rows: \(report["created"]?.text ?? "0") \(verb)created, \(report["updated"]?.text ?? "0") \(verb)updated, "
                        + "\(report["matched"]?.text ?? "0") \(verb)matched to agent-reported assets")
            for (title, key) in [("new categories", "newCategories"), ("new locations", "newLocations"), ("ignored columns", "ignoredColumns")] {
                let items = (report[key]?.elements ?? []).compactMap(\.text)
                if !items.isEmpty { Swift.print("\(title): " + Output.terminalSafe(items.joined(separator: ", "))) }
            }
            for line in report["lines"]?.elements ?? [] where all || line["action"]?.text == "match" {
                Swift.print("line \(line["line"]?.text ?? "?"): \(line["action"]?.text ?? "?") " + (line["assetId"]?.text.map { "asset \($0) " } ?? "")
                            + "(" + Output.terminalSafe(line["reason"]?.text ?? "") + ")")
            }
            for error in errors {
                Swift.print("line \(error["line"]?.text ?? "?"): error: " + Output.terminalSafe(error["message"]?.text ?? ""))
            }
            if !errors.isEmpty {
                throw ExitCode(dryRun ? 1 : 2).withMessage("\(errors.count) line(s) with errors: nothing was written")
            }
            Swift.print(report["written"]?.text == "true" ? "written." : "dry run: nothing written; run again without --dry-run to import.")
        }
    }
}

private extension ExitCode {
    func withMessage(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        return self
    }
}
