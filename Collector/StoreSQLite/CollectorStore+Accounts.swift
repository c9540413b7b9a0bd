#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideHelpdesk
import GRDB

extension CollectorStore {
    /// A person: a requester, a technician, an admin or an auditor. The password hash never leaves the store.
    public struct Account: Codable, Sendable, Equatable {
        public var id: Int64
        public var username: String
        public var name: String
        public var email: String
        public var department: String
        public var managerId: Int64?
        public var location: String
        public var status: String
        public var role: Role
        public var tier: Int?
        public var locked: Bool
        public var createdAt: String
        public var updatedAt: String
    }

    /// The fields of an account a caller sets; `nil` leaves a field as it is on update.
    public struct AccountFields: Codable, Sendable, Equatable {
        public var username: String?
        public var name: String?
        public var email: String?
        public var department: String?
        public var managerId: Int64?
        public var location: String?
        public var status: String?
        public var role: Role?
        public var tier: Int?

        public init(username: String? = nil, name: String? = nil, email: String? = nil, department: String? = nil, managerId: Int64? = nil,
                    location: String? = nil, status: String? = nil, role: Role? = nil, tier: Int? = nil) {
            self.username = username
            self.name = name
            self.email = email
            self.department = department
            self.managerId = managerId
            self.location = location
            self.status = status
            self.role = role
            self.tier = tier
        }
    }

    static let accountColumns = "id, username, name, email, department, managerId, location, status, role, tier, lockedUntil, createdAt, updatedAt"

    static func account(_ row: Row, now: String) -> Account {
        Account(id: row["id"], username: row["username"], name: row["name"], email: row["email"], department: row["department"],
                managerId: row["managerId"], location: row["location"], status: row["status"], role: Role(rawValue: row["role"]) ?? .requester,
                tier: row["tier"], locked: (row["lockedUntil"] as String?).map { $0 > now } ?? false,
                createdAt: row["createdAt"], updatedAt: row["updatedAt"])
    }

    /// Creates an account. `passwordHash` is already hashed by the caller (bcrypt); `nil` for people
    /// who never sign in (requesters known only by their assets).
    public func createAccount(_ fields: AccountFields, passwordHash: String?, now: Date) throws -> Account {
        guard let username = fields.username, let name = fields.name, let role = fields.role else {
            throw HelpdeskError.invalid("username, name and role are required")
        }
        let time = Timestamp.text(now)
        return try pool.write { db in
            guard try Int.fetchOne(cached: db, sql: "SELECT 1 FROM account WHERE username = ?", arguments: [username]) == nil else {
                throw HelpdeskError.conflict("the username \(username) is taken")
            }
            if let manager = fields.managerId, try Int.fetchOne(cached: db, sql: "SELECT 1 FROM account WHERE id = ?", arguments: [manager]) == nil {
                throw HelpdeskError.unprocessable("no account \(manager) to be the manager")
            }
            try db.run("""
                INSERT INTO account (username, name, email, department, managerId, location, status, role, tier, passwordHash, createdAt, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [username, name, fields.email ?? "", fields.department ?? "", fields.managerId, fields.location ?? "",
                                 fields.status ?? "active", role.rawValue, role == .technician ? fields.tier : nil, passwordHash, time, time])
            return try Self.fetchAccount(db, id: db.lastInsertedRowID, now: time)!
        }
    }

    /// Changes an account. A change of role, tier or status, or a departure, ends the account's sessions.
    public func updateAccount(id: Int64, _ fields: AccountFields, now: Date) throws -> Account {
        let time = Timestamp.text(now)
        return try pool.write { db in
            guard let old = try Self.fetchAccount(db, id: id, now: time) else { throw HelpdeskError.notFound }
            if let username = fields.username, username.lowercased() != old.username.lowercased(),
               try Int.fetchOne(cached: db, sql: "SELECT 1 FROM account WHERE username = ?", arguments: [username]) != nil {
                throw HelpdeskError.conflict("the username \(username) is taken")
            }
            if let manager = fields.managerId {
                guard manager != id else { throw HelpdeskError.unprocessable("an account cannot manage itself") }
                guard try Int.fetchOne(cached: db, sql: "SELECT 1 FROM account WHERE id = ?", arguments: [manager]) != nil else {
                    throw HelpdeskError.unprocessable("no account \(manager) to be the manager")
                }
            }
            let role = fields.role ?? old.role
            let tier = role == .technician ? (fields.tier ?? old.tier) : nil
            guard role != .technician || tier != nil else { throw HelpdeskError.unprocessable("a technician needs a tier (1, 2 or 3)") }
            try db.run("""
                UPDATE account SET username = ?, name = ?, email = ?, department = ?, managerId = ?, location = ?, status = ?, role = ?, tier = ?, updatedAt = ?
                WHERE id = ?
                """, arguments: [fields.username ?? old.username, fields.name ?? old.name, fields.email ?? old.email,
                                 fields.department ?? old.department, fields.managerId ?? old.managerId, fields.location ?? old.location,
                                 fields.status ?? old.status, role.rawValue, tier, time, id])
            let new = try Self.fetchAccount(db, id: id, now: time)!
            if new.role != old.role || new.tier != old.tier || (new.status != old.status && new.status == "departed") {
                try db.run("DELETE FROM staffSession WHERE accountId = ?", arguments: [id])
            }
            return new
        }
    }

    /// Sets (or replaces) an account's password hash, unlocks it and ends its sessions.
    public func setPasswordHash(accountID: Int64, _ hash: String, now: Date) throws {
        try pool.write { db in
            try db.run("UPDATE account SET passwordHash = ?, failedLogins = 0, lockedUntil = NULL, updatedAt = ? WHERE id = ?",
                           arguments: [hash, Timestamp.text(now), accountID])
            guard db.changesCount == 1 else { throw HelpdeskError.notFound }
            try db.run("DELETE FROM staffSession WHERE accountId = ?", arguments: [accountID])
        }
    }

    public func account(id: Int64, now: Date) throws -> Account? {
        try pool.read { db in try Self.fetchAccount(db, id: id, now: Timestamp.text(now)) }
    }

    /// The account's password hash (bcrypt), for checking a current password; `nil` without one.
    public func passwordHash(accountID: Int64) throws -> String? {
        try pool.read { db in try String.fetchOne(cached: db, sql: "SELECT passwordHash FROM account WHERE id = ?", arguments: [accountID]) }
    }

    /// Whether any account has the admin role (the first start creates one when none has).
    public func hasAdminAccount() throws -> Bool {
        try pool.read { db in try Int.fetchOne(cached: db, sql: "SELECT 1 FROM account WHERE role = 'admin' LIMIT 1") != nil }
    }

    public struct AccountQuery: Sendable, Equatable {
        public var text: String?
        public var role: Role?
        public var status: String?
        public var limit = 50
        public var offset = 0

        public init() {}
    }

    /// Accounts by username, filtered.
    public func accounts(matching query: AccountQuery, now: Date) throws -> (items: [Account], total: Int) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let text = query.text, !text.isEmpty {
            conditions.append("(username LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR department LIKE ? ESCAPE '\\')")
            arguments += Array(repeating: SQLPattern.contains(text), count: 4)
        }
        if let role = query.role { conditions.append("role = ?"); arguments.append(role.rawValue) }
        if let status = query.status { conditions.append("status = ?"); arguments.append(status) }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try pool.read { db in
            let total = try Int.fetchOne(cached: db, sql: "SELECT count(*) FROM account" + filter, arguments: StatementArguments(arguments)) ?? 0
            let items = try Row.fetchAll(cached: db, sql: "SELECT \(Self.accountColumns) FROM account\(filter) ORDER BY username LIMIT ? OFFSET ?",
                                         arguments: StatementArguments(arguments + [query.limit, query.offset]))
                .map { Self.account($0, now: Timestamp.text(now)) }
            return (items, total)
        }
    }

    static func fetchAccount(_ db: Database, id: Int64, now: String) throws -> Account? {
        try Row.fetchOne(cached: db, sql: "SELECT \(Self.accountColumns) FROM account WHERE id = ?", arguments: [id]).map { account($0, now: now) }
    }

    // MARK: - Signing in

    /// The outcome of reserving a sign-in attempt.
    public enum LoginAttempt: Sendable, Equatable {
        /// Verify the password against this hash, then call `loginSucceeded`.
        case verify(accountID: Int64, passwordHash: String)
        /// Too many failures: refused without looking at the password.
        case locked(accountID: Int64)
        /// No such account, no password, or departed.
        case refused
    }

    /// Reserves one sign-in attempt, atomically: the failure count goes up *before* the password is
    /// checked, and the attempt that reaches `maxFailures` locks the account until `lockSeconds` from
    /// now. Parallel guesses therefore get at most `maxFailures` password checks between them; the
    /// one that succeeds resets the count (`loginSucceeded`).
    public func reserveLoginAttempt(username: String, now: Date, maxFailures: Int, lockSeconds: Int) throws -> LoginAttempt {
        let time = Timestamp.text(now)
        let until = Timestamp.text(now.addingTimeInterval(Double(lockSeconds)))
        return try pool.write { db in
            guard let row = try Row.fetchOne(cached: db, sql: "SELECT id, passwordHash, status, lockedUntil FROM account WHERE username = ?", arguments: [username]),
                  let hash = row["passwordHash"] as String?, (row["status"] as String) != "departed" else { return .refused }
            let id: Int64 = row["id"]
            if let locked = row["lockedUntil"] as String?, locked > time { return .locked(accountID: id) }
            try db.run("""
                UPDATE account SET failedLogins = CASE WHEN lockedUntil IS NOT NULL THEN 1 ELSE failedLogins + 1 END, lockedUntil = NULL WHERE id = ?
                """, arguments: [id])
            try db.run("UPDATE account SET lockedUntil = ? WHERE id = ? AND failedLogins >= ?", arguments: [until, id, maxFailures])
            return .verify(accountID: id, passwordHash: hash)
        }
    }

    /// A verified password: the failure count is cleared and a session starts. Only the SHA-256 of the
    /// session's secret is stored.
    /// A new session; `idleExpiresAt` for a console session, which ends when left unused that long.
    public func loginSucceeded(accountID: Int64, secret: String, now: Date, expiresAt: Date, idleExpiresAt: Date? = nil) throws {
        try pool.write { db in
            try db.run("UPDATE account SET failedLogins = 0, lockedUntil = NULL WHERE id = ?", arguments: [accountID])
            try db.run("INSERT INTO staffSession (tokenHash, accountId, createdAt, expiresAt, idleExpiresAt) VALUES (?, ?, ?, ?, ?)",
                       arguments: [Self.hash(secret), accountID, Timestamp.text(now), Timestamp.text(expiresAt), idleExpiresAt.map { Timestamp.text($0) }])
            try db.run("DELETE FROM staffSession WHERE expiresAt < ?", arguments: [Timestamp.text(now)])
        }
    }

    /// Ends one session (logout).
    public func endSession(secret: String) throws {
        try pool.write { db in try db.run("DELETE FROM staffSession WHERE tokenHash = ?", arguments: [Self.hash(secret)]) }
    }

    /// Ends every session of an account (sign out everywhere); returns how many.
    public func endSessions(accountID: Int64) throws -> Int {
        try pool.write { db in
            try db.run("DELETE FROM staffSession WHERE accountId = ?", arguments: [accountID])
            return db.changesCount
        }
    }

    /// Moves a console session's idle end to `until`, when it is due before `unless` (so that a
    /// burst of requests writes once, not once each).
    public func touchSession(secret: String, until: Date, unless: Date) throws {
        try pool.write { db in
            try db.run("UPDATE staffSession SET idleExpiresAt = ? WHERE tokenHash = ? AND idleExpiresAt IS NOT NULL AND idleExpiresAt < ?",
                       arguments: [Timestamp.text(until), Self.hash(secret), Timestamp.text(unless)])
        }
    }

    /// The caller holding this session or API token secret; `nil` when it is unknown, expired,
    /// revoked, or the account departed.
    public func principal(secret: String, now: Date) throws -> Principal? {
        let time = Timestamp.text(now)
        let tokenHash = Self.hash(secret)
        return try pool.read { db in
            if let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT account.id, account.username, account.role, account.tier FROM staffSession JOIN account ON account.id = staffSession.accountId
                WHERE staffSession.tokenHash = ? AND staffSession.expiresAt > ? AND (staffSession.idleExpiresAt IS NULL OR staffSession.idleExpiresAt > ?)
                AND account.status != 'departed'
                """), arguments: [tokenHash, time, time]), let role = Role(rawValue: row["role"]) {
                return Principal(role: role, accountID: row["id"], tier: row["tier"], actor: row["username"])
            }
            if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT name, role FROM apiToken WHERE secretHash = ? AND revokedAt IS NULL"),
                                          arguments: [tokenHash]), let role = Role(rawValue: row["role"]) {
                return Principal(role: role, accountID: nil, tier: role == .technician ? 3 : nil, actor: "token:" + (row["name"] as String))
            }
            return nil
        }
    }
}

/// LIKE patterns for user text: `%`, `_` and `\` match themselves.
enum SQLPattern {
    static func contains(_ text: String) -> String {
        "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
