#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideAssets
import DesksideInventory
import DesksideJSON
import DesksideProtocol
import Crypto
import GRDB

/// Writes one asset's inventory into its tables, and reads it back. Sections are stored as JSON with
/// their hash and rewritten only when the hash changes; packages are normalized (a name and version
/// dictionary shared by all assets, and a per-asset join) and changed as a diff. Every change becomes
/// an event in the asset's history.
final class InventoryWriter {
    let db: Database
    let assetID: Int64
    let at: String
    let versions: PackageVersionCache
    /// Package version ids looked up or inserted by this write, for the cache once it commits.
    private(set) var discovered: [PackageVersionCache.Key: Int64] = [:]
    /// A hardware change only the collector can see (see `HardwareChange`), found while writing.
    private(set) var hardwareChange: Fault?

    init(db: Database, assetID: Int64, at: String, versions: PackageVersionCache) {
        self.db = db
        self.assetID = assetID
        self.at = at
        self.versions = versions
    }

    /// Metadata kept with the sections, to rebuild an `Inventory`.
    struct Meta: Codable {
        var schemaVersion: Int
        var collectedAt: Date
        var agent: AgentInfo
        var packageManagers: [String]
    }

    func noteHardware<T>(_ old: T, _ new: T) {
        if let old = old as? Hardware, let new = new as? Hardware { hardwareChange = HardwareChange.fault(old: old, new: new) }
    }

    /// Writes `inventory`; returns how many history events it recorded.
    func write(_ inventory: Inventory, packages: [(Package, StoredPackage)], sum: PackageSetDigest, hash: InventoryHash) throws -> Int {
        let stored = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db.cachedStatement(sql: "SELECT section, hash FROM inventorySection WHERE assetId = ?"), arguments: [assetID])
            .map { ($0["section"] as String, $0["hash"] as String) })
        let isFirst = stored.isEmpty
        var events = 0
        func section<T: Codable>(_ name: String, _ value: T, _ newHash: String, compare: (T, T) -> [(String, String?, String?)]) throws {
            guard stored[name] != newHash else { return }
            if !isFirst, let oldBody = try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM inventorySection WHERE assetId = ? AND section = ?"), arguments: [assetID, name]),
               let old = try? JSONCoder.decode(T.self, from: Array(oldBody)) {
                for (item, before, after) in compare(old, value) { try event(name, item, before, after); events += 1 }
                noteHardware(old, value)
            }
            try db.run("INSERT OR REPLACE INTO inventorySection (assetId, section, hash, body) VALUES (?, ?, ?, ?)",
                           arguments: [assetID, name, newHash, Data(try JSONCoder.encode(value))])
        }
        try section("hardware", inventory.hardware, hash.hardware, compare: HistoryDiff.hardware)
        try section("os", inventory.os, hash.os, compare: HistoryDiff.os)
        try section("updates", inventory.updates, hash.updates, compare: HistoryDiff.updates)
        try section("health", inventory.health, hash.health, compare: HistoryDiff.health)
        try section("notes", inventory.notes, hash.notes, compare: { _, _ in [] })
        let meta = Meta(schemaVersion: inventory.schemaVersion, collectedAt: inventory.collectedAt, agent: inventory.agent,
                        packageManagers: inventory.software.packageManagers)
        try db.run("INSERT OR REPLACE INTO inventorySection (assetId, section, hash, body) VALUES (?, 'meta', '', ?)",
                       arguments: [assetID, Data(try JSONCoder.encode(meta))])
        if stored["software"] != hash.software {
            events += try writePackages(packages, recordEvents: !isFirst)
            try db.run("INSERT OR REPLACE INTO inventorySection (assetId, section, hash, body) VALUES (?, 'software', ?, ?)",
                           arguments: [assetID, hash.software, Data(sum.bytes)])
        }
        if isFirst {
            try event("asset", "created", nil, inventory.os.hostname)
            events += 1
        }
        return events
    }

    /// A package as stored: its details (shared by every asset reporting exactly the same details, keyed
    /// by their hash) and this asset's install time.
    struct StoredPackage {
        var body: [UInt8]
        var bodyHash: String
        /// The install time to the second, as the digest uses it.
        var installedAt: Int64?
        /// The package's part of the software hash (`PackageSetDigest`).
        var digest: [UInt8]

        init(_ package: Package) {
            let text: String?
            (body, bodyHash, text) = PackageSetDigest.details(of: package)
            installedAt = package.installedAt.map { ISO8601.wholeSeconds($0.timeIntervalSince1970) }
            digest = PackageSetDigest.digest(detailsHash: bodyHash, installedAt: text)
        }

        /// A stored install time as the digest writes it.
        static func installedAtText(_ seconds: Int64?) -> String? {
            seconds.map { ISO8601.format(secondsSince1970: Double($0)) }
        }
    }

    /// Applies the package diff: rows of packages whose version, details and install time are unchanged
    /// are not touched. Versions whose details differ between assets are distinct dictionary rows, so
    /// one agent's report never changes another asset's packages.
    private func writePackages(_ packages: [(Package, StoredPackage)], recordEvents: Bool) throws -> Int {
        let current = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT v.id AS versionId, n.manager, n.name, n.architecture, v.version, v.bodyHash, a.installedAt FROM assetPackage a
            JOIN packageVersion v ON v.id = a.packageVersionId JOIN packageName n ON n.id = v.packageNameId
            WHERE a.assetId = ?
            """), arguments: [assetID])
        struct Key: Hashable {
            var manager, name, architecture, version, bodyHash: String
            var installedAt: Int64?
        }
        var stored: [Key: Int64] = [:]
        for row in current {
            stored[Key(manager: row["manager"], name: row["name"], architecture: row["architecture"], version: row["version"],
                       bodyHash: row["bodyHash"], installedAt: row["installedAt"])] = row["versionId"]
        }
        var wanted: [Key: (Package, StoredPackage)] = [:]
        for (package, storedForm) in packages {
            wanted[Key(manager: package.manager, name: package.name, architecture: package.architecture, version: package.version,
                       bodyHash: storedForm.bodyHash, installedAt: storedForm.installedAt)] = (package, storedForm)
        }
        let removed = stored.filter { wanted[$0.key] == nil }
        let added = wanted.filter { stored[$0.key] == nil }
        let delete = try db.cachedStatement(sql: "DELETE FROM assetPackage WHERE assetId = ? AND packageVersionId = ?")
        for (_, versionID) in removed { try delete.execute(arguments: [assetID, versionID]) }
        for (_, (package, storedForm)) in added { try insertPackage(package, storedForm) }
        guard recordEvents else { return 0 }
        func versions(_ keys: some Sequence<Key>) -> [PackageName: Set<String>] {
            var result: [PackageName: Set<String>] = [:]
            for key in keys { result[PackageName(name: key.name, architecture: key.architecture, manager: key.manager), default: []].insert(key.version) }
            return result
        }
        return try versionEvents(before: versions(stored.keys), after: versions(wanted.keys))
    }

    /// A package regardless of its version.
    struct PackageName: Hashable, Comparable {
        var name, architecture, manager: String
        static func < (a: PackageName, b: PackageName) -> Bool { (a.name, a.architecture, a.manager) < (b.name, b.architecture, b.manager) }
    }

    /// History speaks of versions: an upgrade is one event (old -> new), a changed description none.
    func versionEvents(before: [PackageName: Set<String>], after: [PackageName: Set<String>]) throws -> Int {
        var events = 0
        for package in Set(before.keys).union(after.keys).sorted() where before[package] != after[package] {
            let old = before[package].map { $0.sorted().joined(separator: ", ") }
            let new = after[package].map { $0.sorted().joined(separator: ", ") }
            try event("software", "\(package.name):\(package.architecture)", old, new)
            events += 1
        }
        return events
    }

    func insertPackage(_ package: Package, _ storedForm: StoredPackage) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO assetPackage (assetId, packageVersionId, installedAt) VALUES (?, ?, ?)")
            .execute(arguments: [assetID, try versionID(of: package, storedForm), storedForm.installedAt])
    }

    /// The id of a package version with these details in the shared dictionary, inserted when new.
    private func versionID(of package: Package, _ storedForm: StoredPackage) throws -> Int64 {
        let key = PackageVersionCache.Key(manager: package.manager, name: package.name, architecture: package.architecture,
                                          version: package.version, bodyHash: storedForm.bodyHash)
        if let id = versions.id(key) ?? discovered[key] { return id }
        let insertName = try db.cachedStatement(sql: "INSERT INTO packageName (manager, name, architecture) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        try insertName.execute(arguments: [package.manager, package.name, package.architecture])
        let nameID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM packageName WHERE manager = ? AND name = ? AND architecture = ?"),
                                        arguments: [package.manager, package.name, package.architecture])!
        let insertVersion = try db.cachedStatement(sql: "INSERT INTO packageVersion (packageNameId, version, bodyHash, body) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
        try insertVersion.execute(arguments: [nameID, package.version, storedForm.bodyHash, Data(storedForm.body)])
        let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM packageVersion WHERE packageNameId = ? AND version = ? AND bodyHash = ?"),
                                    arguments: [nameID, package.version, storedForm.bodyHash])!
        discovered[key] = id
        return id
    }

    func event(_ section: String, _ item: String, _ old: String?, _ new: String?) throws {
        try db.cachedStatement(sql: "INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [assetID, at, section, item, old, new])
    }

    /// Moves the stored inventory's time of collection (a heartbeat report).
    func updateCollectedAt(_ date: Date) throws {
        guard let body = try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM inventorySection WHERE assetId = ? AND section = 'meta'"), arguments: [assetID]) else { return }
        var meta = try JSONCoder.decode(Meta.self, from: Array(body))
        meta.collectedAt = date
        try db.run("UPDATE inventorySection SET body = ? WHERE assetId = ? AND section = 'meta'", arguments: [Data(try JSONCoder.encode(meta)), assetID])
    }

    /// Rebuilds the stored inventory; `nil` when the asset has none. Without `packages`, its software
    /// names the package managers only (a page that shows the packages a page at a time).
    func read(packages withPackages: Bool = true) throws -> Inventory? {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT section, body FROM inventorySection WHERE assetId = ?"), arguments: [assetID])
        var bodies: [String: [UInt8]] = [:]
        for row in rows { bodies[row["section"]] = Array(row["body"] as Data) }
        guard let metaBody = bodies["meta"] else { return nil }
        let meta = try JSONCoder.decode(Meta.self, from: metaBody)
        var inventory = Inventory(collectedAt: meta.collectedAt, agent: meta.agent)
        inventory.schemaVersion = meta.schemaVersion
        if let body = bodies["hardware"] { inventory.hardware = try JSONCoder.decode(Hardware.self, from: body) }
        if let body = bodies["os"] { inventory.os = try JSONCoder.decode(OperatingSystem.self, from: body) }
        if let body = bodies["updates"] { inventory.updates = try JSONCoder.decode(Updates.self, from: body) }
        if let body = bodies["health"] { inventory.health = try JSONCoder.decode(Health.self, from: body) }
        if let body = bodies["notes"] { inventory.notes = try JSONCoder.decode([ProbeNote].self, from: body) }
        inventory.software.packageManagers = meta.packageManagers
        guard withPackages else { return inventory }
        // In the canonical order already (SQLite's binary order is Swift's for NFC text), so that the
        // sort below is one pass.
        let packages = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT v.body, a.installedAt FROM assetPackage a JOIN packageVersion v ON v.id = a.packageVersionId
            JOIN packageName n ON n.id = v.packageNameId WHERE a.assetId = ? ORDER BY n.name, n.architecture, v.version, n.manager
            """), arguments: [assetID])
        inventory.software.packages = try packages.map { row in
            var package = try JSONCoder.decode(Package.self, from: Array(row["body"] as Data))
            package.installedAt = (row["installedAt"] as Int64?).map { Date(timeIntervalSince1970: Double($0)) }
            return package
        }
        inventory.software.sortPackages()
        return inventory
    }
}
