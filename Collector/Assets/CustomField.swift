import DesksideHelpdesk

/// A field admins add to the assets of one category (a phone's number, a monitor's size), typed
/// and checked on input. Values are kept as text in a canonical form: numbers as written by Swift,
/// dates YYYY-MM-DD, choices exactly as defined.
public struct CustomField: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case text, number, date, choice }

    public var name: String
    public var type: Kind
    /// The allowed values of a `choice` field.
    public var choices: [String]
    public var required: Bool

    /// Choices are kept for a choice field only.
    public init(name: String, type: Kind, choices: [String] = [], required: Bool = false) {
        (self.name, self.type, self.choices, self.required) = (name, type, type == .choice ? choices : [], required)
    }

    enum CodingKeys: String, CodingKey { case name, type, choices, required }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        type = try container.decode(Kind.self, forKey: .type)
        let choices = try container.decodeIfPresent([String].self, forKey: .choices) ?? []
        guard choices.count <= 50, Set(choices).count == choices.count, choices.allSatisfy({ (1...100).contains($0.count) }) else {
            throw HelpdeskError.invalid("field \(name): at most 50 different choices of 1 to 100 characters")
        }
        self.choices = type == .choice ? choices : []
        required = try container.decodeIfPresent(Bool.self, forKey: .required) ?? false
    }

    /// The definition itself: a short name, choices for a choice field and only for it.
    public func check() throws {
        guard (1...40).contains(name.count), !name.hasPrefix(" "), !name.hasSuffix(" "),
              name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw HelpdeskError.invalid("a field's name is 1 to 40 printable characters without spaces at either end")
        }
        guard choices.count <= 50, Set(choices).count == choices.count, choices.allSatisfy({ (1...100).contains($0.count) }) else {
            throw HelpdeskError.invalid("field \(name): at most 50 different choices of 1 to 100 characters")
        }
        if type == .choice && choices.isEmpty { throw HelpdeskError.unprocessable("field \(name): a choice field needs its choices") }
    }

    /// The value in canonical form, or why it is not one.
    public func normalize(_ value: String) throws -> String {
        switch type {
        case .text:
            guard value.count <= 1000 else { throw HelpdeskError.unprocessable("field \(name) is longer than 1,000 characters") }
            return value
        case .number:
            guard value.count <= 40, let number = Double(value), number.isFinite, value.allSatisfy({ $0.isASCII }) else {
                throw HelpdeskError.unprocessable("field \(name) must be a number")
            }
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .date:
            do { return try CalendarDate(value, field: "field \(name)").description } catch {
                throw HelpdeskError.unprocessable("field \(name) must be a date written YYYY-MM-DD")
            }
        case .choice:
            guard choices.contains(value) else {
                throw HelpdeskError.unprocessable("field \(name) must be one of: \(choices.joined(separator: ", "))")
            }
            return value
        }
    }

    /// The values after `changes` (a nil value removes the field), each checked against its
    /// definition; a field the category does not define is refused, and so is a required one left empty.
    public static func apply(_ changes: [String: String?], to current: [String: String], definitions: [CustomField]) throws -> [String: String] {
        var values = current
        for (name, value) in changes {
            guard let field = definitions.first(where: { $0.name == name }) else {
                throw HelpdeskError.unprocessable("no field \(name) in this category"
                                            + (definitions.isEmpty ? " (it has none)" : " (it has: \(definitions.map(\.name).joined(separator: ", ")))"))
            }
            if let value, !value.isEmpty { values[name] = try field.normalize(value) } else { values[name] = nil }
        }
        if let missing = definitions.first(where: { $0.required && values[$0.name] == nil }) {
            throw HelpdeskError.unprocessable("field \(missing.name) is required in this category")
        }
        return values
    }
}

/// A kind of asset (computer, monitor, dock, phone, ...): its custom fields and how often its
/// assets are audited.
public struct AssetCategory: Codable, Sendable, Equatable {
    public var name: String
    /// Days between physical audits (nil: no audit is due).
    public var auditIntervalDays: Int?
    public var fields: [CustomField]

    /// The category agent-reported machines go into.
    public static let computer = "computer"

    public init(name: String, auditIntervalDays: Int? = nil, fields: [CustomField] = []) {
        (self.name, self.auditIntervalDays, self.fields) = (name, auditIntervalDays, fields)
    }

    enum CodingKeys: String, CodingKey { case name, auditIntervalDays, fields }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        auditIntervalDays = try container.decodeIfPresent(Int.self, forKey: .auditIntervalDays)
        fields = try container.decodeIfPresent([CustomField].self, forKey: .fields) ?? []
    }

    public func check() throws {
        guard (1...60).contains(name.count), name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }), !name.hasPrefix(" "), !name.hasSuffix(" ") else {
            throw HelpdeskError.invalid("a category's name is 1 to 60 printable characters without spaces at either end")
        }
        if let days = auditIntervalDays, !(1...3650).contains(days) { throw HelpdeskError.invalid("auditIntervalDays is 1 to 3,650") }
        guard fields.count <= 30 else { throw HelpdeskError.invalid("a category has at most 30 fields") }
        guard Set(fields.map(\.name)).count == fields.count else { throw HelpdeskError.unprocessable("two fields have the same name") }
        for field in fields { try field.check() }
    }
}
