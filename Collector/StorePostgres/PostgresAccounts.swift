#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAPI
public import DesksideHelpdesk
public import DesksideStore
import Logging
import PostgresNIO

/// Accounts, sign-in and API tokens on PostgreSQL: `account` (usernames unique on `lower(username)`),
/// `staff_session` and `api_token`, with secrets as their SHA-256 (see `PostgresMigrations.accounts`).
public struct PostgresAccounts: AccountRepository {
    let database: PostgresStore

    public init(_ database: PostgresStore) {
        self.database = database
    }

    /// An account's columns, in the order `account(_:now:)` decodes them.
    static let columns = """
        SELECT id, username, name, email, department, manager_id, location, status, role, tier, locked_until, created_at, updated_at FROM account
        """

    static func account(_ row: PostgresRow, now: Date) throws -> Account {
        let (id, username, name, email, department, manager, location, status, role, tier, lockedUntil, created, updated) =
            try row.decode((Int64, String, String, String, String, Int64?, String, String, String, Int32?, Date?, Date, Date).self)
        return Account(id: id, username: username, name: name, email: email, department: department, managerId: manager, location: location,
                       status: try PostgresStore.word(status, "status"), role: try PostgresStore.word(role, "role"), tier: tier.map(Int.init),
                       locked: lockedUntil.map { $0 > now } ?? false, createdAt: PostgresStore.text(created), updatedAt: PostgresStore.text(updated))
    }

    static func query(_ condition: String, _ value: some PostgresEncodable & Sendable) throws -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: columns + " WHERE " + condition)
        try query.binds.append(value)
        return query
    }

    static func fetch(_ connection: PostgresConnection, logger: Logger, id: Int64, now: Date) async throws -> Account? {
        try await connection.rows(try query("id = $1", id), logger: logger).first.map { try account($0, now: now) }
    }

    public func createAccount(_ fields: AccountFields, passwordHash: String?, now: Date) async throws -> Account {
        let new = try AccountChange.created(fields), logger = database.logger
        return try await database.transaction { connection in
            try await Self.checkFree(connection, logger: logger, username: new.username!)
            try await Self.checkManager(connection, logger: logger, new.managerId)
            let rows = try await connection.rows("""
                INSERT INTO account (username, name, email, department, manager_id, location, status, role, tier, password_hash, created_at, updated_at)
                VALUES (\(new.username), \(new.name), \(new.email), \(new.department), \(new.managerId), \(new.location), \(new.status?.rawValue),
                        \(new.role?.rawValue), \(new.tier.map(Int32.init)), \(passwordHash), \(now), \(now))
                RETURNING id
                """, logger: logger)
            return try await Self.fetch(connection, logger: logger, id: try rows[0].decode(Int64.self), now: now)!
        }
    }

    public func updateAccount(id: Int64, _ fields: AccountFields, now: Date) async throws -> Account {
        let logger = database.logger
        return try await database.transaction { connection in
            guard let old = try await connection.rows(try Self.query("id = $1 FOR UPDATE", id), logger: logger).first.map({ try Self.account($0, now: now) })
            else { throw HelpdeskError.notFound }
            let new = try AccountChange.updated(old, with: fields)
            if AccountChange.renames(old, to: new) { try await Self.checkFree(connection, logger: logger, username: new.username) }
            if let manager = fields.managerId { try await Self.checkManager(connection, logger: logger, manager) }
            try await connection.run("""
                UPDATE account SET username = \(new.username), name = \(new.name), email = \(new.email), department = \(new.department),
                    manager_id = \(new.managerId), location = \(new.location), status = \(new.status.rawValue), role = \(new.role.rawValue),
                    tier = \(new.tier.map(Int32.init)), updated_at = \(now)
                WHERE id = \(id)
                """, logger: logger)
            if AccountChange.endsSessions(old, new) { try await connection.run("DELETE FROM staff_session WHERE account_id = \(id)", logger: logger) }
            return try await Self.fetch(connection, logger: logger, id: id, now: now)!
        }
    }

    static func checkFree(_ connection: PostgresConnection, logger: Logger, username: String) async throws {
        guard try await connection.rows("SELECT 1 FROM account WHERE lower(username) = lower(\(username))", logger: logger).isEmpty else {
            throw HelpdeskError.conflict("the username \(username) is taken")
        }
    }

    static func checkManager(_ connection: PostgresConnection, logger: Logger, _ manager: Int64?) async throws {
        guard let manager else { return }
        guard try await !connection.rows("SELECT 1 FROM account WHERE id = \(manager)", logger: logger).isEmpty else {
            throw HelpdeskError.unprocessable("no account \(manager) to be the manager")
        }
    }

    public func setPasswordHash(accountID: Int64, _ hash: String, now: Date) async throws {
        let logger = database.logger
        try await database.transaction { connection in
            let updated = try await connection.rows("""
                UPDATE account SET password_hash = \(hash), failed_logins = 0, locked_until = NULL, updated_at = \(now) WHERE id = \(accountID) RETURNING id
                """, logger: logger)
            guard !updated.isEmpty else { throw HelpdeskError.notFound }
            try await connection.run("DELETE FROM staff_session WHERE account_id = \(accountID)", logger: logger)
        }
    }

    public func account(id: Int64, now: Date) async throws -> Account? {
        try await database.rows(try Self.query("id = $1", id)).first.map { try Self.account($0, now: now) }
    }

    public func account(username: String, now: Date) async throws -> Account? {
        try await database.rows(try Self.query("lower(username) = lower($1)", username)).first.map { try Self.account($0, now: now) }
    }

    public func passwordHash(accountID: Int64) async throws -> String? {
        try await database.rows("SELECT password_hash FROM account WHERE id = \(accountID)").first?.decode(String?.self)
    }

    public func hasAdminAccount() async throws -> Bool {
        try await !database.rows("SELECT 1 FROM account WHERE role = 'admin' LIMIT 1").isEmpty
    }

    public func accounts(matching query: AccountQuery, now: Date) async throws -> (items: [Account], total: Int) {
        var conditions: [String] = []
        var binds = PostgresBindings()
        if let text = query.text, !text.isEmpty {
            binds.append(LikePattern.contains(text))
            conditions.append("(username ILIKE $1 OR name ILIKE $1 OR email ILIKE $1 OR department ILIKE $1)")
        }
        if let role = query.role { binds.append(role.rawValue); conditions.append("role = $\(binds.count)") }
        if let status = query.status { binds.append(status.rawValue); conditions.append("status = $\(binds.count)") }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        var page = PostgresQuery(unsafeSQL: Self.columns + filter + " ORDER BY lower(username) LIMIT $\(binds.count + 1) OFFSET $\(binds.count + 2)",
                                 binds: binds)
        page.binds.append(query.limit)
        page.binds.append(query.offset)
        let count = PostgresQuery(unsafeSQL: "SELECT count(*) FROM account" + filter, binds: binds), logger = database.logger
        // One transaction, so that the page and its total agree (as they do on SQLite's read transaction).
        return try await database.transaction { connection in
            let items = try await connection.rows(page, logger: logger).map { try Self.account($0, now: now) }
            return (items, Int(try await connection.rows(count, logger: logger)[0].decode(Int64.self)))
        }
    }

    // MARK: - Signing in

    public func reserveLoginAttempt(username: String, now: Date, maxFailures: Int, lockSeconds: Int) async throws -> LoginAttempt {
        let logger = database.logger
        return try await database.transaction { connection in
            // The row lock makes parallel attempts on one account take turns, as SQLite's single writer does.
            guard let row = try await connection.rows("""
                SELECT id, password_hash, status, failed_logins, locked_until FROM account WHERE lower(username) = lower(\(username)) FOR UPDATE
                """, logger: logger).first else { return .refused }
            let (id, hash, status, failures, lockedUntil) = try row.decode((Int64, String?, String, Int32, Date?).self)
            switch SignInLockout.attempt(hasPassword: hash != nil, departed: status == AccountStatus.departed.rawValue,
                                         SignInLockout.State(failures: Int(failures), lockedUntil: lockedUntil), now: now,
                                         maxFailures: maxFailures, lockSeconds: lockSeconds) {
            case .refuse: return .refused
            case .locked: return .locked(accountID: id)
            case .check(let state):
                try await connection.run("""
                    UPDATE account SET failed_logins = \(Int32(state.failures)), locked_until = \(state.lockedUntil) WHERE id = \(id)
                    """, logger: logger)
                return .verify(accountID: id, passwordHash: hash!)
            }
        }
    }

    public func loginSucceeded(accountID: Int64, secret: String, now: Date, expiresAt: Date, idleExpiresAt: Date?) async throws {
        let logger = database.logger, digest = SecretDigest.sha256(secret)
        try await database.transaction { connection in
            try await connection.run("UPDATE account SET failed_logins = 0, locked_until = NULL WHERE id = \(accountID)", logger: logger)
            try await connection.run("""
                INSERT INTO staff_session (token_hash, account_id, created_at, expires_at, idle_expires_at)
                VALUES (\(digest), \(accountID), \(now), \(expiresAt), \(idleExpiresAt))
                """, logger: logger)
            try await connection.run("DELETE FROM staff_session WHERE expires_at < \(now)", logger: logger)
        }
    }

    public func endSession(secret: String) async throws {
        _ = try await database.rows("DELETE FROM staff_session WHERE token_hash = \(SecretDigest.sha256(secret))")
    }

    public func endSessions(accountID: Int64) async throws -> Int {
        try await database.rows("DELETE FROM staff_session WHERE account_id = \(accountID) RETURNING 1").count
    }

    public func touchSession(secret: String, until: Date, unless: Date) async throws {
        _ = try await database.rows("""
            UPDATE staff_session SET idle_expires_at = \(until)
            WHERE token_hash = \(SecretDigest.sha256(secret)) AND idle_expires_at IS NOT NULL AND idle_expires_at < \(unless)
            """)
    }

    public func principal(secret: String, now: Date) async throws -> Principal? {
        let digest = SecretDigest.sha256(secret)
        if let row = try await database.rows("""
            SELECT a.id, a.username, a.role, a.tier FROM staff_session s JOIN account a ON a.id = s.account_id
            WHERE s.token_hash = \(digest) AND s.expires_at > \(now) AND (s.idle_expires_at IS NULL OR s.idle_expires_at > \(now))
            AND a.status <> 'departed'
            """).first {
            let (id, username, role, tier) = try row.decode((Int64, String, String, Int32?).self)
            return Principal(role: try PostgresStore.word(role, "role"), accountID: id, tier: tier.map(Int.init), actor: username)
        }
        if let row = try await database.rows("SELECT name, role FROM api_token WHERE secret_hash = \(digest) AND revoked_at IS NULL").first {
            let (name, role) = try row.decode((String, String).self)
            return Principal.token(name: name, role: try PostgresStore.word(role, "role"))
        }
        return nil
    }

    // MARK: - API tokens

    public func createAPIToken(name: String, role: Role, now: Date) async throws -> CreatedAPIToken {
        let secret = "dsa_" + SecretDigest.randomHex(bytes: 32)
        let rows = try await database.rows("""
            INSERT INTO api_token (name, role, secret_hash, created_at) VALUES (\(name), \(role.rawValue), \(SecretDigest.sha256(secret)), \(now))
            RETURNING id
            """)
        return CreatedAPIToken(id: try rows[0].decode(Int64.self), name: name, role: role, token: secret)
    }

    public func apiTokens() async throws -> [APIToken] {
        try await database.rows("SELECT id, name, role, created_at, revoked_at FROM api_token ORDER BY id").map { row in
            let (id, name, role, created, revoked) = try row.decode((Int64, String, String, Date, Date?).self)
            return APIToken(id: id, name: name, role: try PostgresStore.word(role, "role"), createdAt: PostgresStore.text(created),
                            revokedAt: revoked.map(PostgresStore.text))
        }
    }

    public func revokeAPIToken(id: Int64, now: Date) async throws -> Bool {
        try await !database.rows("UPDATE api_token SET revoked_at = coalesce(revoked_at, \(now)) WHERE id = \(id) RETURNING id").isEmpty
    }
}
