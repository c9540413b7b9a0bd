#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideAssets
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
                try raiseCollectorFault(fault, assetID: assetID, db: db, at: now)
            }
            let heard = try Row.fetchAll(db, sql: """
                SELECT fault.assetId, fault.fingerprint, fault.summary FROM fault JOIN asset ON asset.id = fault.assetId JOIN agent ON agent.id = asset.agentId
                WHERE fault.code = ? AND fault.source = 'collector' AND \(Self.lastContact()) >= ?
                """, arguments: [code, threshold])
            for row in heard {
                try clearCollectorFault(StoredFault(fingerprint: row["fingerprint"], code: code, subject: "", severity: "warning", summary: row["summary"]),
                                        assetID: row["assetId"], db: db, at: now)
            }
            let intake = try checkSilentIntake(days: days, now: now, db: db)
            return (quiet.count + intake.silent, heard.count + intake.back)
        }
    }

    /// The same for assets that only FusionInventory, GLPI or OCS agents report (no enrolled Deskside
    /// agent), by their own schedule (`IntakeSchedule`): the query finds the candidates past the
    /// shortest threshold, the rule decides.
    private func checkSilentIntake(days: Int, now: Date, db: Database) throws -> (silent: Int, back: Int) {
        let code = CollectorFault.silentAgent
        let lastContact = """
            SELECT d.assetId, max(d.lastSeenAt) AS seen, max(d.scheduleHours) AS hours FROM intakeDevice d JOIN asset ON asset.id = d.assetId
            WHERE asset.mergedInto IS NULL AND NOT EXISTS (SELECT 1 FROM agent WHERE agent.id = asset.agentId AND agent.revokedAt IS NULL)
            GROUP BY d.assetId
            """
        func silent(_ row: Row) -> Bool {
            IntakeSchedule.isSilent(lastContact: ISO8601.parse(row["seen"]) ?? 0, now: now.timeIntervalSince1970, silentAgentDays: days, scheduleHours: row["hours"])
        }
        let quiet = try Row.fetchAll(db, sql: """
            SELECT contact.assetId, contact.seen, contact.hours FROM (\(lastContact)) contact
            WHERE contact.seen < ? AND NOT EXISTS (SELECT 1 FROM fault WHERE fault.assetId = contact.assetId AND fault.code = ? AND fault.source = 'collector')
            """, arguments: [Timestamp.text(now.addingTimeInterval(-Double(days) * 86400)), code]).filter(silent)
        for row in quiet {
            let seen: String = row["seen"]
            let hours: Int = row["hours"]
            let threshold = IntakeSchedule.silentAfterDays(silentAgentDays: days, scheduleHours: hours)
            let fault = Fault(code: code, severity: .warning, subject: "",
                              summary: "No contact from the machine's inventory agent for more than \(Int(threshold)) days (last seen \(seen); it reports every \(hours) hours)",
                              facts: ["lastSeenAt": .string(seen), "thresholdDays": .double(threshold), "scheduleHours": .int(Int64(hours))])
            try raiseCollectorFault(fault, assetID: row["assetId"], db: db, at: now)
        }
        let heard = try Row.fetchAll(db, sql: """
            SELECT fault.assetId, fault.fingerprint, fault.summary, contact.seen, contact.hours FROM fault JOIN (\(lastContact)) contact ON contact.assetId = fault.assetId
            WHERE fault.code = ? AND fault.source = 'collector'
            """, arguments: [code]).filter { !silent($0) }
        for row in heard {
            try clearCollectorFault(StoredFault(fingerprint: row["fingerprint"], code: code, subject: "", severity: "warning", summary: row["summary"]),
                                    assetID: row["assetId"], db: db, at: now)
        }
        return (quiet.count, heard.count)
    }
}
