#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideJSON
import DesksideInventory

/// Reads a report straight from its JSON: packages (thousands per full report) are read field by
/// field with ``JSONReader``; the other, small parts go through `Codable` as usual. The result is the
/// report `JSONCoder.decode(Report.self, ...)` gives, with the same errors for the same input
/// (DesksideProtocolTests compares the two); it is about ten times faster on a full report.
enum ReportReader {
    static func report(_ bytes: [UInt8], limits: JSONParser.Limits) throws(JSONError) -> Report {
        try JSONReader.read(bytes, limits: limits) { reader throws(JSONError) in try report(&reader) }
    }

    static func report(_ reader: inout JSONReader) throws(JSONError) -> Report {
        var id: String?, sequence: UInt64?, kind: Report.Kind?, base: String?, hash: String?, collectedAt: Date?
        var inventory: Inventory?, delta: InventoryDelta?, faults: [Fault]?, gap: SpoolGap?
        try reader.members { reader, key throws(JSONError) in
            switch key {
            case "id": id = try reader.string()
            case "sequence": sequence = try reader.unsigned()
            case "kind": kind = try reader.decode(Report.Kind.self)
            case "base": base = try reader.optionalString()
            case "hash": hash = try reader.string()
            case "collectedAt": collectedAt = try reader.date()
            case "inventory": inventory = try reader.null() ? nil : self.inventory(&reader)
            case "delta": delta = try reader.null() ? nil : self.delta(&reader)
            case "faults": faults = try reader.decode([Fault].self)
            case "gap": gap = try reader.decode(SpoolGap?.self)
            default: _ = try reader.value()
            }
        }
        guard let id else { throw reader.missing("id", in: "the report") }
        guard let sequence else { throw reader.missing("sequence", in: "the report") }
        guard let kind else { throw reader.missing("kind", in: "the report") }
        guard let hash else { throw reader.missing("hash", in: "the report") }
        guard let collectedAt else { throw reader.missing("collectedAt", in: "the report") }
        guard let faults else { throw reader.missing("faults", in: "the report") }
        return Report(id: id, sequence: sequence, kind: kind, base: base, hash: hash, collectedAt: collectedAt,
                      inventory: inventory, delta: delta, faults: faults, gap: gap)
    }

    static func inventory(_ reader: inout JSONReader) throws(JSONError) -> Inventory {
        var schemaVersion: Int?, collectedAt: Date?, agent: AgentInfo?, hardware: Hardware?, os: OperatingSystem?
        var software: Software?, updates: Updates?, health: Health?, notes: [ProbeNote]?
        try reader.members { reader, key throws(JSONError) in
            switch key {
            case "schemaVersion": schemaVersion = try reader.decode(Int.self)
            case "collectedAt": collectedAt = try reader.date()
            case "agent": agent = try reader.decode(AgentInfo.self)
            case "hardware": hardware = try reader.decode(Hardware.self)
            case "os": os = try reader.decode(OperatingSystem.self)
            case "software": software = try self.software(&reader)
            case "updates": updates = try reader.decode(Updates.self)
            case "health": health = try reader.decode(Health.self)
            case "notes": notes = try reader.decode([ProbeNote].self)
            default: _ = try reader.value()
            }
        }
        let object = "inventory"
        guard let schemaVersion else { throw reader.missing("schemaVersion", in: object) }
        guard let collectedAt else { throw reader.missing("collectedAt", in: object) }
        guard let agent else { throw reader.missing("agent", in: object) }
        guard let hardware else { throw reader.missing("hardware", in: object) }
        guard let os else { throw reader.missing("os", in: object) }
        guard let software else { throw reader.missing("software", in: object) }
        guard let updates else { throw reader.missing("updates", in: object) }
        guard let health else { throw reader.missing("health", in: object) }
        guard let notes else { throw reader.missing("notes", in: object) }
        return Inventory(schemaVersion: schemaVersion, collectedAt: collectedAt, agent: agent, hardware: hardware, os: os,
                         software: software, updates: updates, health: health, notes: notes)
    }

    static func software(_ reader: inout JSONReader) throws(JSONError) -> Software {
        var managers: [String]?, packages: [Package]?
        try reader.members { reader, key throws(JSONError) in
            switch key {
            case "packageManagers": managers = try reader.decode([String].self)
            case "packages": packages = try self.packages(&reader)
            default: _ = try reader.value()
            }
        }
        guard let managers else { throw reader.missing("packageManagers", in: "software") }
        guard let packages else { throw reader.missing("packages", in: "software") }
        return Software(packageManagers: managers, packages: packages)
    }

    static func delta(_ reader: inout JSONReader) throws(JSONError) -> InventoryDelta {
        var base: String?, target: String?, collectedAt: Date?, agent: AgentInfo?
        var hardware: Hardware?, os: OperatingSystem?, updates: Updates?, health: Health?, notes: [ProbeNote]?, managers: [String]?
        var added: [Package]?, removed: [InventoryDelta.PackageIdentity]?
        try reader.members { reader, key throws(JSONError) in
            switch key {
            case "base": base = try reader.string()
            case "target": target = try reader.string()
            case "collectedAt": collectedAt = try reader.date()
            case "agent": agent = try reader.decode(AgentInfo.self)
            case "hardware": hardware = try reader.decode(Hardware?.self)
            case "os": os = try reader.decode(OperatingSystem?.self)
            case "updates": updates = try reader.decode(Updates?.self)
            case "health": health = try reader.decode(Health?.self)
            case "notes": notes = try reader.decode([ProbeNote]?.self)
            case "packageManagers": managers = try reader.decode([String]?.self)
            case "packagesAdded": added = try packages(&reader)
            case "packagesRemoved": removed = try reader.decode([InventoryDelta.PackageIdentity].self)
            default: _ = try reader.value()
            }
        }
        let object = "delta"
        guard let base else { throw reader.missing("base", in: object) }
        guard let target else { throw reader.missing("target", in: object) }
        guard let collectedAt else { throw reader.missing("collectedAt", in: object) }
        guard let agent else { throw reader.missing("agent", in: object) }
        guard let added else { throw reader.missing("packagesAdded", in: object) }
        guard let removed else { throw reader.missing("packagesRemoved", in: object) }
        return InventoryDelta(base: base, target: target, collectedAt: collectedAt, agent: agent, hardware: hardware, os: os, updates: updates,
                              health: health, notes: notes, packageManagers: managers, packagesAdded: added, packagesRemoved: removed)
    }

    static func packages(_ reader: inout JSONReader) throws(JSONError) -> [Package] {
        var packages: [Package] = []
        try reader.elements { reader throws(JSONError) in packages.append(try package(&reader)) }
        return packages
    }

    static func package(_ reader: inout JSONReader) throws(JSONError) -> Package {
        var name: String?, version: String?, architecture: String?, manager: String?
        var source: String?, installedAt: Date?, sizeBytes: UInt64?, section: String?, vendor: String?, summary: String?
        try reader.members { reader, key throws(JSONError) in
            switch key {
            case "name": name = try reader.string()
            case "version": version = try reader.string()
            case "architecture": architecture = try reader.string()
            case "manager": manager = try reader.string()
            case "source": source = try reader.optionalString()
            case "installedAt": installedAt = try reader.optionalDate()
            case "sizeBytes": sizeBytes = try reader.optionalUnsigned()
            case "section": section = try reader.optionalString()
            case "vendor": vendor = try reader.optionalString()
            case "summary": summary = try reader.optionalString()
            default: _ = try reader.value()
            }
        }
        let object = "package"
        guard let name else { throw reader.missing("name", in: object) }
        guard let version else { throw reader.missing("version", in: object) }
        guard let architecture else { throw reader.missing("architecture", in: object) }
        guard let manager else { throw reader.missing("manager", in: object) }
        return Package(name: name, version: version, architecture: architecture, source: source, manager: manager, installedAt: installedAt,
                       sizeBytes: sizeBytes, section: section, vendor: vendor, summary: summary)
    }
}

extension InventoryDelta {
    init(base: String, target: String, collectedAt: Date, agent: AgentInfo, hardware: Hardware?, os: OperatingSystem?, updates: Updates?,
         health: Health?, notes: [ProbeNote]?, packageManagers: [String]?, packagesAdded: [Package], packagesRemoved: [PackageIdentity]) {
        self.base = base
        self.target = target
        self.collectedAt = collectedAt
        self.agent = agent
        self.hardware = hardware
        self.os = os
        self.updates = updates
        self.health = health
        self.notes = notes
        self.packageManagers = packageManagers
        self.packagesAdded = packagesAdded
        self.packagesRemoved = packagesRemoved
    }
}
