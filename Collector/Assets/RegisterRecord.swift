import DesksideHelpdesk

/// What the register keeps of an asset beyond what its agent reports: the fields staff edit
/// (`deskside assets update`, `PATCH /assets/{id}`, the console, an import). An asset without an
/// agent (a monitor, a dock, a phone) has only these, and its serial, maker and model are edited
/// here too; an agent's machine gets those from its reports.
public struct RegisterRecord: Codable, Sendable, Equatable {
    public var tag: String
    public var name: String?
    public var category: String
    public var status: AssetStatus
    public var locationId: Int64?
    public var department: String?
    public var purchaseDate: CalendarDate?
    public var supplier: String?
    public var orderNumber: String?
    /// Hundredths.
    public var costCents: Int64?
    public var warrantyMonths: Int?
    public var warrantyEnd: CalendarDate?
    public var notes: String
    public var tags: [String]
    public var fields: [String: String]
    /// The computer this asset is attached to (a dock to its laptop).
    public var attachedTo: Int64?
    public var serial: String?
    public var vendor: String?
    public var model: String?

    public init(tag: String, category: String, status: AssetStatus) {
        (self.tag, self.category, self.status) = (tag, category, status)
        notes = ""
        tags = []
        fields = [:]
    }

    /// When the warranty ends: its end date, else the purchase date plus its months.
    public var warrantyEnds: CalendarDate? {
        warrantyEnd ?? purchaseDate.flatMap { date in warrantyMonths.map { date.adding(months: $0) } }
    }
}

/// A change to keep, set or clear: JSON leaves a field out, gives it a value, or gives it null.
public enum Change<Value: Sendable & Equatable>: Sendable, Equatable {
    case keep, set(Value), clear

    public var isKeep: Bool { self == .keep }

    func apply(_ current: Value?) -> Value? {
        switch self {
        case .keep: current
        case .set(let value): value
        case .clear: nil
        }
    }
}

extension KeyedDecodingContainer {
    func change<Value: Decodable & Sendable & Equatable>(_ type: Value.Type, forKey key: Key) throws -> Change<Value> {
        guard contains(key) else { return .keep }
        return try decodeNil(forKey: key) ? .clear : .set(try decode(Value.self, forKey: key))
    }
}

/// The fields a request changes; a field left out stays, null clears it (the tag, category and
/// status cannot be cleared). Custom fields merge: a null value removes that field.
public struct AssetChanges: Decodable, Sendable, Equatable {
    public var tag: Change<String> = .keep
    public var name: Change<String> = .keep
    public var category: Change<String> = .keep
    public var status: Change<AssetStatus> = .keep
    public var locationId: Change<Int64> = .keep
    public var department: Change<String> = .keep
    public var purchaseDate: Change<CalendarDate> = .keep
    public var supplier: Change<String> = .keep
    public var orderNumber: Change<String> = .keep
    /// A number, or text such as "1,234.50".
    public var cost: Change<String> = .keep
    public var warrantyMonths: Change<Int> = .keep
    public var warrantyEnd: Change<CalendarDate> = .keep
    public var notes: Change<String> = .keep
    public var tags: Change<[String]> = .keep
    public var fields: [String: String?] = [:]
    public var attachedTo: Change<Int64> = .keep
    public var serial: Change<String> = .keep
    public var vendor: Change<String> = .keep
    public var model: Change<String> = .keep

    public init() {}

    enum CodingKeys: String, CodingKey {
        case tag, name, category, status, locationId, department, purchaseDate, supplier, orderNumber, cost, warrantyMonths, warrantyEnd,
             notes, tags, fields, attachedTo, serial, vendor, model
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tag = try c.change(String.self, forKey: .tag)
        name = try c.change(String.self, forKey: .name)
        category = try c.change(String.self, forKey: .category)
        status = try c.change(AssetStatus.self, forKey: .status)
        locationId = try c.change(Int64.self, forKey: .locationId)
        department = try c.change(String.self, forKey: .department)
        purchaseDate = try c.change(CalendarDate.self, forKey: .purchaseDate)
        supplier = try c.change(String.self, forKey: .supplier)
        orderNumber = try c.change(String.self, forKey: .orderNumber)
        if c.contains(.cost), let number = try? c.decode(Double.self, forKey: .cost) {
            guard number.isFinite, number >= 0, number < 1e12 else { throw HelpdeskError.invalid("a cost is a number from 0") }
            cost = .set(Money.text(Int64((number * 100).rounded())))
        } else {
            cost = try c.change(String.self, forKey: .cost)
        }
        warrantyMonths = try c.change(Int.self, forKey: .warrantyMonths)
        warrantyEnd = try c.change(CalendarDate.self, forKey: .warrantyEnd)
        notes = try c.change(String.self, forKey: .notes)
        tags = try c.change([String].self, forKey: .tags)
        fields = try c.decodeIfPresent([String: String?].self, forKey: .fields) ?? [:]
        attachedTo = try c.change(Int64.self, forKey: .attachedTo)
        serial = try c.change(String.self, forKey: .serial)
        vendor = try c.change(String.self, forKey: .vendor)
        model = try c.change(String.self, forKey: .model)
    }

    /// Whether the change touches what an agent reports (serial, maker, model).
    public var changesReportedFields: Bool { !serial.isKeep || !vendor.isKeep || !model.isKeep }

    /// The record after the changes, checked: lengths, the tag's form, the warranty, the custom
    /// fields against the (new) category's definitions, and the status's move.
    public func apply(to record: RegisterRecord, fieldsOf definition: AssetCategory) throws -> RegisterRecord {
        var new = record
        switch tag {
        case .set(let value): new.tag = try AssetTagPattern.validTag(value)
        case .clear: throw HelpdeskError.invalid("an asset always has a tag")
        case .keep: break
        }
        if case .clear = category { throw HelpdeskError.invalid("an asset always has a category") }
        new.category = category.apply(record.category) ?? record.category
        switch status {
        case .set(let value):
            try record.status.move(to: value)
            new.status = value
        case .clear: throw HelpdeskError.invalid("an asset always has a status")
        case .keep: break
        }
        new.name = try Self.text(name, record.name, "name", 200)
        new.department = try Self.text(department, record.department, "department", 100)
        new.supplier = try Self.text(supplier, record.supplier, "supplier", 200)
        new.orderNumber = try Self.text(orderNumber, record.orderNumber, "orderNumber", 100)
        new.serial = try Self.text(serial, record.serial, "serial", 200)
        new.vendor = try Self.text(vendor, record.vendor, "vendor", 200)
        new.model = try Self.text(model, record.model, "model", 200)
        new.notes = try Self.text(notes, record.notes, "notes", 10_000) ?? ""
        new.locationId = locationId.apply(record.locationId)
        new.purchaseDate = purchaseDate.apply(record.purchaseDate)
        new.warrantyEnd = warrantyEnd.apply(record.warrantyEnd)
        new.warrantyMonths = warrantyMonths.apply(record.warrantyMonths)
        if let months = new.warrantyMonths, !(0...600).contains(months) { throw HelpdeskError.invalid("warrantyMonths is 0 to 600") }
        do {
            new.costCents = try cost.apply(record.costCents.map(Money.text)).flatMap { $0.isEmpty ? nil : try Money.cents($0) }
        } catch HelpdeskError.invalid(let message) {
            throw HelpdeskError.unprocessable(message)
        }
        if case .set(let list) = tags {
            let cleaned = list.map { $0.trimmingSpaces }.filter { !$0.isEmpty }
            guard cleaned.count <= 20, cleaned.allSatisfy({ $0.count <= 40 && $0.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F } && !$0.contains(",") }) else {
                throw HelpdeskError.invalid("at most 20 tags of 1 to 40 printable characters, without commas")
            }
            var seen = Set<String>()
            new.tags = cleaned.filter { seen.insert($0.lowercased()).inserted }
        } else if case .clear = tags {
            new.tags = []
        }
        new.attachedTo = attachedTo.apply(record.attachedTo)
        // A category change keeps only the values the new category defines.
        let kept = new.category == record.category ? record.fields : record.fields.filter { name, _ in definition.fields.contains { $0.name == name } }
        new.fields = try CustomField.apply(fields, to: kept, definitions: definition.fields)
        return new
    }

    private static func text(_ change: Change<String>, _ current: String?, _ field: String, _ limit: Int) throws -> String? {
        guard case .set(let value) = change else { return change.apply(current) }
        guard value.count <= limit else { throw HelpdeskError.invalid("\(field) is longer than \(limit) characters") }
        guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F || $0 == "\n" || $0 == "\t" && field == "notes" }) else {
            throw HelpdeskError.invalid("\(field) may not hold control characters")
        }
        let trimmed = value.trimmingSpaces
        return trimmed.isEmpty ? nil : trimmed
    }
}

extension String {
    /// Without spaces and tabs at either end (nor line breaks at the end). Byte by byte: an import
    /// trims every cell of 50,000 lines.
    public var trimmingSpaces: String {
        let bytes = utf8
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start = bytes.index(after: start) }
        while end > start {
            let last = bytes.index(before: end)
            guard bytes[last] == 0x20 || bytes[last] == 0x09 || bytes[last] == 0x0A else { break }
            end = last
        }
        return start == bytes.startIndex && end == bytes.endIndex ? self : String(self[start..<end])
    }
}

/// One field that a change moved, for the asset's history.
public struct RegisterDiff: Sendable, Equatable {
    public var field: String
    public var old: String?
    public var new: String?

    public init(field: String, old: String?, new: String?) {
        (self.field, self.old, self.new) = (field, old, new)
    }

    /// The fields that differ between two records, named as the API names them.
    public static func between(_ old: RegisterRecord, _ new: RegisterRecord) -> [RegisterDiff] {
        func text(_ field: String, _ a: String?, _ b: String?) -> RegisterDiff? { a == b ? nil : RegisterDiff(field: field, old: a, new: b) }
        func fields(_ values: [String: String]) -> String? {
            values.isEmpty ? nil : values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        return [
            text("tag", old.tag, new.tag), text("name", old.name, new.name), text("category", old.category, new.category),
            text("status", old.status.rawValue, new.status.rawValue), text("locationId", old.locationId.map(String.init), new.locationId.map(String.init)),
            text("department", old.department, new.department), text("purchaseDate", old.purchaseDate?.description, new.purchaseDate?.description),
            text("supplier", old.supplier, new.supplier), text("orderNumber", old.orderNumber, new.orderNumber),
            text("cost", old.costCents.map(Money.text), new.costCents.map(Money.text)),
            text("warrantyMonths", old.warrantyMonths.map(String.init), new.warrantyMonths.map(String.init)),
            text("warrantyEnd", old.warrantyEnd?.description, new.warrantyEnd?.description),
            text("notes", old.notes.isEmpty ? nil : old.notes, new.notes.isEmpty ? nil : new.notes),
            text("tags", old.tags.isEmpty ? nil : old.tags.joined(separator: ", "), new.tags.isEmpty ? nil : new.tags.joined(separator: ", ")),
            text("fields", fields(old.fields), fields(new.fields)),
            text("attachedTo", old.attachedTo.map(String.init), new.attachedTo.map(String.init)),
            text("serial", old.serial, new.serial), text("vendor", old.vendor, new.vendor), text("model", old.model, new.model),
        ].compactMap { $0 }
    }
}
