#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideInventory
import Crypto
import DesksideProtocol
import GRDB

extension InventoryWriter {
    /// The delta does not lead to its target from the stored inventory (or the stored inventory is
    /// incomplete); the transaction is rolled back and a full report asked for.
    struct DeltaMismatch: Error, Equatable {}

    /// Applies `delta` to the stored inventory in place: the sections it carries are rewritten (with a
    /// history event per change), the removed packages' rows deleted and the added ones inserted, and
    /// the section hashes and the package-set sum updated from the stored ones. Only the stored hashes,
    /// the meta and software rows, and the bodies of sections that change are read, so the cost
    /// follows the size of the delta, not of the machine.
    /// - Returns: the new hashes and the number of history events.
    func apply(_ delta: InventoryDelta) throws -> (hash: InventoryHash, events: Int) {
        let rows = try Row.fetchAll(db, sql: """
            SELECT section, hash, CASE WHEN section IN ('meta', 'software') THEN body END AS body FROM inventorySection WHERE assetId = ?
            """, arguments: [assetID])
        var hashes: [String: String] = [:]
        var bodies: [String: Data] = [:]
        for row in rows {
            hashes[row["section"]] = row["hash"]
            bodies[row["section"]] = row["body"]
        }
        guard let hardware = hashes["hardware"], let os = hashes["os"], let software = hashes["software"], let updates = hashes["updates"],
              let health = hashes["health"], let notes = hashes["notes"], let metaBody = bodies["meta"],
              var sum = bodies["software"].flatMap({ PackageSetDigest(bytes: Array($0)) }) else { throw DeltaMismatch() }
        var hash = InventoryHash(hardware: hardware, os: os, software: software, updates: updates, health: health, notes: notes)
        var meta = try JSONCoder.decode(Meta.self, from: Array(metaBody))
        var events = 0

        func section<T: Codable>(_ name: String, _ value: T?, _ keyPath: WritableKeyPath<InventoryHash, String>,
                                 compare: ((T, T) -> [(String, String?, String?)])?) throws {
            guard let value else { return }
            let body = try JSONCoder.encode(value)
            let newHash = Hex.encode(SHA256.hash(data: body))
            guard newHash != hash[keyPath: keyPath] else { return }
            if let compare, let oldBody = try Data.fetchOne(db, sql: "SELECT body FROM inventorySection WHERE assetId = ? AND section = ?",
                                                             arguments: [assetID, name]),
               let old = try? JSONCoder.decode(T.self, from: Array(oldBody)) {
                for (item, before, after) in compare(old, value) {
                    try event(name, item, before, after)
                    events += 1
                }
            }
            try db.execute(sql: "UPDATE inventorySection SET hash = ?, body = ? WHERE assetId = ? AND section = ?",
                           arguments: [newHash, Data(body), assetID, name])
            hash[keyPath: keyPath] = newHash
        }
        try section("hardware", delta.hardware, \.hardware, compare: HistoryDiff.hardware)
        try section("os", delta.os, \.os, compare: HistoryDiff.os)
        try section("updates", delta.updates, \.updates, compare: HistoryDiff.updates)
        try section("health", delta.health, \.health, compare: HistoryDiff.health)
        try section("notes", delta.notes, \.notes, compare: nil)

        if delta.packageManagers != nil || !delta.packagesAdded.isEmpty || !delta.packagesRemoved.isEmpty {
            // The stored versions of every package the delta touches, for the history.
            let versionsOf = try db.cachedStatement(sql: """
                SELECT v.version FROM assetPackage a JOIN packageVersion v ON v.id = a.packageVersionId
                JOIN packageName n ON n.id = v.packageNameId
                WHERE a.assetId = ? AND n.manager = ? AND n.name = ? AND n.architecture = ?
                """)
            var before: [PackageName: Set<String>] = [:]
            let touched = delta.packagesRemoved.map { PackageName(name: $0.name, architecture: $0.architecture, manager: $0.manager) }
                + delta.packagesAdded.map { PackageName(name: $0.name, architecture: $0.architecture, manager: $0.manager) }
            for package in Set(touched) {
                let versions = try String.fetchAll(versionsOf, arguments: [assetID, package.manager, package.name, package.architecture])
                if !versions.isEmpty { before[package] = Set(versions) }
            }
            var after = before
            let find = try db.cachedStatement(sql: """
                SELECT a.packageVersionId, a.installedAt, v.bodyHash FROM assetPackage a JOIN packageVersion v ON v.id = a.packageVersionId
                JOIN packageName n ON n.id = v.packageNameId
                WHERE a.assetId = ? AND n.manager = ? AND n.name = ? AND n.architecture = ? AND v.version = ?
                """)
            let delete = try db.cachedStatement(sql: "DELETE FROM assetPackage WHERE assetId = ? AND packageVersionId = ?")
            for removed in delta.packagesRemoved {
                let rows = try Row.fetchAll(find, arguments: [assetID, removed.manager, removed.name, removed.architecture, removed.version])
                guard !rows.isEmpty else { throw DeltaMismatch() }
                for row in rows {
                    sum.remove(PackageSetDigest.digest(detailsHash: row["bodyHash"], installedAt: row["installedAt"]))
                    try delete.execute(arguments: [assetID, row["packageVersionId"] as Int64])
                }
                let package = PackageName(name: removed.name, architecture: removed.architecture, manager: removed.manager)
                after[package]?.remove(removed.version)
                if after[package]?.isEmpty == true { after[package] = nil }
            }
            for package in delta.packagesAdded {
                let storedForm = StoredPackage(package)
                try insertPackage(package, storedForm)
                sum.add(storedForm.digest)
                after[PackageName(name: package.name, architecture: package.architecture, manager: package.manager), default: []].insert(package.version)
            }
            if let managers = delta.packageManagers { meta.packageManagers = managers }
            hash.software = sum.softwareHash(packageManagers: meta.packageManagers)
            events += try versionEvents(before: before, after: after)
            try db.execute(sql: "UPDATE inventorySection SET hash = ?, body = ? WHERE assetId = ? AND section = 'software'",
                           arguments: [hash.software, Data(sum.bytes), assetID])
        }
        guard hash.combined == delta.target else { throw DeltaMismatch() }
        meta.collectedAt = delta.collectedAt
        meta.agent = delta.agent
        try db.execute(sql: "UPDATE inventorySection SET body = ? WHERE assetId = ? AND section = 'meta'",
                       arguments: [Data(try JSONCoder.encode(meta)), assetID])
        return (hash, events)
    }
}
