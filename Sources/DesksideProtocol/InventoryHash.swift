import DesksideJSON
import Crypto
public import DesksideInventory

/// Content hashes of an inventory: one per section, and one for the whole made from them. The time of
/// collection and the agent's identity are left out, so that the same machine state hashes the same.
/// Hashes are hex SHA-256 over the section's canonical JSON (DesksideJSON: sorted keys), except the
/// software section's, which comes from the package-set digest (`PackageSetDigest`).
public struct InventoryHash: Sendable, Equatable, Codable {
    public var hardware: String
    public var os: String
    public var software: String
    public var updates: String
    public var health: String
    public var notes: String

    public init(_ inventory: Inventory) {
        self.init(inventory, software: PackageSetDigest(inventory.software.packages).softwareHash(packageManagers: inventory.software.packageManagers))
    }

    /// The hashes of `inventory`, with the software section's given (computed from package digests
    /// the caller already has).
    public init(_ inventory: Inventory, software: String) {
        self.software = software
        hardware = Self.digest(inventory.hardware)
        os = Self.digest(inventory.os)
        updates = Self.digest(inventory.updates)
        health = Self.digest(inventory.health)
        notes = Self.digest(inventory.notes)
    }

    /// Section hashes as stored.
    public init(hardware: String, os: String, software: String, updates: String, health: String, notes: String) {
        self.hardware = hardware
        self.os = os
        self.software = software
        self.updates = updates
        self.health = health
        self.notes = notes
    }

    /// The hash of the whole inventory: SHA-256 over the section hashes in a fixed order.
    public var combined: String {
        Hex.encode(SHA256.hash(data: Array([hardware, os, software, updates, health, notes].joined(separator: "\n").utf8)))
    }

    /// Hex SHA-256 of a section's canonical JSON.
    public static func digest<T: Encodable>(_ value: T) -> String { encoded(value).hash }

    /// A section's canonical JSON and its hash, for a caller that stores the one and compares the other.
    public static func encoded<T: Encodable>(_ value: T) -> (body: [UInt8], hash: String) {
        // Encoding model values cannot fail: they hold no non-finite numbers.
        let body = (try? JSONCoder.encode(value)) ?? []
        return (body, Hex.encode(SHA256.hash(data: body)))
    }
}
