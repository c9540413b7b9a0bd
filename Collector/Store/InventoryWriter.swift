#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideInventory
import DesksideJSON
import DesksideProtocol
import GRDB

/// Writes one asset's inventory into its tables, and reads it back. Sections are stored as JSON with
/// their hash and rewritten only when the hash changes; packages are normalized (a name and version
/// dictionary shared by all assets, and a per-asset join) and changed as a diff. Every change becomes
/// an event in the asset's history.
struct InventoryWriter {
    let db: Database
    let assetID: Int64
    let at: String

    /// Metadata kept with the sections, to rebuild an `Inventory`.
    struct Meta: Codable {
        var schemaVersion: Int
        var collectedAt: Date
        var agent: AgentInfo
        var packageManagers: [String]
    }

    /// Writes `inventory`; returns how many history events it recorded.
    func write(_ inventory: Inventory, hash: InventoryHash) throws -> Int {
        let stored = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT section, hash FROM inventorySection WHERE assetId = ?", arguments: [assetID])
            .map { ($0["section"] as String, $0["hash"] as String) })
        let isFirst = stored.isEmpty
        var events = 0
        func section<T: Codable>(_ name: String, _ value: T, _ newHash: String, compare: (T, T) -> [(String, String?, String?)]) throws {
            guard stored[name] != newHash else { return }
            if !isFirst, let oldBody = try Data.fetchOne(db, sql: "SELECT body FROM inventorySection WHERE assetId = ? AND section = ?", arguments: [assetID, name]),
               let old = try? JSONCoder.decode(T.self, from: Array(oldBody)) {
                for (item, before, after) in compare(old, value) { try event(name, item, before, after); events += 1 }
            }
            try db.execute(sql: "INSERT OR REPLACE INTO inventorySection (assetId, section, hash, body) VALUES (?, ?, ?, ?)",
                           arguments: [assetID, name, newHash, Data(try JSONCoder.encode(value))])
        }
        try section("hardware", inventory.hardware, hash.hardware, compare: HistoryDiff.hardware)
        try section("os", inventory.os, hash.os, compare: HistoryDiff.os)
        try section("updates", inventory.updates, hash.updates, compare: HistoryDiff.updates)
        try section("health", inventory.health, hash.health, compare: HistoryDiff.health)
        try section("notes", inventory.notes, hash.notes, compare: { _, _ in [] })
        let meta = Meta(schemaVersion: inventory.schemaVersion, collectedAt: inventory.collectedAt, agent: inventory.agent,
                        packageManagers: inventory.software.packageManagers)
        try db.execute(sql: "INSERT OR REPLACE INTO inventorySection (assetId, section, hash, body) VALUES (?, 'meta', '', ?)",
                       arguments: [assetID, Data(try JSONCoder.encode(meta))])
        if stored["software"] != hash.software {
            events += try writePackages(inventory.software.packages, recordEvents: !isFirst)
            try db.execute(sql: "INSERT OR REPLACE INTO inventorySection (assetId, section, hash, body) VALUES (?, 'software', ?, X'')",
                           arguments: [assetID, hash.software])
        }
        if isFirst {
            try event("asset", "created", nil, inventory.os.hostname)
            events += 1
        }
        return events
    }

    /// Applies the package diff: rows for unchanged packages are not touched.
    private func writePackages(_ packages: [Package], recordEvents: Bool) throws -> Int {
        let current = try Row.fetchAll(db, sql: """
            SELECT v.id AS versionId, n.manager, n.name, n.architecture, v.version FROM assetPackage a
            JOIN packageVersion v ON v.id = a.packageVersionId JOIN packageName n ON n.id = v.packageNameId
            WHERE a.assetId = ?
            """, arguments: [assetID])
        var stored: [String: Int64] = [:]
        for row in current { stored[Self.key(row["manager"], row["name"], row["architecture"], row["version"])] = row["versionId"] }
        let wanted = Dictionary(packages.map { (Self.key($0.manager, $0.name, $0.architecture, $0.version), $0) }, uniquingKeysWith: { first, _ in first })
        let removed = stored.filter { wanted[$0.key] == nil }
        let added = wanted.filter { stored[$0.key] == nil }
        let delete = try db.cachedStatement(sql: "DELETE FROM assetPackage WHERE assetId = ? AND packageVersionId = ?")
        for (_, versionID) in removed { try delete.execute(arguments: [assetID, versionID]) }
        let insert = try db.cachedStatement(sql: "INSERT INTO assetPackage (assetId, packageVersionId, installedAt) VALUES (?, ?, ?)")
        for (_, package) in added {
            try insert.execute(arguments: [assetID, try versionID(of: package), package.installedAt.map(Timestamp.text)])
        }
        guard recordEvents else { return 0 }
        // An upgrade is one event (old -> new version), not a removal and an addition.
        func identity(_ key: String) -> String { String(key.split(separator: "\u{0}", omittingEmptySubsequences: false).prefix(3).joined(separator: "\u{0}")) }
        func version(_ key: String) -> String { String(key.split(separator: "\u{0}", omittingEmptySubsequences: false).last ?? "") }
        func label(_ key: String) -> String {
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
            return "\(parts[1]):\(parts[2])"
        }
        let removedByIdentity = Dictionary(grouping: removed.keys, by: identity)
        let addedByIdentity = Dictionary(grouping: added.keys, by: identity)
        var events = 0
        for identityKey in Set(removedByIdentity.keys).union(addedByIdentity.keys).sorted() {
            let before = removedByIdentity[identityKey]?.map(version).sorted().joined(separator: ", ")
            let after = addedByIdentity[identityKey]?.map(version).sorted().joined(separator: ", ")
            try event("software", label(identityKey), before, after)
            events += 1
        }
        return events
    }

    private static func key(_ manager: String, _ name: String, _ architecture: String, _ version: String) -> String {
        manager + "\u{0}" + name + "\u{0}" + architecture + "\u{0}" + version
    }

    /// The id of a package version in the shared dictionary, inserted when new.
    private func versionID(of package: Package) throws -> Int64 {
        let insertName = try db.cachedStatement(sql: "INSERT INTO packageName (manager, name, architecture) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        try insertName.execute(arguments: [package.manager, package.name, package.architecture])
        let nameID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM packageName WHERE manager = ? AND name = ? AND architecture = ?"),
                                        arguments: [package.manager, package.name, package.architecture])!
        let insertVersion = try db.cachedStatement(sql: "INSERT INTO packageVersion (packageNameId, version, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        var stored = package
        stored.installedAt = nil
        try insertVersion.execute(arguments: [nameID, package.version, Data(try JSONCoder.encode(stored))])
        return try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM packageVersion WHERE packageNameId = ? AND version = ?"),
                                  arguments: [nameID, package.version])!
    }

    private func event(_ section: String, _ item: String, _ old: String?, _ new: String?) throws {
        try db.cachedStatement(sql: "INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [assetID, at, section, item, old, new])
    }

    /// Rebuilds the stored inventory; `nil` when the asset has none.
    func read() throws -> Inventory? {
        let rows = try Row.fetchAll(db, sql: "SELECT section, body FROM inventorySection WHERE assetId = ?", arguments: [assetID])
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
        let packages = try Row.fetchAll(db, sql: """
            SELECT v.body, a.installedAt FROM assetPackage a JOIN packageVersion v ON v.id = a.packageVersionId WHERE a.assetId = ?
            """, arguments: [assetID])
        inventory.software.packageManagers = meta.packageManagers
        inventory.software.packages = try packages.map { row in
            var package = try JSONCoder.decode(Package.self, from: Array(row["body"] as Data))
            package.installedAt = (row["installedAt"] as String?).flatMap(ISO8601.parse).map { Date(timeIntervalSince1970: $0) }
            return package
        }
        inventory.software.sortPackages()
        return inventory
    }
}
