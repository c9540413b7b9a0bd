#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB

extension CollectorStore {
    /// What the agent server needs when an agent opens a session.
    public struct AgentSession: Sendable, Equatable {
        public var uuid: String
        public var revoked: Bool
        /// The hash of the inventory stored for this agent, the base its next delta must build on.
        public var base: String?
        /// The newest report stored for this agent: its sequence and id (told to the agent in `welcome`).
        public var lastSequence: UInt64?
        public var lastReportID: String?
    }

    /// The agent holding the certificate with this fingerprint (`SHA256:` + hex). An agent's identity
    /// is its certificate, never a name it reports.
    public func agentSession(certificateFingerprint: String) throws -> AgentSession? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT agent.uuid, agent.revokedAt, agent.baseHash, agent.lastSequence, report.id AS reportId FROM agent
                LEFT JOIN report ON report.agentId = agent.id AND report.sequence = agent.lastSequence AND report.outcome = 'stored'
                WHERE agent.certificateFingerprint = ?
                """, arguments: [certificateFingerprint]) else { return nil }
            return AgentSession(uuid: row["uuid"], revoked: (row["revokedAt"] as String?) != nil, base: row["baseHash"],
                                lastSequence: (row["lastSequence"] as Int64?).map { UInt64(max(0, $0)) }, lastReportID: row["reportId"])
        }
    }

    /// Every revoked agent: the agent server closes their connections.
    public func revokedAgentUUIDs() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT uuid FROM agent WHERE revokedAt IS NOT NULL")) }
    }

    /// Writes the last contact of many agents in one transaction (heartbeats are counted in memory and
    /// written in batches, not one write each).
    public func recordLastSeen(_ times: [String: Date]) throws {
        guard !times.isEmpty else { return }
        try pool.write { db in
            let update = try db.cachedStatement(sql: "UPDATE agent SET lastSeenAt = max(coalesce(lastSeenAt, ''), ?) WHERE uuid = ?")
            for (uuid, time) in times { try update.execute(arguments: [Timestamp.text(time), uuid]) }
        }
    }
}
