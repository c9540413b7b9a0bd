#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One machine's inventory as the agent reports it: hardware, operating system, software, pending
/// updates and health, plus notes about anything a probe could not read.
///
/// Every section is always present; a field a probe could not determine is `nil` and the reason is in
/// ``notes``. The JSON schema is documented in docs/inventory.md.
public struct Inventory: Codable, Sendable, Equatable {
    /// Version of this schema; bumped on any incompatible change.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// When the probes ran.
    public var collectedAt: Date
    /// The agent that produced this inventory.
    public var agent: AgentInfo
    public var hardware: Hardware
    public var os: OperatingSystem
    public var software: Software
    public var updates: Updates
    public var health: Health
    /// What could not be read or parsed, by section. Empty on a healthy machine.
    public var notes: [ProbeNote]

    public init(
        schemaVersion: Int = Inventory.currentSchemaVersion,
        collectedAt: Date,
        agent: AgentInfo,
        hardware: Hardware = Hardware(),
        os: OperatingSystem = OperatingSystem(),
        software: Software = Software(),
        updates: Updates = Updates(),
        health: Health = Health(),
        notes: [ProbeNote] = []
    ) {
        self.schemaVersion = schemaVersion
        self.collectedAt = collectedAt
        self.agent = agent
        self.hardware = hardware
        self.os = os
        self.software = software
        self.updates = updates
        self.health = health
        self.notes = notes
    }
}

/// Identifies the agent build that produced an inventory.
public struct AgentInfo: Codable, Sendable, Equatable {
    public var name: String
    public var version: String

    public init(name: String = "deskside-agent", version: String) {
        self.name = name
        self.version = version
    }
}

/// The top-level sections of an inventory; used to say where a note belongs.
public enum InventorySection: String, Codable, Sendable, CaseIterable {
    case hardware, os, software, updates, health
}

/// Something a probe could not read or understand. The rest of the inventory is still reported.
public struct ProbeNote: Codable, Sendable, Equatable {
    /// Kinds of trouble, stable for machines to match on.
    public enum Kind: String, Codable, Sendable {
        /// The source does not exist on this system (often normal: no battery, no DMI in a VM).
        case missing
        /// The source exists but could not be read (permissions, I/O error).
        case unreadable
        /// The source was read but its content is not in the expected format.
        case malformed
        /// The source is larger than the agent will read; it was skipped.
        case tooLarge
        /// An optional tool is not installed, so the value is unknown.
        case unavailable
    }

    public var section: InventorySection
    /// The probe that wrote the note, e.g. `dpkg`, `dmi`, `smart`.
    public var probe: String
    public var kind: Kind
    /// The file or tool concerned, relative to the probed root.
    public var source: String
    /// A sentence a person can act on.
    public var message: String

    public init(section: InventorySection, probe: String, kind: Kind, source: String, message: String) {
        self.section = section
        self.probe = probe
        self.kind = kind
        self.source = source
        self.message = message
    }
}
