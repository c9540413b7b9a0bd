#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB

/// What a CA rollover needs to know of the agents: which CAs each trusts (from its `hello`) and which
/// CA issued its certificate (recorded at enrollment and renewal).
extension CollectorStore {
    /// Records the CAs an agent says it trusts; writes only when they changed.
    public func recordTrustedCAs(agentUUID: String, fingerprints: [String]) throws {
        let text = fingerprints.map { $0.lowercased() }.sorted().joined(separator: " ")
        try pool.write { db in
            try db.execute(sql: "UPDATE agent SET trustedCAs = ? WHERE uuid = ? AND trustedCAs IS NOT ?", arguments: [text, agentUUID, text])
        }
    }

    /// The agents a rollover waits for. Revoked agents do not count.
    public struct RolloverProgress: Sendable, Equatable {
        /// Agents not revoked.
        public var agents: Int
        /// Of them, those whose last `hello` listed the next CA.
        public var trustingNext: Int
        /// Of them, those whose certificate another CA than `current` issued (they renew at their next
        /// connection once the rollover is activated).
        public var onOtherCA: Int
    }

    public func rolloverProgress(currentCA: String, nextCA: String?) throws -> RolloverProgress {
        try pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*) AS agents,
                       coalesce(sum(instr(' ' || coalesce(trustedCAs, '') || ' ', ' ' || ?1 || ' ') > 0), 0) AS trustingNext,
                       coalesce(sum(certificateIssuer IS NULL OR certificateIssuer <> ?2), 0) AS onOtherCA
                FROM agent WHERE revokedAt IS NULL
                """, arguments: [nextCA?.lowercased() ?? "-", currentCA.lowercased()])!
            return RolloverProgress(agents: row["agents"], trustingNext: row["trustingNext"], onOtherCA: row["onOtherCA"])
        }
    }
}
