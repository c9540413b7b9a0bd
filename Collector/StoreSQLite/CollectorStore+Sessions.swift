#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
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
                WHERE agent.certificateFingerprint = ?1 OR agent.previousFingerprint = ?1
                """, arguments: [certificateFingerprint]) else { return nil }
            return AgentSession(uuid: row["uuid"], revoked: (row["revokedAt"] as String?) != nil, base: row["baseHash"],
                                lastSequence: (row["lastSequence"] as Int64?).map { UInt64(max(0, $0)) }, lastReportID: row["reportId"])
        }
    }

    /// Makes `newFingerprint` the agent's certificate after a renewal. The certificate the agent
    /// connected with (`presentedFingerprint`) stays valid as the previous one, so that an agent that
    /// stops before it has stored the new certificate still connects and renews again; an older one is
    /// forgotten. Audited.
    public func renewAgentCertificate(uuid: String, presentedFingerprint: String, newFingerprint: String, issuer: String? = nil, at time: Date) throws {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE agent SET previousFingerprint = ?, certificateFingerprint = ?, certificateIssuer = ? WHERE uuid = ? AND revokedAt IS NULL
                """, arguments: [presentedFingerprint, newFingerprint, issuer, uuid])
            guard db.changesCount == 1 else { throw StoreError.unknownAgent(uuid) }
            try db.execute(sql: "INSERT INTO auditEvent (at, actor, action, outcome, detail) VALUES (?, ?, 'renew certificate', 'allowed', ?)",
                           arguments: [Timestamp.text(time), "agent:" + uuid, newFingerprint])
        }
    }

    /// Every revoked agent: the agent server closes their connections.
    public func revokedAgentUUIDs() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: Self.revokedAgents)) }
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

    /// Revoked agents, read by the agent server's sweep every few seconds (`agent_revoked`).
    static let revokedAgents = "SELECT uuid FROM agent WHERE revokedAt IS NOT NULL"
}
