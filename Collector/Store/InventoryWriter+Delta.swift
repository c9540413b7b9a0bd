#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideInventory
import DesksideProtocol
import GRDB

extension InventoryWriter {
    /// Why a delta could not be applied in place.
    enum DeltaFailure: Error {
        /// Something the in-place path needs is not stored (an inventory written before the package-set
        /// sum was kept); the caller applies the delta on the rebuilt inventory instead.
        case notInPlace
        /// The result does not hash to the delta's target.
        case targetMismatch
    }

    /// Applies `delta` to the stored inventory in place: the sections it carries are rewritten (with a
    /// history event per change), the removed packages' rows deleted and the added ones inserted, and
    /// the section hashes and the package-set sum updated from the stored ones. Nothing else is read
    /// or hashed, so the cost follows the size of the delta, not of the machine.
    /// - Returns: the new hashes and the number of history events.
    func apply(_ delta: InventoryDelta) throws -> (hash: InventoryHash, events: Int) {
        let rows = try Row.fetchAll(db, sql: "SELECT section, hash, body FROM inventorySection WHERE assetId = ?", arguments: [assetID])
        var hashes: [String: String] = [:]
        var bodies: [String: Data] = [:]
        for row in rows {
            hashes[row["section"]] = row["hash"]
            bodies[row["section"]] = row["body"]
        }
        guard let hardware = hashes["hardware"], let os = hashes["os"], let software = hashes["software"], let updates = hashes["updates"],
              let health = hashes["health"], let notes = hashes["notes"], let metaBody = bodies["meta"],
              var sum = bodies["software"].flatMap({ PackageSetDigest(bytes: Array($0)) }) else { throw DeltaFailure.notInPlace }
        var hash = InventoryHash(hardware: hardware, os: os, software: software, updates: updates, health: health, notes: notes)
        guard hash.combined == delta.base else { throw DeltaFailure.targetMismatch }
        var meta = try JSONCoder.decode(Meta.self, from: Array(metaBody))
        var events = 0

        func section<T: Codable>(_ name: String, _ value: T?, _ keyPath: WritableKeyPath<InventoryHash, String>,
                                 compare: (T, T) -> [(String, String?, String?)]) throws {
            guard let value else { return }
            let newHash = InventoryHash.digest(value)
            guard newHash != hash[keyPath: keyPath] else { return }
            if let oldBody = bodies[name], let old = try? JSONCoder.decode(T.self, from: Array(oldBody)) {
                for (item, before, after) in compare(old, value) {
                    try event(name, item, before, after)
                    events += 1
                }
            }
            try db.execute(sql: "UPDATE inventorySection SET hash = ?, body = ? WHERE assetId = ? AND section = ?",
                           arguments: [newHash, Data(try JSONCoder.encode(value)), assetID, name])
            hash[keyPath: keyPath] = newHash
        }
        try section("hardware", delta.hardware, \.hardware, compare: HistoryDiff.hardware)
        try section("os", delta.os, \.os, compare: HistoryDiff.os)
        try section("updates", delta.updates, \.updates, compare: HistoryDiff.updates)
        try section("health", delta.health, \.health, compare: HistoryDiff.health)
        try section("notes", delta.notes, \.notes, compare: { _, _ in [] })

        if delta.packageManagers != nil || !delta.packagesAdded.isEmpty || !delta.packagesRemoved.isEmpty {
            var before: [String: [String]] = [:]
            var after: [String: [String]] = [:]
            let find = try db.cachedStatement(sql: """
                SELECT a.packageVersionId, a.installedAt, v.bodyHash FROM assetPackage a JOIN packageVersion v ON v.id = a.packageVersionId
                JOIN packageName n ON n.id = v.packageNameId
                WHERE a.assetId = ? AND n.manager = ? AND n.name = ? AND n.architecture = ? AND v.version = ?
                """)
            let delete = try db.cachedStatement(sql: "DELETE FROM assetPackage WHERE assetId = ? AND packageVersionId = ?")
            for removed in delta.packagesRemoved {
                let rows = try Row.fetchAll(find, arguments: [assetID, removed.manager, removed.name, removed.architecture, removed.version])
                guard !rows.isEmpty else { throw DeltaFailure.targetMismatch }
                for row in rows {
                    sum.remove(PackageSetDigest.digest(detailsHash: row["bodyHash"], installedAt: row["installedAt"]))
                    try delete.execute(arguments: [assetID, row["packageVersionId"] as Int64])
                }
                before["\(removed.name):\(removed.architecture)", default: []].append(removed.version)
            }
            for package in delta.packagesAdded {
                let storedForm = try StoredPackage(package)
                try insertPackage(package, storedForm)
                sum.add(storedForm.digest)
                after["\(package.name):\(package.architecture)", default: []].append(package.version)
            }
            if let managers = delta.packageManagers { meta.packageManagers = managers }
            hash.software = sum.softwareHash(packageManagers: meta.packageManagers)
            // History speaks of versions: an upgrade is one event (old -> new).
            for item in Set(before.keys).union(after.keys).sorted() {
                let old = before[item].map { $0.sorted().joined(separator: ", ") }
                let new = after[item].map { $0.sorted().joined(separator: ", ") }
                guard old != new else { continue }
                try event("software", item, old, new)
                events += 1
            }
            try db.execute(sql: "UPDATE inventorySection SET hash = ?, body = ? WHERE assetId = ? AND section = 'software'",
                           arguments: [hash.software, Data(sum.bytes), assetID])
        }
        guard hash.combined == delta.target else { throw DeltaFailure.targetMismatch }
        meta.collectedAt = delta.collectedAt
        meta.agent = delta.agent
        try db.execute(sql: "UPDATE inventorySection SET body = ? WHERE assetId = ? AND section = 'meta'",
                       arguments: [Data(try JSONCoder.encode(meta)), assetID])
        return (hash, events)
    }
}
