#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideHelpdesk
import DesksideInventory
import DesksideJSON
import GRDB

extension CollectorStore {
    /// The collector's own check for agents gone quiet: an asset whose (unrevoked) agent has not been
    /// heard from for more than `silentAgentDays` gets the `agent.silent` fault, which goes through
    /// the fault loop like any other (a ticket, by default); when the agent is heard from again the
    /// fault clears and the ticket is resolved. Returns how many assets went silent and came back.
    public func checkSilentAgents(now: Date) throws -> (silent: Int, back: Int) {
        let days = helpdesk.faultLoop.silentAgentDays
        let threshold = Timestamp.text(now.addingTimeInterval(-Double(days) * 86400))
        let time = Timestamp.text(now)
        let code = CollectorFault.silentAgent
        return try pool.write { db in
            let quiet = try Row.fetchAll(db, sql: """
                SELECT asset.id, \(Self.lastContact()) AS seen FROM agent JOIN asset ON asset.agentId = agent.id
                WHERE \(Self.lastContact()) < ? AND agent.revokedAt IS NULL
                AND NOT EXISTS (SELECT 1 FROM fault WHERE fault.assetId = asset.id AND fault.code = ? AND fault.source = 'collector')
                """, arguments: [threshold, code])
            for row in quiet {
                let assetID: Int64 = row["id"]
                let seen: String = row["seen"]
                let fault = Fault(code: code, severity: .warning, subject: "", summary: "No contact from the agent for more than \(days) days (last seen \(seen))",
                                  facts: ["lastSeenAt": .string(seen), "thresholdDays": .int(Int64(days))])
                try db.run("""
                    INSERT INTO fault (assetId, fingerprint, code, severity, subject, summary, facts, firstSeenAt, lastSeenAt, source)
                    VALUES (?, ?, ?, 'warning', '', ?, ?, ?, ?, 'collector')
                    """, arguments: [assetID, fault.fingerprint, code, fault.summary, Data(try JSONCoder.encode(fault.facts)), time, time])
                try Self.faultEvent(db, assetID: assetID, at: time, item: code, old: nil, new: "warning")
                try FaultTicketLoop(db: db, assetID: assetID, date: now, settings: helpdesk).run(current: [fault], previous: [])
            }
            let heard = try Row.fetchAll(db, sql: """
                SELECT fault.assetId, fault.fingerprint, fault.summary FROM fault JOIN asset ON asset.id = fault.assetId JOIN agent ON agent.id = asset.agentId
                WHERE fault.code = ? AND fault.source = 'collector' AND \(Self.lastContact()) >= ?
                """, arguments: [code, threshold])
            for row in heard {
                let assetID: Int64 = row["assetId"]
                try db.run("DELETE FROM fault WHERE assetId = ? AND fingerprint = ?", arguments: [assetID, row["fingerprint"] as String])
                try Self.faultEvent(db, assetID: assetID, at: time, item: code, old: "warning", new: nil)
                let stored = StoredFault(fingerprint: row["fingerprint"], code: code, subject: "", severity: "warning", summary: row["summary"])
                try FaultTicketLoop(db: db, assetID: assetID, date: now, settings: helpdesk).run(current: [], previous: [stored])
            }
            return (quiet.count, heard.count)
        }
    }
}
