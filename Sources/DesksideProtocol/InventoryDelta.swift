#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideInventory

/// What changed between two inventories of one machine. Sections that changed travel whole, except the
/// package list, which travels as a diff: packages added (new, at a new version, or with other details) and packages removed.
/// A delta names the inventory it applies to by its hash; applied to anything else it is refused.
public struct InventoryDelta: Codable, Sendable, Equatable {
    /// ``InventoryHash/combined`` of the inventory this delta applies to.
    public var base: String
    /// ``InventoryHash/combined`` of the inventory it produces, to check the result.
    public var target: String
    public var collectedAt: Date
    public var agent: AgentInfo
    public var hardware: Hardware?
    public var os: OperatingSystem?
    public var updates: Updates?
    public var health: Health?
    public var notes: [ProbeNote]?
    public var packageManagers: [String]?
    public var packagesAdded: [Package]
    public var packagesRemoved: [PackageIdentity]

    /// Identifies one installed package. RPM machines may hold several versions of one name and
    /// architecture (kernels), so the version is part of it.
    public struct PackageIdentity: Codable, Sendable, Hashable {
        public var manager: String
        public var name: String
        public var architecture: String
        public var version: String

        public init(manager: String, name: String, architecture: String, version: String) {
            self.manager = manager
            self.name = name
            self.architecture = architecture
            self.version = version
        }

        public init(_ package: Package) {
            manager = package.manager
            name = package.name
            architecture = package.architecture
            version = package.version
        }
    }

    /// Why a delta could not be applied.
    public enum ApplyError: Error, Equatable {
        /// The delta was made against another inventory: a full report is needed.
        case baseMismatch(expected: String, actual: String)
        /// The result does not hash to the delta's target: the delta is corrupt or incomplete.
        case targetMismatch
    }

    /// The delta from `base` to `new`.
    public init(from base: Inventory, to new: Inventory) {
        let before = InventoryHash(base)
        let after = InventoryHash(new)
        self.base = before.combined
        target = after.combined
        collectedAt = new.collectedAt
        agent = new.agent
        hardware = before.hardware == after.hardware ? nil : new.hardware
        os = before.os == after.os ? nil : new.os
        updates = before.updates == after.updates ? nil : new.updates
        health = before.health == after.health ? nil : new.health
        notes = before.notes == after.notes ? nil : new.notes
        packageManagers = base.software.packageManagers == new.software.packageManagers ? nil : new.software.packageManagers
        let old = Set(base.software.packages)
        let current = Set(new.software.packages)
        packagesAdded = new.software.packages.filter { !old.contains($0) }
        packagesRemoved = base.software.packages.filter { !current.contains($0) }.map(PackageIdentity.init)
    }

    /// True when nothing but the time of collection changed: a heartbeat carries the same information.
    public var isEmpty: Bool { base == target }

    /// Applies the delta to `base`, which must be the inventory it was made from.
    public func apply(to base: Inventory) throws(ApplyError) -> Inventory {
        try applying(to: base, baseHash: InventoryHash(base)).inventory
    }

    /// Applies the delta to `base`, whose section hashes the caller already has (the collector keeps
    /// them with the stored sections): only the sections the delta changes are hashed again.
    public func applying(to base: Inventory, baseHash: InventoryHash) throws(ApplyError) -> (inventory: Inventory, hash: InventoryHash) {
        let actual = baseHash.combined
        guard actual == self.base else { throw .baseMismatch(expected: self.base, actual: actual) }
        var result = base
        var hash = baseHash
        result.collectedAt = collectedAt
        result.agent = agent
        if let hardware {
            result.hardware = hardware
            hash.hardware = InventoryHash.digest(hardware)
        }
        if let os {
            result.os = os
            hash.os = InventoryHash.digest(os)
        }
        if let updates {
            result.updates = updates
            hash.updates = InventoryHash.digest(updates)
        }
        if let health {
            result.health = health
            hash.health = InventoryHash.digest(health)
        }
        if let notes {
            result.notes = notes
            hash.notes = InventoryHash.digest(notes)
        }
        if packageManagers != nil || !packagesRemoved.isEmpty || !packagesAdded.isEmpty {
            if let packageManagers { result.software.packageManagers = packageManagers }
            let removed = Set(packagesRemoved)
            result.software.packages = result.software.packages.filter { !removed.contains(PackageIdentity($0)) } + packagesAdded
            result.software.sortPackages()
            hash.software = PackageSetDigest(result.software.packages).softwareHash(packageManagers: result.software.packageManagers)
        }
        guard hash.combined == target else { throw .targetMismatch }
        return (result, hash)
    }
}
