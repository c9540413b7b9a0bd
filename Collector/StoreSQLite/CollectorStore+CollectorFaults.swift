#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideInventory
import DesksideJSON
import GRDB

extension CollectorStore {
    /// Sets or clears a fault that the collector itself observes on an agent's asset (a clock that is
    /// off, say): `fault` present and not stored yet is stored, with its history event, and goes
    /// through the fault loop; `nil` clears a stored one the same way. Nothing is written when nothing
    /// changes. Returns whether something changed; an agent without an asset yet has nothing to mark.
    @discardableResult
    public func setCollectorFault(agentUUID: String, code: String, _ fault: Fault?, at date: Date) throws -> Bool {
        // Most calls change nothing (an agent connecting with a right clock): a read decides, so that
        // connections do not queue behind report commits for the writer.
        let stored = try pool.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT 1 FROM fault JOIN asset ON asset.id = fault.assetId JOIN agent ON agent.id = asset.agentId
                WHERE agent.uuid = ? AND fault.code = ? AND fault.source = 'collector'
                """, arguments: [agentUUID, code]) ?? false
        }
        guard stored != (fault != nil) else { return false }
        return try pool.write { db in
            guard let assetID = try Self.assetID(agentUUID: agentUUID, db: db) else { return false }
            let stored = try Row.fetchOne(db, sql: "SELECT fingerprint, summary, severity FROM fault WHERE assetId = ? AND code = ? AND source = 'collector'",
                                          arguments: [assetID, code])
            switch (fault, stored) {
            case (let fault?, nil):
                try raiseCollectorFault(fault, assetID: assetID, db: db, at: date)
                return true
            case (nil, let row?):
                try clearCollectorFault(StoredFault(fingerprint: row["fingerprint"], code: code, subject: "", severity: row["severity"], summary: row["summary"]),
                                        assetID: assetID, db: db, at: date)
                return true
            default:
                return false
            }
        }
    }

    /// Records a fault that is an event, not a state (a cloned identity): a history event and the
    /// fault loop (one ticket per asset and code, counted again when it happens again); nothing clears
    /// it, a technician resolves the ticket. Returns the asset, if the agent has one.
    @discardableResult
    public func recordCollectorEvent(agentUUID: String, _ fault: Fault, at date: Date) throws -> Int64? {
        try pool.write { db in
            guard let assetID = try Self.assetID(agentUUID: agentUUID, db: db) else { return nil }
            try Self.faultEvent(db, assetID: assetID, at: Timestamp.text(date), item: fault.code, old: nil, new: fault.summary)
            try FaultTicketLoop(db: db, assetID: assetID, date: date, settings: helpdesk).run(current: [fault], previous: [])
            return assetID
        }
    }

    /// Stores a collector-side fault on the asset, with its history event, and runs the fault loop on it.
    func raiseCollectorFault(_ fault: Fault, assetID: Int64, db: Database, at date: Date) throws {
        let time = Timestamp.text(date)
        try db.run("""
            INSERT INTO fault (assetId, fingerprint, code, severity, subject, summary, facts, firstSeenAt, lastSeenAt, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'collector')
            """, arguments: [assetID, fault.fingerprint, fault.code, fault.severity.rawValue, fault.subject, fault.summary,
                             Data(try JSONCoder.encode(fault.facts)), time, time])
        try Self.faultEvent(db, assetID: assetID, at: time, item: fault.code, old: nil, new: fault.severity.rawValue)
        try FaultTicketLoop(db: db, assetID: assetID, date: date, settings: helpdesk).run(current: [fault], previous: [])
    }

    /// Removes a collector-side fault, with its history event, and runs the fault loop on its clearing.
    func clearCollectorFault(_ previous: StoredFault, assetID: Int64, db: Database, at date: Date) throws {
        try db.run("DELETE FROM fault WHERE assetId = ? AND fingerprint = ?", arguments: [assetID, previous.fingerprint])
        try Self.faultEvent(db, assetID: assetID, at: Timestamp.text(date), item: previous.code, old: previous.severity, new: nil)
        try FaultTicketLoop(db: db, assetID: assetID, date: date, settings: helpdesk).run(current: [], previous: [previous])
    }

    static func assetID(agentUUID: String, db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT asset.id FROM asset JOIN agent ON agent.id = asset.agentId WHERE agent.uuid = ?"),
                           arguments: [agentUUID])
    }
}
