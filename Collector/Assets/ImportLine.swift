import DesksideHelpdesk

/// One line of an imported register, read into the register's terms: the changes it makes, the
/// location path it names, the owner it names. Which asset the line is comes from `ImportMatch`.
public struct ImportLine: Sendable {
    public var changes: AssetChanges
    /// Site, building, room: one to three names.
    public var location: [String]?
    public var owner: String?
    /// What names a new asset when the file gives no name: its model, serial or tag.
    public var standInName: String?

    /// The line's non-empty cells by field; a status, date or number that cannot be read is an error.
    public init(_ values: [ImportField: String]) throws {
        var changes = AssetChanges()
        var custom: [String: String?] = [:]
        for (field, value) in values {
            switch field {
            case .tag: changes.tag = .set(value)
            case .name: changes.name = .set(value)
            case .serial: changes.serial = .set(value)
            case .vendor: changes.vendor = .set(value)
            case .model: changes.model = .set(value)
            case .category: changes.category = .set(value)
            case .status: changes.status = .set(try ImportStatus.parse(value))
            case .department: changes.department = .set(value)
            case .purchaseDate: changes.purchaseDate = .set(try ImportStatus.date(value, field: "the purchase date"))
            case .supplier: changes.supplier = .set(value)
            case .orderNumber: changes.orderNumber = .set(value)
            case .cost: changes.cost = .set(value)
            case .warrantyMonths: changes.warrantyMonths = .set(try ImportStatus.months(value))
            case .warrantyEnd: changes.warrantyEnd = .set(try ImportStatus.date(value, field: "the warranty's end"))
            case .notes: changes.notes = .set(value)
            case .tags: changes.tags = .set(value.split(whereSeparator: { $0 == "," || $0 == ";" }).map(String.init))
            case .custom(let name): custom[name] = value
            case .location: location = try Self.locationPath(value)
            case .owner: owner = value
            case .ignored: break
            }
        }
        changes.fields = custom
        standInName = values[.model] ?? values[.serial] ?? values[.tag]
        self.changes = changes
    }

    /// `Site > Building > Room` (GLPI) or `Site / Building / Room`, each name checked as a location's.
    static func locationPath(_ text: String) throws -> [String] {
        let parts = text.split(separator: ">").flatMap { $0.split(separator: "/") }.map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        guard (1...3).contains(parts.count) else { throw HelpdeskError.invalid("a location is site, site / building or site / building / room") }
        for (depth, part) in parts.enumerated() {
            try LocationKind.allCases[depth].check(name: part, parent: depth == 0 ? nil : LocationKind.allCases[depth - 1])
        }
        return parts
    }
}

/// Which asset an imported line is, by the register's identity rules: the asset with its tag; else
/// the one asset with its serial (and maker, when both say one), an agent's machine being a match;
/// else a new asset. Never by hostname.
public enum ImportMatch {
    public struct Candidate: Sendable {
        public var id: Int64
        public var vendor: String?
        public var agent: Bool

        public init(id: Int64, vendor: String?, agent: Bool) { (self.id, self.vendor, self.agent) = (id, vendor, agent) }
    }

    public enum Decision: Equatable, Sendable {
        case create
        case update(Int64, reason: String)
        /// An agent-reported asset: its serial, maker and model stay the agent's.
        case match(Int64, reason: String)
    }

    /// `tagged` is the asset holding the line's tag, `candidates` the assets with its serial.
    public static func decide(tag: String?, tagged: Int64?, serial: String?, vendor: String?, candidates: [Candidate]) throws -> Decision {
        if let tag, let tagged { return .update(tagged, reason: "the asset with the tag \(tag)") }
        guard let serial else { return .create }
        let maker = vendor.map { MachineIdentity(vendor: $0).vendor }
        let found = candidates.filter { maker == nil || $0.vendor == nil || MachineIdentity(vendor: $0.vendor).vendor == maker }
        guard found.count <= 1 else {
            throw HelpdeskError.invalid("the serial \(serial) is on assets \(found.map { String($0.id) }.joined(separator: ", ")): give the tag")
        }
        guard let match = found.first else { return .create }
        guard match.agent else { return .update(match.id, reason: "the asset with the serial \(serial)") }
        return .match(match.id, reason: maker == nil ? "the same serial as the agent's asset \(match.id)" : "the same serial and maker as the agent's asset \(match.id)")
    }
}
