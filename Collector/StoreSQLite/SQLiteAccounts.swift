#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAPI
public import DesksideHelpdesk
public import DesksideStore
import GRDB

/// Accounts, sign-in and API tokens on SQLite: `account` (usernames unique `COLLATE NOCASE`),
/// `staffSession` and `apiToken`, with secrets as their SHA-256.
public struct SQLiteAccounts: AccountRepository {
    let pool: DatabasePool

    /// An account's row.
    struct AccountRow: Decodable, FetchableRecord {
        var id: Int64
        var username: String
        var name: String
        var email: String
        var department: String
        var managerId: Int64?
        var location: String
        var status: AccountStatus
        var role: Role
        var tier: Int?
        var lockedUntil: String?
        var createdAt: String
        var updatedAt: String

        static let columns = "id, username, name, email, department, managerId, location, status, role, tier, lockedUntil, createdAt, updatedAt"

        func account(now: String) -> Account {
            Account(id: id, username: username, name: name, email: email, department: department, managerId: managerId, location: location,
                    status: status, role: role, tier: tier, locked: lockedUntil.map { $0 > now } ?? false, createdAt: createdAt, updatedAt: updatedAt)
        }
    }

    /// What a sign-in attempt reads.
    struct SignInRow: Decodable, FetchableRecord {
        var id: Int64
        var passwordHash: String?
        var status: AccountStatus
        var failedLogins: Int
        var lockedUntil: String?
    }

    struct PrincipalRow: Decodable, FetchableRecord {
        var id: Int64
        var username: String
        var role: Role
        var tier: Int?
    }

    struct TokenRow: Decodable, FetchableRecord {
        var id: Int64
        var name: String
        var role: Role
        var createdAt: String
        var revokedAt: String?
    }

    public func createAccount(_ fields: AccountFields, passwordHash: String?, now: Date) async throws -> Account {
        try await pool.write { db in try Self.create(db, fields, passwordHash: passwordHash, now: now) }
    }

    static func create(_ db: Database, _ fields: AccountFields, passwordHash: String?, now: Date) throws -> Account {
        let new = try AccountChange.created(fields), time = Timestamp.text(now)
        try Self.checkFree(db, username: new.username!)
        try Self.checkManager(db, new.managerId)
        try db.run("""
            INSERT INTO account (username, name, email, department, managerId, location, status, role, tier, passwordHash, createdAt, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [new.username, new.name, new.email, new.department, new.managerId, new.location, new.status?.rawValue,
                             new.role?.rawValue, new.tier, passwordHash, time, time])
        return try Self.fetch(db, id: db.lastInsertedRowID, now: time)!
    }

    public func updateAccount(id: Int64, _ fields: AccountFields, now: Date) async throws -> Account {
        try await pool.write { db in try Self.update(db, id: id, fields, now: now) }
    }

    static func update(_ db: Database, id: Int64, _ fields: AccountFields, now: Date) throws -> Account {
        let time = Timestamp.text(now)
        guard let old = try Self.fetch(db, id: id, now: time) else { throw HelpdeskError.notFound }
        let new = try AccountChange.updated(old, with: fields)
        if AccountChange.renames(old, to: new) { try Self.checkFree(db, username: new.username) }
        if let manager = fields.managerId { try Self.checkManager(db, manager) }
        try db.run("""
            UPDATE account SET username = ?, name = ?, email = ?, department = ?, managerId = ?, location = ?, status = ?, role = ?, tier = ?,
                updatedAt = ?
            WHERE id = ?
            """, arguments: [new.username, new.name, new.email, new.department, new.managerId, new.location, new.status.rawValue,
                             new.role.rawValue, new.tier, time, id])
        if AccountChange.endsSessions(old, new) { try db.run("DELETE FROM staffSession WHERE accountId = ?", arguments: [id]) }
        return try Self.fetch(db, id: id, now: time)!
    }

    static func checkFree(_ db: Database, username: String) throws {
        guard try Int.fetchOne(cached: db, sql: "SELECT 1 FROM account WHERE username = ?", arguments: [username]) == nil else {
            throw HelpdeskError.conflict("the username \(username) is taken")
        }
    }

    static func checkManager(_ db: Database, _ manager: Int64?) throws {
        guard let manager else { return }
        guard try Int.fetchOne(cached: db, sql: "SELECT 1 FROM account WHERE id = ?", arguments: [manager]) != nil else {
            throw HelpdeskError.unprocessable("no account \(manager) to be the manager")
        }
    }

    public func setPasswordHash(accountID: Int64, _ hash: String, now: Date) async throws {
        try await pool.write { db in
            try db.run("UPDATE account SET passwordHash = ?, failedLogins = 0, lockedUntil = NULL, updatedAt = ? WHERE id = ?",
                       arguments: [hash, Timestamp.text(now), accountID])
            guard db.changesCount == 1 else { throw HelpdeskError.notFound }
            try db.run("DELETE FROM staffSession WHERE accountId = ?", arguments: [accountID])
        }
    }

    public func account(id: Int64, now: Date) async throws -> Account? {
        try await pool.read { db in try Self.fetch(db, id: id, now: Timestamp.text(now)) }
    }

    public func account(username: String, now: Date) async throws -> Account? {
        try await pool.read { db in try Self.fetch(db, username: username, now: Timestamp.text(now)) }
    }

    public func passwordHash(accountID: Int64) async throws -> String? {
        try await pool.read { db in try String.fetchOne(cached: db, sql: "SELECT passwordHash FROM account WHERE id = ?", arguments: [accountID]) }
    }

    public func hasAdminAccount() async throws -> Bool {
        try await pool.read { db in try Int.fetchOne(cached: db, sql: "SELECT 1 FROM account WHERE role = 'admin' LIMIT 1") != nil }
    }

    public func accounts(matching query: AccountQuery, now: Date) async throws -> (items: [Account], total: Int) {
        var conditions: [String] = []
        var arguments: [String] = []
        if let text = query.text, !text.isEmpty {
            conditions.append("(username LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR department LIKE ? ESCAPE '\\')")
            arguments += Array(repeating: LikePattern.contains(text), count: 4)
        }
        if let role = query.role { conditions.append("role = ?"); arguments.append(role.rawValue) }
        if let status = query.status { conditions.append("status = ?"); arguments.append(status.rawValue) }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let time = Timestamp.text(now), matching = arguments, (limit, offset) = (query.limit, query.offset)
        return try await pool.read { db in
            let total = try Int.fetchOne(cached: db, sql: "SELECT count(*) FROM account" + filter, arguments: StatementArguments(matching)) ?? 0
            let items = try AccountRow.fetchAll(cached: db, sql: "SELECT \(AccountRow.columns) FROM account\(filter) ORDER BY username LIMIT ? OFFSET ?",
                                                arguments: StatementArguments(matching) + [limit, offset])
            return (items.map { $0.account(now: time) }, total)
        }
    }

    static func fetch(_ db: Database, id: Int64, now: String) throws -> Account? {
        try AccountRow.fetchOne(cached: db, sql: "SELECT \(AccountRow.columns) FROM account WHERE id = ?", arguments: [id])?.account(now: now)
    }

    static func fetch(_ db: Database, username: String, now: String) throws -> Account? {
        try AccountRow.fetchOne(cached: db, sql: "SELECT \(AccountRow.columns) FROM account WHERE username = ?", arguments: [username])?.account(now: now)
    }

    // MARK: - Signing in

    public func reserveLoginAttempt(username: String, now: Date, maxFailures: Int, lockSeconds: Int) async throws -> LoginAttempt {
        try await pool.write { db in
            guard let row = try SignInRow.fetchOne(cached: db, sql: """
                SELECT id, passwordHash, status, failedLogins, lockedUntil FROM account WHERE username = ?
                """, arguments: [username]) else { return .refused }
            let stored = SignInLockout.State(failures: row.failedLogins, lockedUntil: try row.lockedUntil.map(Timestamp.date))
            switch SignInLockout.attempt(hasPassword: row.passwordHash != nil, departed: row.status == .departed, stored, now: now,
                                         maxFailures: maxFailures, lockSeconds: lockSeconds) {
            case .refuse: return .refused
            case .locked: return .locked(accountID: row.id)
            case .check(let state):
                try db.run("UPDATE account SET failedLogins = ?, lockedUntil = ? WHERE id = ?",
                           arguments: [state.failures, state.lockedUntil.map(Timestamp.text), row.id])
                return .verify(accountID: row.id, passwordHash: row.passwordHash!)
            }
        }
    }

    public func loginSucceeded(accountID: Int64, secret: String, now: Date, expiresAt: Date, idleExpiresAt: Date?) async throws {
        try await pool.write { db in
            try db.run("UPDATE account SET failedLogins = 0, lockedUntil = NULL WHERE id = ?", arguments: [accountID])
            try db.run("INSERT INTO staffSession (tokenHash, accountId, createdAt, expiresAt, idleExpiresAt) VALUES (?, ?, ?, ?, ?)",
                       arguments: [SecretDigest.sha256(secret), accountID, Timestamp.text(now), Timestamp.text(expiresAt),
                                   idleExpiresAt.map { Timestamp.text($0) }])
            try db.run("DELETE FROM staffSession WHERE expiresAt < ?", arguments: [Timestamp.text(now)])
        }
    }

    public func endSession(secret: String) async throws {
        try await pool.write { db in try db.run("DELETE FROM staffSession WHERE tokenHash = ?", arguments: [SecretDigest.sha256(secret)]) }
    }

    public func endSessions(accountID: Int64) async throws -> Int {
        try await pool.write { db in
            try db.run("DELETE FROM staffSession WHERE accountId = ?", arguments: [accountID])
            return db.changesCount
        }
    }

    public func touchSession(secret: String, until: Date, unless: Date) async throws {
        try await pool.write { db in
            try db.run("UPDATE staffSession SET idleExpiresAt = ? WHERE tokenHash = ? AND idleExpiresAt IS NOT NULL AND idleExpiresAt < ?",
                       arguments: [Timestamp.text(until), SecretDigest.sha256(secret), Timestamp.text(unless)])
        }
    }

    public func principal(secret: String, now: Date) async throws -> Principal? {
        let time = Timestamp.text(now), digest = SecretDigest.sha256(secret)
        return try await pool.read { db in
            if let row = try PrincipalRow.fetchOne(cached: db, sql: """
                SELECT account.id, account.username, account.role, account.tier FROM staffSession JOIN account ON account.id = staffSession.accountId
                WHERE staffSession.tokenHash = ? AND staffSession.expiresAt > ? AND (staffSession.idleExpiresAt IS NULL OR staffSession.idleExpiresAt > ?)
                AND account.status != 'departed'
                """, arguments: [digest, time, time]) {
                return Principal(role: row.role, accountID: row.id, tier: row.tier, actor: row.username)
            }
            if let row = try TokenRow.fetchOne(cached: db, sql: "SELECT id, name, role, createdAt, revokedAt FROM apiToken WHERE secretHash = ? AND revokedAt IS NULL",
                                               arguments: [digest]) {
                return Principal.token(name: row.name, role: row.role)
            }
            return nil
        }
    }

    // MARK: - API tokens

    public func createAPIToken(name: String, role: Role, now: Date) async throws -> CreatedAPIToken {
        try await pool.write { db in try Self.createToken(db, name: name, role: role, now: now) }
    }

    static func createToken(_ db: Database, name: String, role: Role, now: Date) throws -> CreatedAPIToken {
        let secret = "dsa_" + SecretDigest.randomHex(bytes: 32)
        try db.run("INSERT INTO apiToken (name, role, secretHash, createdAt) VALUES (?, ?, ?, ?)",
                   arguments: [name, role.rawValue, SecretDigest.sha256(secret), Timestamp.text(now)])
        return CreatedAPIToken(id: db.lastInsertedRowID, name: name, role: role, token: secret)
    }

    public func apiTokens() async throws -> [APIToken] {
        try await pool.read { db in
            try TokenRow.fetchAll(cached: db, sql: "SELECT id, name, role, createdAt, revokedAt FROM apiToken ORDER BY id").map {
                APIToken(id: $0.id, name: $0.name, role: $0.role, createdAt: $0.createdAt, revokedAt: $0.revokedAt)
            }
        }
    }

    public func revokeAPIToken(id: Int64, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.run("UPDATE apiToken SET revokedAt = coalesce(revokedAt, ?) WHERE id = ?", arguments: [Timestamp.text(now), id])
            return db.changesCount == 1
        }
    }
}

extension CollectorStore {
    public var accounts: SQLiteAccounts { SQLiteAccounts(pool: pool) }
}

extension SQLiteAccounts {
    /// The same calls, synchronous, for the features not yet behind a repository whose desk calls are
    /// synchronous (provisioning, which the agent server's hooks call, mail intake, a new data directory). They go
    /// when those features move.
    public struct Blocking: Sendable {
        let pool: DatabasePool

        public func account(id: Int64, now: Date) throws -> Account? {
            try pool.read { db in try SQLiteAccounts.fetch(db, id: id, now: Timestamp.text(now)) }
        }

        public func account(username: String, now: Date) throws -> Account? {
            try pool.read { db in try SQLiteAccounts.fetch(db, username: username, now: Timestamp.text(now)) }
        }

        public func createAccount(_ fields: AccountFields, now: Date) throws -> Account {
            try pool.write { db in try SQLiteAccounts.create(db, fields, passwordHash: nil, now: now) }
        }

        public func updateAccount(id: Int64, _ fields: AccountFields, now: Date) throws -> Account {
            try pool.write { db in try SQLiteAccounts.update(db, id: id, fields, now: now) }
        }

        /// The first admin's token, made by a new data directory (`CollectorHome`).
        public func createAPIToken(name: String, role: Role, now: Date) throws -> CreatedAPIToken {
            try pool.write { db in try SQLiteAccounts.createToken(db, name: name, role: role, now: now) }
        }

        /// Active admins.
        public func activeAdmins() throws -> Int {
            try pool.read { db in try Int.fetchOne(cached: db, sql: "SELECT count(*) FROM account WHERE role = 'admin' AND status = 'active'") ?? 0 }
        }
    }

    public var blocking: Blocking { Blocking(pool: pool) }
}
