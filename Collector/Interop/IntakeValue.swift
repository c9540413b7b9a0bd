public import DesksideJSON

/// An inventory as both protocols carry it, in one shape: GLPI Agent's JSON as it is, and the OCS /
/// FusionInventory XML turned into it the way GLPI Agent itself does (names lower-cased, a repeated
/// element a list). Every value is text: XML has nothing else, and the JSON's numbers and booleans
/// keep their spelling.
public indirect enum IntakeValue: Sendable, Equatable {
    case text(String)
    case list([IntakeValue])
    case record([String: IntakeValue])

    public subscript(key: String) -> IntakeValue? {
        guard case .record(let fields) = self else { return nil }
        return fields[key]
    }

    /// The text of a value (the first, for a list of texts).
    public var text: String? {
        switch self {
        case .text(let text): text
        case .list(let values): values.lazy.compactMap(\.text).first
        case .record: nil
        }
    }

    /// Every text of a value that may repeat.
    public var texts: [String] {
        switch self {
        case .text(let text): [text]
        case .list(let values): values.compactMap(\.text)
        case .record: []
        }
    }

    /// A section that one agent writes once and another as a list: always a list of records.
    public var records: [IntakeValue] {
        switch self {
        case .record: [self]
        case .list(let values): values.filter { if case .record = $0 { true } else { false } }
        case .text: []
        }
    }

    /// An XML element as GLPI Agent's XML-to-JSON conversion reads it: children by lower-cased name,
    /// a name that repeats becomes a list, an element without children is its text.
    public init(_ element: BoundedXML.Element) {
        guard !element.children.isEmpty else {
            self = .text(element.text)
            return
        }
        // Grouped first, then made values: appending to a list held in the dictionary would copy
        // it each time (a profile of 848 SOFTWARES elements had a quarter of the intake's CPU there).
        var order: [String] = []
        var groups: [String: [IntakeValue]] = [:]
        for child in element.children {
            let key = child.name.lowercased()
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(IntakeValue(child))
        }
        var fields: [String: IntakeValue] = [:]
        fields.reserveCapacity(order.count)
        for key in order {
            let values = groups[key]!
            fields[key] = values.count == 1 ? values[0] : .list(values)
        }
        self = .record(fields)
    }

    /// A JSON value; `null` members are left out, numbers and booleans become their text.
    public init?(_ json: JSONValue) {
        switch json {
        case .null: return nil
        case .bool(let flag): self = .text(flag ? "1" : "0")
        case .number(let text): self = .text(text)
        case .string(let text): self = .text(text)
        case .array(let values): self = .list(values.compactMap(IntakeValue.init))
        case .object(let members):
            var fields: [String: IntakeValue] = [:]
            for member in members { if let value = IntakeValue(member.value) { fields[member.key] = value } }
            self = .record(fields)
        }
    }
}
