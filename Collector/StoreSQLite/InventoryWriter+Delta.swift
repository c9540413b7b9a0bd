#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideJSON
import DesksideAssets
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
    /// - Returns: the number of history events (the result's hash is `delta.target`, checked here).
    func apply(_ delta: InventoryDelta) throws -> Int {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT section, hash, CASE WHEN section IN ('meta', 'software') THEN body END AS body FROM inventorySection WHERE assetId = ?
            """), arguments: [assetID])
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
            let (body, newHash) = InventoryHash.encoded(value)
            guard newHash != hash[keyPath: keyPath] else { return }
            if let compare, let oldBody = try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM inventorySection WHERE assetId = ? AND section = ?"),
                                                             arguments: [assetID, name]),
               let old = try? JSONCoder.decode(T.self, from: Array(oldBody)) {
                for (item, before, after) in compare(old, value) {
                    try event(name, item, before, after)
                    events += 1
                }
                noteHardware(old, value)
            }
            try db.run("UPDATE inventorySection SET hash = ?, body = ? WHERE assetId = ? AND section = ?",
                           arguments: [newHash, Data(body), assetID, name])
            hash[keyPath: keyPath] = newHash
        }
        try section("hardware", delta.hardware, \.hardware, compare: HistoryDiff.hardware)
        try section("os", delta.os, \.os, compare: HistoryDiff.os)
        try section("updates", delta.updates, \.updates, compare: HistoryDiff.updates)
        try section("health", delta.health, \.health, compare: HistoryDiff.health)
        try section("notes", delta.notes, \.notes, compare: nil)

        if delta.packageManagers != nil || !delta.packagesAdded.isEmpty || !delta.packagesRemoved.isEmpty {
            // Every stored version of every package name the delta touches, in one statement: the
            // names as a JSON array, then (CROSS JOIN fixes the order) each name's few versions and one
            // primary-key seek each into this asset's packages, never a walk through its two thousand.
            let touched = Set(delta.packagesRemoved.map { PackageName(name: $0.name, architecture: $0.architecture, manager: $0.manager) }
                + delta.packagesAdded.map { PackageName(name: $0.name, architecture: $0.architecture, manager: $0.manager) })
            let names = String(decoding: try JSONCoder.encode(touched.map { [$0.manager, $0.name, $0.architecture] }), as: UTF8.self)
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT n.manager, n.name, n.architecture, v.version, a.packageVersionId, a.installedAt, v.bodyHash
                FROM json_each(?) t
                CROSS JOIN packageName n ON n.manager = json_extract(t.value, '$[0]') AND n.name = json_extract(t.value, '$[1]')
                    AND n.architecture = json_extract(t.value, '$[2]')
                CROSS JOIN packageVersion v ON v.packageNameId = n.id
                CROSS JOIN assetPackage a ON a.assetId = ? AND a.packageVersionId = v.id
                """), arguments: [names, assetID])
            var before: [PackageName: Set<String>] = [:]
            var storedRows: [InventoryDelta.PackageIdentity: [Row]] = [:]
            for row in rows {
                let name = PackageName(name: row["name"], architecture: row["architecture"], manager: row["manager"])
                before[name, default: []].insert(row["version"])
                storedRows[InventoryDelta.PackageIdentity(manager: name.manager, name: name.name, architecture: name.architecture,
                                                          version: row["version"]), default: []].append(row)
            }
            var after = before
            var deleted: [Int64] = []
            for removed in delta.packagesRemoved {
                guard let rows = storedRows.removeValue(forKey: removed), !rows.isEmpty else { throw DeltaMismatch() }
                for row in rows {
                    sum.remove(PackageSetDigest.digest(detailsHash: row["bodyHash"], installedAt: StoredPackage.installedAtText(row["installedAt"])))
                    deleted.append(row["packageVersionId"])
                }
                let package = PackageName(name: removed.name, architecture: removed.architecture, manager: removed.manager)
                after[package]?.remove(removed.version)
                if after[package]?.isEmpty == true { after[package] = nil }
            }
            if !deleted.isEmpty {
                try db.cachedStatement(sql: "DELETE FROM assetPackage WHERE assetId = ? AND packageVersionId IN (SELECT value FROM json_each(?))")
                    .execute(arguments: [assetID, String(decoding: try JSONCoder.encode(deleted), as: UTF8.self)])
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
            try db.run("UPDATE inventorySection SET hash = ?, body = ? WHERE assetId = ? AND section = 'software'",
                           arguments: [hash.software, Data(sum.bytes), assetID])
        }
        guard hash.combined == delta.target else { throw DeltaMismatch() }
        meta.collectedAt = delta.collectedAt
        meta.agent = delta.agent
        try db.run("UPDATE inventorySection SET body = ? WHERE assetId = ? AND section = 'meta'",
                       arguments: [Data(try JSONCoder.encode(meta)), assetID])
        return events
    }
}
