#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import DesksideAssets
import DesksideHelpdesk
import DesksideInventory
import DesksideJSON
import GRDB

/// Which asset an agent's reports go to. The rules are `IdentityMatch`'s; the store gathers the
/// candidates (assets sharing a UUID, serial, built-in MAC or fixed disk with the report), writes
/// what the rules decided, and keeps each asset's identity in step with its hardware.
extension CollectorStore {
    /// One agent's time on an asset, and why it was put there.
    public struct AgentTenure: Codable, Sendable, Equatable {
        public var agent: String
        public var since: String
        public var until: String?
        public var rule: String?
        public var reason: String
    }

    /// Why each agent that reported for the asset belongs (or belonged) to it, oldest first.
    public func agentTenures(assetID: Int64) throws -> [AgentTenure] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT agent.uuid, assetAgent.since, assetAgent.until, assetAgent.rule, assetAgent.reason
                FROM assetAgent JOIN agent ON agent.id = assetAgent.agentId WHERE assetAgent.assetId = ? ORDER BY assetAgent.id
                """, arguments: [assetID]).map {
                AgentTenure(agent: $0["uuid"], since: $0["since"], until: $0["until"], rule: $0["rule"], reason: $0["reason"])
            }
        }
    }

    /// What the asset's hardware says identifies it (nil before its first report).
    public func machineIdentity(assetID: Int64) throws -> MachineIdentity? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT identity FROM asset WHERE id = ?", arguments: [assetID])
                .flatMap { try? JSONCoder.decode(MachineIdentity.self, from: Array($0.utf8)) }
        }
    }

    /// Writes `identity` as the asset's, and its identifiers for matching, when it changed; returns
    /// whether it did.
    @discardableResult
    static func storeIdentity(_ identity: MachineIdentity, assetID: Int64, db: Database) throws -> Bool {
        let text = String(decoding: try JSONCoder.encode(identity), as: UTF8.self)
        guard try String.fetchOne(db.cachedStatement(sql: "SELECT identity FROM asset WHERE id = ?"), arguments: [assetID]) != text else { return false }
        try db.execute(sql: "UPDATE asset SET identity = ? WHERE id = ?", arguments: [text, assetID])
        try db.execute(sql: "DELETE FROM assetIdentifier WHERE assetId = ?", arguments: [assetID])
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO assetIdentifier (kind, value, assetId) VALUES (?, ?, ?)")
        for (kind, values) in [("uuid", identity.systemUUID.map { [$0] } ?? []), ("serial", identity.serial.map { [$0] } ?? []),
                               ("mac", identity.fixedMACs.sorted()), ("disk", identity.diskSerials.sorted())] {
            for value in values { try insert.execute(arguments: [kind, value, assetID]) }
        }
        return true
    }

    /// An asset's identity changed (its agent reported other hardware): if it now claims to be a
    /// machine another agent holds, both are flagged. Nothing is written on the other asset.
    func checkTwins(_ identity: MachineIdentity, assetID: Int64, agent: Int64, isConnected: (String) -> Bool, db: Database, at date: Date) throws {
        let candidates = try Self.identityCandidates(identity, reportingAgent: agent, isConnected: isConnected, db: db)
        for twin in IdentityMatch.twins(identity, of: assetID, candidates: candidates) {
            try raiseIdentityConflict(assetID, twin.assetID, rule: .uuidAndSerial,
                                      why: "its agent now reports the system UUID and serial of asset \(twin.assetID), which agent \(twin.agent ?? "?") holds",
                                      db: db, at: date)
        }
    }

    /// `asset.identity.conflict` on both assets: a history event and the fault loop on each.
    func raiseIdentityConflict(_ asset: Int64, _ other: Int64, rule: IdentityMatch.Rule, why: String, db: Database, at date: Date) throws {
        for (asset, twin) in [(asset, other), (other, asset)] {
            let fault = Fault(code: CollectorFault.identityConflict, severity: .warning, subject: "",
                              summary: "asset \(asset) and asset \(twin) claim to be one machine (\(rule.reason)): \(why)",
                              facts: ["otherAsset": .int(twin), "rule": .string(rule.rawValue)])
            try Self.faultEvent(db, assetID: asset, at: Timestamp.text(date), item: fault.code, old: nil, new: fault.summary)
            try FaultTicketLoop(db: db, assetID: asset, date: date, settings: helpdesk).run(current: [fault], previous: [])
        }
    }

    /// The asset for a newly enrolled agent's first report: an existing one when the rules say it is
    /// this machine (the agent takes it over, the timeline says why), else a new one; on a conflict a
    /// new one and both flagged with `asset.identity.conflict`.
    func placeAgent(_ agent: Admitted, uuid: String, identity: MachineIdentity, hostname: String?, isConnected: (String) -> Bool,
                    db: Database, at date: Date) throws -> Int64 {
        let now = Timestamp.text(date)
        let candidates = try Self.identityCandidates(identity, reportingAgent: agent.id, isConnected: isConnected, db: db)
        switch IdentityMatch.decide(identity, candidates: candidates) {
        case .new:
            let assetID = try createAsset(for: agent.id, db: db, now: now)
            try Self.beginTenure(agent: agent.id, asset: assetID, rule: nil, reason: "its first report; no asset was this machine", db: db, now: now)
            return assetID
        case .reuse(let assetID, let rule, let replacing):
            try db.execute(sql: "UPDATE assetAgent SET until = ? WHERE assetId = ? AND until IS NULL", arguments: [now, assetID])
            try db.execute(sql: "UPDATE asset SET agentId = ?, updatedAt = ? WHERE id = ?", arguments: [agent.id, now, assetID])
            let reason = "the same machine as before: \(rule.reason)"
            try Self.beginTenure(agent: agent.id, asset: assetID, rule: rule, reason: reason, db: db, now: now)
            try db.execute(sql: "INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, 'agent', 'agent', ?, ?)",
                           arguments: [assetID, now, replacing, "\(uuid) (\(reason))"])
            return assetID
        case .conflict(let other, let rule, let why):
            let assetID = try createAsset(for: agent.id, db: db, now: now)
            // Named before its ticket is opened, which is titled with the hostname.
            try db.execute(sql: "UPDATE asset SET hostname = ? WHERE id = ?", arguments: [hostname, assetID])
            try Self.beginTenure(agent: agent.id, asset: assetID, rule: nil, reason: "a new asset: it claims to be asset \(other) (\(why))", db: db, now: now)
            try raiseIdentityConflict(assetID, other, rule: rule, why: why, db: db, at: date)
            return assetID
        }
    }

    static func beginTenure(agent: Int64, asset: Int64, rule: IdentityMatch.Rule?, reason: String, db: Database, now: String) throws {
        try db.execute(sql: "INSERT INTO assetAgent (assetId, agentId, since, rule, reason) VALUES (?, ?, ?, ?, ?)",
                       arguments: [asset, agent, now, rule?.rawValue, reason])
    }

    /// Assets sharing any identifier with `identity`, with their agents' state.
    static func identityCandidates(_ identity: MachineIdentity, reportingAgent: Int64, isConnected: (String) -> Bool,
                                   db: Database) throws -> [IdentityMatch.Candidate] {
        var pairs: [(String, String)] = []
        if let uuid = identity.systemUUID { pairs.append(("uuid", uuid)) }
        if let serial = identity.serial { pairs.append(("serial", serial)) }
        pairs += identity.fixedMACs.sorted().map { ("mac", $0) } + identity.diskSerials.sorted().map { ("disk", $0) }
        guard !pairs.isEmpty else { return [] }
        let lookup = try db.cachedStatement(sql: "SELECT assetId FROM assetIdentifier WHERE kind = ? AND value = ?")
        var ids = Set<Int64>()
        for (kind, value) in pairs { ids.formUnion(try Int64.fetchAll(lookup, arguments: [kind, value])) }
        return try ids.sorted().compactMap { id in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT asset.identity, asset.status, agent.uuid, agent.revokedAt,
                       EXISTS (SELECT 1 FROM assetAgent WHERE assetId = asset.id AND agentId = ? AND until IS NOT NULL) AS displaced
                FROM asset LEFT JOIN agent ON agent.id = asset.agentId WHERE asset.id = ?
                """, arguments: [reportingAgent, id]),
                  let text = row["identity"] as String?, let stored = try? JSONCoder.decode(MachineIdentity.self, from: Array(text.utf8)) else { return nil }
            let live = (row["revokedAt"] as String?) == nil ? row["uuid"] as String? : nil
            let status = AssetStatus(rawValue: row["status"]) ?? .deployed
            return IdentityMatch.Candidate(assetID: id, identity: stored, agent: live, agentConnected: live.map(isConnected) ?? false,
                                           retired: status.isOutOfUse, displacedReporter: row["displaced"])
        }
    }
}
