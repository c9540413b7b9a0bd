#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideInventory
import DesksideJSON
import GRDB

extension CollectorStore {
    /// Sets or clears a fault that the collector itself observes on an agent's asset (a clock that is
    /// off, say): `fault` present and not stored yet is stored, with its history event, and goes
    /// through the fault loop; `nil` clears a stored one the same way. Nothing is written when nothing
    /// changes. Returns whether something changed; an agent without an asset yet has nothing to mark.
    @discardableResult
    public func setCollectorFault(agentUUID: String, code: String, _ fault: Fault?, at date: Date) throws -> Bool {
        let time = Timestamp.text(date)
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
                try db.run("""
                    INSERT INTO fault (assetId, fingerprint, code, severity, subject, summary, facts, firstSeenAt, lastSeenAt, source)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'collector')
                    """, arguments: [assetID, fault.fingerprint, code, fault.severity.rawValue, fault.subject, fault.summary,
                                     Data(try JSONCoder.encode(fault.facts)), time, time])
                try Self.faultEvent(db, assetID: assetID, at: time, item: code, old: nil, new: fault.severity.rawValue)
                try FaultTicketLoop(db: db, assetID: assetID, date: date, settings: helpdesk).run(current: [fault], previous: [])
                return true
            case (nil, let row?):
                let previous = StoredFault(fingerprint: row["fingerprint"], code: code, subject: "", severity: row["severity"], summary: row["summary"])
                try db.run("DELETE FROM fault WHERE assetId = ? AND fingerprint = ?", arguments: [assetID, previous.fingerprint])
                try Self.faultEvent(db, assetID: assetID, at: time, item: code, old: previous.severity, new: nil)
                try FaultTicketLoop(db: db, assetID: assetID, date: date, settings: helpdesk).run(current: [], previous: [previous])
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

    static func assetID(agentUUID: String, db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT asset.id FROM asset JOIN agent ON agent.id = asset.agentId WHERE agent.uuid = ?"),
                           arguments: [agentUUID])
    }
}
