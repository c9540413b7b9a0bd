import DesksideHelpdesk

/// Which register field each column of an imported CSV fills. The columns of a Snipe-IT export (and
/// of its importer), of a GLPI computer list export and of Deskside's own CSV are known by name, in
/// any case; any other file is described by a mapping (`ImportMapping`). Columns nobody knows are
/// ignored and listed as such.
public enum ImportField: Hashable, Sendable, CustomStringConvertible {
    case tag, name, serial, vendor, model, category, status, location, department, purchaseDate, supplier, orderNumber, cost,
         warrantyMonths, warrantyEnd, notes, tags, owner
    /// A custom field of the row's category.
    case custom(String)
    case ignored

    public init?(mapped text: String) {
        if text == "ignore" { self = .ignored; return }
        if text.hasPrefix("field:"), text.count > 6 { self = .custom(String(text.dropFirst(6))); return }
        guard let field = Self.named[text] else { return nil }
        self = field
    }

    static let named: [String: ImportField] = [
        "tag": .tag, "name": .name, "serial": .serial, "vendor": .vendor, "model": .model, "category": .category, "status": .status,
        "location": .location, "department": .department, "purchaseDate": .purchaseDate, "supplier": .supplier, "orderNumber": .orderNumber,
        "cost": .cost, "warrantyMonths": .warrantyMonths, "warrantyEnd": .warrantyEnd, "notes": .notes, "tags": .tags, "owner": .owner,
    ]

    public var description: String {
        switch self {
        case .custom(let name): "field:\(name)"
        case .ignored: "ignore"
        default: Self.named.first { $0.value == self }?.key ?? "?"
        }
    }

    /// Column names as the three exports spell them, lower-cased with single spaces. GLPI prefixes
    /// its financial columns with their tab's name.
    static let aliases: [String: ImportField] = {
        var aliases: [String: ImportField] = [:]
        let glpi = "financial and administrative information - "
        let table: [(ImportField, [String])] = [
            (.tag, ["tag", "asset tag", "asset_tag", "inventory number", "inventory_number", "otherserial"]),
            (.name, ["name", "asset name", "item name", "item_name"]),
            (.serial, ["serial", "serial number", "serial_number", "serial no", "serial no."]),
            (.vendor, ["vendor", "manufacturer", "maker"]),
            (.model, ["model", "model name", "model_name"]),
            (.category, ["category", "type", "asset type"]),
            (.status, ["status", "status label", "status_label"]),
            (.location, ["location", "location name", "location_name"]),
            (.department, ["department"]),
            (.purchaseDate, ["purchase date", "purchase_date", "purchasedate", "date of purchase", glpi + "date of purchase"]),
            (.supplier, ["supplier", glpi + "supplier"]),
            (.orderNumber, ["order number", "order_number", "ordernumber", glpi + "order number"]),
            (.cost, ["cost", "purchase cost", "purchase_cost", "value", glpi + "value"]),
            (.warrantyMonths, ["warranty", "warranty months", "warranty_months", "warrantymonths", "warranty duration", glpi + "warranty duration"]),
            (.warrantyEnd, ["warranty end", "warranty expires", "warranty_expires", "warrantyend", "warranty expiration date", glpi + "warranty expiration date"]),
            (.notes, ["notes", "note", "comments", "comment"]),
            (.tags, ["tags"]),
            (.owner, ["owner", "checked out to", "assigned to", "assigned_to", "user", "username"]),
        ]
        for (field, names) in table { for name in names { aliases[name] = field } }
        return aliases
    }()

    static func key(_ header: String) -> String {
        header.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}

/// A mapping file for a CSV the importer does not know: `{"columns": {"Their header": "tag",
/// "Phone number": "field:number", "Internal id": "ignore"}}`; columns it does not name are read as
/// if it did not exist.
public struct ImportMapping: Codable, Sendable, Equatable {
    public var columns: [String: String]

    public init(columns: [String: String] = [:]) { self.columns = columns }

    enum CodingKeys: String, CodingKey { case columns }

    public init(from decoder: any Decoder) throws {
        columns = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([String: String].self, forKey: .columns) ?? [:]
    }

    /// The field of each column, in order, and the columns ignored.
    public func fields(for header: [String]) throws -> (fields: [ImportField], ignored: [String]) {
        var fields: [ImportField] = []
        var ignored: [String] = []
        var seen = Set<ImportField>()
        for column in header {
            let field: ImportField
            if let mapped = columns[column] ?? columns.first(where: { ImportField.key($0.key) == ImportField.key(column) })?.value {
                guard let known = ImportField(mapped: mapped) else {
                    throw HelpdeskError.invalid("the mapping gives column \(column) an unknown field \(mapped) (fields: "
                                                + ImportField.named.keys.sorted().joined(separator: ", ") + ", field:NAME, ignore)")
                }
                field = known
            } else {
                field = ImportField.aliases[ImportField.key(column)] ?? .ignored
            }
            if field == .ignored { ignored.append(column) } else if !seen.insert(field).inserted {
                throw HelpdeskError.invalid("two columns fill \(field); map one of them to ignore")
            }
            fields.append(field)
        }
        guard seen.contains(.tag) || seen.contains(.name) || seen.contains(.serial) else {
            throw HelpdeskError.invalid("no column gives a tag, a name or a serial (columns: \(header.joined(separator: ", "))); give a mapping file")
        }
        return (fields, ignored)
    }
}

/// Status words of other registers: Snipe-IT's default labels and GLPI's usual states.
public enum ImportStatus {
    public static func parse(_ text: String) throws -> AssetStatus {
        if let exact = AssetStatus(rawValue: text) { return exact }
        let word = ImportField.key(text)
        let table: [(AssetStatus, [String])] = [
            (.lostOrStolen, ["lost", "stolen", "lost/stolen", "lost or stolen"]),
            (.disposed, ["disposed", "scrapped", "recycled", "destroyed", "sold"]),
            (.retired, ["retired", "archived", "decommissioned", "end of life"]),
            (.inRepair, ["in repair", "repair", "out for repair", "broken", "out for diagnostics"]),
            (.ordered, ["ordered", "on order", "pending"]),
            (.inStock, ["in stock", "stock", "ready to deploy", "available", "spare"]),
            (.deployed, ["deployed", "in use", "in production", "production", "assigned", "active"]),
        ]
        for (status, words) in table where words.contains(word) { return status }
        throw HelpdeskError.invalid("unknown status \(text) (use one of: " + AssetStatus.allCases.map(\.rawValue).joined(separator: ", ") + ", or Snipe-IT's and GLPI's usual ones)")
    }

    /// A date as exports write it: YYYY-MM-DD, with or without a time after it.
    public static func date(_ text: String, field: String) throws -> CalendarDate {
        try CalendarDate(String(text.prefix(10)), field: field)
    }

    /// Months as exports write them: "36", "36 months".
    public static func months(_ text: String) throws -> Int {
        guard let months = Int(text.prefix { $0.isNumber }), text.first?.isNumber == true else {
            throw HelpdeskError.invalid("warranty months must be a number, not \(text)")
        }
        return months
    }
}
