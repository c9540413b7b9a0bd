#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideInventory
import DesksideStore
import GRDB

extension CollectorStore {
    /// An enrollment token as listed (never its secret, which is stored only as a hash).
    public struct EnrollmentToken: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var reusable: Bool
        public var createdAt: String
        public var expiresAt: String?
        public var revokedAt: String?
        public var useCount: Int
    }

    /// Creates a token; returns its id and its secret, which is shown once and stored only as SHA-256.
    public func createEnrollmentToken(name: String, reusable: Bool, expiresAt: Date?, now: Date) throws -> (id: Int64, secret: String) {
        let secret = "dsk_" + SecretDigest.randomHex(bytes: 32)
        let id = try pool.write { db -> Int64 in
            try db.execute(sql: "INSERT INTO enrollmentToken (name, secretHash, reusable, createdAt, expiresAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [name, Self.hash(secret), reusable, Timestamp.text(now), expiresAt.map(Timestamp.text)])
            return db.lastInsertedRowID
        }
        return (id, secret)
    }

    public func enrollmentTokens() throws -> [EnrollmentToken] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM enrollmentToken ORDER BY id").map {
                EnrollmentToken(id: $0["id"], name: $0["name"], reusable: $0["reusable"], createdAt: $0["createdAt"],
                                expiresAt: $0["expiresAt"], revokedAt: $0["revokedAt"], useCount: $0["useCount"])
            }
        }
    }

    /// Revokes a token; returns false when there is no such token.
    @discardableResult
    public func revokeEnrollmentToken(id: Int64, now: Date) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE enrollmentToken SET revokedAt = COALESCE(revokedAt, ?) WHERE id = ?", arguments: [Timestamp.text(now), id])
            return db.changesCount > 0
        }
    }

    /// Why an enrollment was refused; kept in the audit log, never told to the agent.
    public enum EnrollmentRefusal: String, Sendable, Equatable {
        case unknownToken, revokedToken, expiredToken, usedToken
    }

    /// Redeems `secret` and registers the agent in one transaction: a one-time token is consumed only
    /// when the agent is registered, and two concurrent uses of it cannot both succeed.
    public func enrollAgent(tokenSecret secret: String, uuid: String, certificateFingerprint: String, issuer: String? = nil, now: Date) throws -> EnrollmentRefusal? {
        try pool.write { db -> EnrollmentRefusal? in
            guard let token = try Row.fetchOne(db, sql: "SELECT id, expiresAt, revokedAt FROM enrollmentToken WHERE secretHash = ?",
                                               arguments: [Self.hash(secret)]) else { return .unknownToken }
            if (token["revokedAt"] as String?) != nil { return .revokedToken }
            if let expiry = token["expiresAt"] as String?, expiry <= Timestamp.text(now) { return .expiredToken }
            try db.execute(sql: "UPDATE enrollmentToken SET useCount = useCount + 1 WHERE id = ? AND (reusable = 1 OR useCount = 0)",
                           arguments: [token["id"] as Int64])
            guard db.changesCount == 1 else { return .usedToken }
            try db.execute(sql: "INSERT INTO agent (uuid, certificateFingerprint, certificateIssuer, enrolledAt) VALUES (?, ?, ?, ?)",
                           arguments: [uuid, certificateFingerprint, issuer, Timestamp.text(now)])
            // A token made for an onboarding binds the machine to it: its run starts at the first report.
            try db.execute(sql: """
                UPDATE provisioning SET agentId = ? WHERE agentId IS NULL AND state = 'waiting'
                AND id = (SELECT provisioningId FROM enrollmentToken WHERE id = ?)
                """, arguments: [db.lastInsertedRowID, token["id"] as Int64])
            return nil
        }
    }

    /// Marks an agent revoked: its reports are refused from now on.
    @discardableResult
    public func revokeAgent(uuid: String, now: Date) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE agent SET revokedAt = COALESCE(revokedAt, ?) WHERE uuid = ?", arguments: [Timestamp.text(now), uuid])
            return db.changesCount > 0
        }
    }

    /// Appends to the audit log. `detail` must hold no secret.
    public func audit(actor: String, action: String, allowed: Bool, detail: String, at time: Date) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO auditEvent (at, actor, action, outcome, detail) VALUES (?, ?, ?, ?, ?)",
                           arguments: [Timestamp.text(time), actor, action, allowed ? "allowed" : "refused", detail])
        }
    }

    /// The audit log, newest last.
    public func auditLog() throws -> [(actor: String, action: String, outcome: String, detail: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT actor, action, outcome, detail FROM auditEvent ORDER BY id").map {
                (actor: $0["actor"], action: $0["action"], outcome: $0["outcome"], detail: $0["detail"])
            }
        }
    }

    static func hash(_ secret: String) -> String {
        SecretDigest.sha256(secret)
    }
}

extension CollectorStore {
    /// An enrolled agent as listed.
    public struct AgentSummary: Sendable, Equatable {
        public var uuid: String
        public var enrolledAt: String
        public var revokedAt: String?
        public var lastSequence: Int64?
        public var hostname: String?
    }

    public func agents() throws -> [AgentSummary] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT agent.uuid, agent.enrolledAt, agent.revokedAt, agent.lastSequence, asset.hostname
                FROM agent LEFT JOIN asset ON asset.agentId = agent.id ORDER BY agent.id
                """).map {
                AgentSummary(uuid: $0["uuid"], enrolledAt: $0["enrolledAt"], revokedAt: $0["revokedAt"], lastSequence: $0["lastSequence"], hostname: $0["hostname"])
            }
        }
    }
}
