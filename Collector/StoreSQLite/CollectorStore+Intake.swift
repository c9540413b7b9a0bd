#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideAssets
import DesksideHelpdesk
public import DesksideInventory
import DesksideJSON
import GRDB

/// Inventories from FusionInventory, GLPI Agent and OCS agents: the sources allowed to send them,
/// the devices heard from, and the inventories written on the assets `IntakeClaim` says they are.
extension CollectorStore {
    /// A source as listed (never its token or password).
    public struct IntakeSource: Codable, Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var basicUser: String?
        public var createdAt: String
        public var revokedAt: String?
        public var devices: Int
        public var lastSeenAt: String?
    }

    /// What checks a request against a source: its Basic credentials, hashed.
    public struct IntakeCredentials: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var basicUser: String?
        public var basicSalt: [UInt8]?
        public var basicHash: String?
    }

    /// One device a source heard from.
    public struct IntakeDevice: Codable, Sendable, Equatable {
        public var id: Int64
        public var source: String
        /// `xml` (OCS / FusionInventory) or `json` (GLPI Agent).
        public var `protocol`: String
        public var deviceId: String
        public var glpiAgentId: String?
        public var agentVersion: String?
        public var assetId: Int64?
        public var firstSeenAt: String
        public var lastSeenAt: String
        public var lastInventoryAt: String?
        /// How often it said it would come back (PROLOG_FREQ, or GLPI's expiration), in hours.
        public var scheduleHours: Int
        public var conflict: String?
        public var conflictAt: String?

        init(_ row: Row) {
            id = row["id"]
            source = row["source"]
            self.protocol = row["protocol"]
            deviceId = row["deviceId"]
            glpiAgentId = row["glpiAgentId"]
            agentVersion = row["agentVersion"]
            assetId = row["assetId"]
            firstSeenAt = row["firstSeenAt"]
            lastSeenAt = row["lastSeenAt"]
            lastInventoryAt = row["lastInventoryAt"]
            scheduleHours = row["scheduleHours"]
            conflict = row["conflict"]
            conflictAt = row["conflictAt"]
        }
    }

    /// Who is speaking and what it says about itself, for every request of a device.
    public struct IntakeCaller: Sendable, Equatable {
        public var sourceID: Int64
        public var json: Bool
        public var deviceID: String
        public var glpiAgentID: String?
        public var agentVersion: String?
        public var scheduleHours: Int

        public init(sourceID: Int64, json: Bool, deviceID: String, glpiAgentID: String?, agentVersion: String?, scheduleHours: Int) {
            self.sourceID = sourceID
            self.json = json
            self.deviceID = deviceID
            self.glpiAgentID = glpiAgentID
            self.agentVersion = agentVersion
            self.scheduleHours = scheduleHours
        }
    }

    public func createIntakeSource(name: String, tokenHash: String, basic: (user: String, salt: [UInt8], hash: String)?, now: Date) throws -> Int64 {
        try pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM intakeSource WHERE name = ?", arguments: [name]) == nil else {
                throw HelpdeskError.conflict("an intake source is named \(name) already")
            }
            try db.execute(sql: "INSERT INTO intakeSource (name, tokenHash, basicUser, basicSalt, basicHash, createdAt) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [name, tokenHash, basic?.user, basic.map { Data($0.salt) }, basic?.hash, Timestamp.text(now)])
            return db.lastInsertedRowID
        }
    }

    public func intakeSources() throws -> [IntakeSource] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.id, s.name, s.basicUser, s.createdAt, s.revokedAt, count(d.id) AS devices, max(d.lastSeenAt) AS lastSeenAt
                FROM intakeSource s LEFT JOIN intakeDevice d ON d.sourceId = s.id GROUP BY s.id ORDER BY s.id
                """).map {
                IntakeSource(id: $0["id"], name: $0["name"], basicUser: $0["basicUser"], createdAt: $0["createdAt"], revokedAt: $0["revokedAt"],
                             devices: $0["devices"], lastSeenAt: $0["lastSeenAt"])
            }
        }
    }

    /// Revokes a source: its token and password are refused from now on. Returns whether it existed and was active.
    public func revokeIntakeSource(id: Int64, now: Date) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE intakeSource SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL", arguments: [Timestamp.text(now), id])
            return db.changesCount == 1
        }
    }

    /// The active source whose token hashes to `tokenHash`.
    public func intakeCredentials(tokenHash: String) throws -> IntakeCredentials? {
        try pool.read { db in
            try Row.fetchOne(cached: db, sql: "SELECT id, name, basicUser, basicSalt, basicHash FROM intakeSource WHERE tokenHash = ? AND revokedAt IS NULL",
                             arguments: [tokenHash]).map {
                IntakeCredentials(id: $0["id"], name: $0["name"], basicUser: $0["basicUser"], basicSalt: ($0["basicSalt"] as Data?).map(Array.init),
                                  basicHash: $0["basicHash"])
            }
        }
    }

    /// Devices that reported for `assetID` (all devices, newest first, when nil), with their sources.
    public func intakeDevices(assetID: Int64? = nil, limit: Int = 1000) throws -> [IntakeDevice] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.*, s.name AS source FROM intakeDevice d JOIN intakeSource s ON s.id = d.sourceId
                WHERE ?1 IS NULL OR d.assetId = ?1 ORDER BY d.lastSeenAt DESC, d.id DESC LIMIT ?2
                """, arguments: [assetID, limit]).map(IntakeDevice.init)
        }
    }

    /// A device made contact (PROLOG or CONTACT): it is heard from, on its schedule.
    public func intakeContact(_ caller: IntakeCaller, at date: Date) throws {
        try pool.write { db in _ = try Self.upsertDevice(caller, db: db, now: Timestamp.text(date)) }
    }

    /// What became of an inventory.
    public enum IntakeOutcome: Sendable, Equatable {
        case stored(assetID: Int64, created: Bool, events: Int)
        /// Nothing written: the device claims an asset it may not have (see `IntakeClaim`).
        case refused(String)
    }

    /// Writes an inventory from `caller` in one transaction. `build` turns the asset's stored
    /// inventory (for a partial one to lay over; nil for a device without an asset) into the
    /// inventory to store and its faults. The asset is the one `IntakeClaim` decides; a refusal is
    /// kept on the device, and named once in the claimed asset's history.
    public func recordIntake(_ caller: IntakeCaller, partial: Bool, receivedAt: Date,
                             build: (Inventory?) throws -> (Inventory, [Fault])) throws -> IntakeOutcome {
        // Built outside the writer's lock: mapping, checks and hashing are most of an inventory's
        // cost, and inventories of other devices commit meanwhile. A partial inventory is built on
        // the stored one as read here; if that changed before the write, it is built again inside.
        let seen = partial ? try pool.read { db in try Self.partialBase(caller, db: db, versions: versions) } : nil
        var (inventory, faults) = try build(seen?.inventory)
        var prepared = PreparedInventory(inventory)
        var discovered: [PackageVersionCache.Key: Int64] = [:]
        let outcome = try pool.write { db -> IntakeOutcome in
            let now = Timestamp.text(receivedAt)
            let device = try Self.upsertDevice(caller, db: db, now: now)
            var held: IntakeClaim.Held?
            if let assetID = device.assetID {
                let row = try Row.fetchOne(db, sql: """
                    SELECT asset.identity, agent.uuid FROM asset LEFT JOIN agent ON agent.id = asset.agentId AND agent.revokedAt IS NULL WHERE asset.id = ?
                    """, arguments: [assetID])
                held = IntakeClaim.Held(assetID: assetID, identity: (row?["identity"] as String?).flatMap { try? JSONCoder.decode(MachineIdentity.self, from: Array($0.utf8)) },
                                        enrolledAgent: row?["uuid"])
            }
            if partial, let current = try Self.partialBase(caller, db: db, versions: versions), current.mark != seen?.mark {
                (inventory, faults) = try build(current.inventory)
                prepared = PreparedInventory(inventory)
            }
            let identity = MachineIdentity(inventory.hardware)
            let candidates = held == nil ? try Self.identityCandidates(identity, reportingAgent: -1, isConnected: { _ in false }, db: db) : []
            let assetID: Int64
            var created = false
            switch IntakeClaim.decide(held: held, report: identity, candidates: candidates) {
            case .write(let id):
                assetID = id
            case .attach(let id, let rule):
                assetID = id
                try db.execute(sql: "INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, 'intake', 'device', NULL, ?)",
                               arguments: [id, now, "\(caller.deviceID) reports for this asset: \(rule.reason)"])
            case .create:
                assetID = try createAsset(for: nil, db: db, now: now)
                created = true
            case .refuse(let reason, let claimed):
                if device.conflict != reason, let claimed {
                    try db.execute(sql: "INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, 'intake', 'claim refused', NULL, ?)",
                                   arguments: [claimed, now, "device \(caller.deviceID): \(reason)"])
                }
                try db.execute(sql: "UPDATE intakeDevice SET conflict = ?, conflictAt = ? WHERE id = ?", arguments: [reason, now, device.id])
                return .refused(reason)
            }
            try Self.storeIdentity(identity, assetID: assetID, db: db)
            let events: Int
            (events, discovered) = try writeInventory(prepared, faults: faults, assetID: assetID, db: db, at: receivedAt)
            try db.execute(sql: "UPDATE intakeDevice SET assetId = ?, lastInventoryAt = ?, conflict = NULL, conflictAt = NULL WHERE id = ?",
                           arguments: [assetID, now, device.id])
            return .stored(assetID: assetID, created: created, events: events)
        }
        versions.remember(discovered)
        return outcome
    }

    /// The stored inventory a partial one from `caller` is laid over (nil: none, or an enrolled
    /// agent's, which it will not be written on), with a mark that changes when the stored inventory does
    /// (its sections' hashes).
    private static func partialBase(_ caller: IntakeCaller, db: Database, versions: PackageVersionCache) throws -> (inventory: Inventory?, mark: String)? {
        guard let row = try Row.fetchOne(cached: db, sql: """
            SELECT asset.id, agent.id AS agent,
                   (SELECT group_concat(section || ':' || hash, ' ') FROM (SELECT section, hash FROM inventorySection WHERE assetId = asset.id ORDER BY section)) AS hashes
            FROM intakeDevice d JOIN asset ON asset.id = d.assetId
            LEFT JOIN agent ON agent.id = asset.agentId AND agent.revokedAt IS NULL WHERE d.sourceId = ? AND d.deviceId = ?
            """, arguments: [caller.sourceID, caller.deviceID]) else { return nil }
        let assetID: Int64 = row["id"]
        guard (row["agent"] as Int64?) == nil else { return (nil, "enrolled \(assetID)") }
        return (try InventoryWriter(db: db, assetID: assetID, at: "", versions: versions).read(packages: true), "\(assetID) \(row["hashes"] as String? ?? "")")
    }

    /// The device's row, made or brought up to date with what it says now.
    private static func upsertDevice(_ caller: IntakeCaller, db: Database, now: String) throws -> (id: Int64, assetID: Int64?, conflict: String?) {
        try db.run("""
            INSERT INTO intakeDevice (sourceId, protocol, deviceId, glpiAgentId, agentVersion, firstSeenAt, lastSeenAt, scheduleHours)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (sourceId, deviceId) DO UPDATE SET protocol = excluded.protocol, glpiAgentId = coalesce(excluded.glpiAgentId, glpiAgentId),
                agentVersion = coalesce(excluded.agentVersion, agentVersion), lastSeenAt = excluded.lastSeenAt, scheduleHours = excluded.scheduleHours
            """, arguments: [caller.sourceID, caller.json ? "json" : "xml", caller.deviceID, caller.glpiAgentID, caller.agentVersion, now, now, caller.scheduleHours])
        let row = try Row.fetchOne(cached: db, sql: "SELECT id, assetId, conflict FROM intakeDevice WHERE sourceId = ? AND deviceId = ?",
                                   arguments: [caller.sourceID, caller.deviceID])!
        return (row["id"], row["assetId"], row["conflict"])
    }
}
