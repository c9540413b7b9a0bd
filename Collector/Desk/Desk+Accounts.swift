#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideHelpdesk
public import DesksideAPI
public import DesksideStore
import HummingbirdBcrypt

extension Desk {
    /// A started session: the bearer secret (shown once), when it ends, and who signed in.
    public struct Session: Codable, Sendable {
        public var token: String
        public var expiresAt: Date
        public var account: Account
    }

    /// Where a password check (bcrypt, a quarter of a second of a core) runs: the sign-in gate's
    /// thread pool in the collector, so that a flood of sign-ins takes no thread anything else needs.
    public typealias PasswordCheckRunner = @Sendable (_ check: @escaping @Sendable () -> Bool) async throws -> Bool

    /// Signs in with a password. Every refusal looks the same (unknown user, wrong password, locked,
    /// departed), and an unknown user costs a bcrypt check too, so neither the answer nor its timing
    /// says which usernames exist. Parallel guesses get at most `maxFailedLogins` checks (SECURITY-TESTS 40).
    /// `console`: a browser session, which also ends when left unused for `consoleIdleMinutes`.
    public func login(username: String, password: String, console: Bool = false,
                      checkRunner: PasswordCheckRunner = { $0() }) async throws -> Session {
        let now = clock()
        guard !username.isEmpty, username.count <= 64, password.count <= 256 else { throw DeskAuthError.refused }
        let attempt = try await accounts.reserveLoginAttempt(username: username, now: now, maxFailures: settings.maxFailedLogins,
                                                             lockSeconds: settings.lockoutMinutes * 60)
        switch attempt {
        case .verify(let accountID, let hash):
            guard try await checkRunner({ Bcrypt.verify(password, hash: hash) }) else {
                try await audit(actor: "account:\(accountID)", action: "login", allowed: false, detail: "wrong password", at: now)
                throw DeskAuthError.refused
            }
            let secret = "dss_" + SecretDigest.randomHex(bytes: 32)
            let expires = now.addingTimeInterval(Double(settings.sessionHours) * 3600)
            let idle = console ? now.addingTimeInterval(Double(settings.consoleIdleMinutes) * 60) : nil
            try await accounts.loginSucceeded(accountID: accountID, secret: secret, now: now, expiresAt: expires, idleExpiresAt: idle)
            try await audit(actor: "account:\(accountID)", action: "login", allowed: true, detail: "", at: now)
            guard let account = try await accounts.account(id: accountID, now: now) else { throw DeskAuthError.refused }
            return Session(token: secret, expiresAt: expires, account: account)
        case .locked(let accountID):
            _ = try await checkRunner({ Bcrypt.verify(password, hash: Self.decoyHash) })
            try await audit(actor: "account:\(accountID)", action: "login", allowed: false, detail: "locked", at: now)
            throw DeskAuthError.refused
        case .refused:
            // What was typed as a username is not logged: it may be a password typed in the wrong field.
            _ = try await checkRunner({ Bcrypt.verify(password, hash: Self.decoyHash) })
            try await audit(actor: "-", action: "login", allowed: false, detail: "unknown, departed or password-less account", at: now)
            throw DeskAuthError.refused
        }
    }

    /// Ends the session holding `secret` (API tokens are revoked with `deskside-collector token`, not here).
    public func logout(secret: String) async throws {
        try await accounts.endSession(secret: secret)
    }

    /// Signs an account out of every session it has (the console's "sign out everywhere").
    public func logoutEverywhere(_ principal: Principal) async throws -> Int {
        guard let account = principal.accountID else { throw HelpdeskError.forbidden }
        let ended = try await accounts.endSessions(accountID: account)
        try await audit(actor: principal.actor, action: "logout.everywhere", allowed: true, detail: "\(ended) sessions", at: clock())
        return ended
    }

    /// The caller of a console request, whose use keeps the session from ending idle.
    public func consolePrincipal(secret: String) async throws -> Principal? {
        guard let principal = try await principal(secret: secret) else { return nil }
        let now = clock(), idle = Double(settings.consoleIdleMinutes) * 60
        try await accounts.touchSession(secret: secret, until: now.addingTimeInterval(idle), unless: now.addingTimeInterval(idle - 60))
        return principal
    }

    /// The caller holding a session or API token secret.
    public func principal(secret: String) async throws -> Principal? {
        guard secret.count <= 256 else { return nil }
        return try await accounts.principal(secret: secret, now: clock())
    }

    public func me(_ principal: Principal) async throws -> Account? {
        guard let id = principal.accountID else { return nil }
        return try await accounts.account(id: id, now: clock())
    }

    // MARK: - API tokens

    public func apiTokens(_ principal: Principal) async throws -> [APIToken] {
        try requireAdmin(principal)
        return try await accounts.apiTokens()
    }

    /// Admins make tokens for automation, each with a role of its own; the secret is in the answer only.
    public func createAPIToken(_ principal: Principal, name: String, role: Role) async throws -> CreatedAPIToken {
        try requireAdmin(principal)
        guard (1...100).contains(TextLimits.length(name)) else { throw HelpdeskError.invalid("a token's name is 1 to 100 characters") }
        let token = try await accounts.createAPIToken(name: name, role: role, now: clock())
        try await audit(actor: principal.actor, action: "apiToken.create", allowed: true, detail: "\(name) as \(role.rawValue)", at: clock())
        return token
    }

    public func revokeAPIToken(_ principal: Principal, id: Int64) async throws {
        try requireAdmin(principal)
        guard try await accounts.revokeAPIToken(id: id, now: clock()) else { throw HelpdeskError.notFound }
        try await audit(actor: principal.actor, action: "apiToken.revoke", allowed: true, detail: String(id), at: clock())
    }

    // MARK: - Accounts

    public func accounts(_ principal: Principal, _ query: AccountQuery) async throws -> (items: [Account], total: Int) {
        try requireReader(principal)
        return try await accounts.accounts(matching: query, now: clock())
    }

    /// The account with exactly this username (forms name people by username), for readers.
    public func account(_ principal: Principal, username: String) async throws -> Account? {
        try requireReader(principal)
        return try await accounts.account(username: username, now: clock())
    }

    public func account(_ principal: Principal, id: Int64) async throws -> Account {
        guard principal.role.readsEverything || principal.accountID == id, let account = try await accounts.account(id: id, now: clock()) else {
            throw HelpdeskError.notFound
        }
        return account
    }

    /// Admins create accounts; a password is optional (requesters may never sign in).
    public func createAccount(_ principal: Principal, _ fields: AccountFields, password: String?) async throws -> Account {
        try requireAdmin(principal)
        try Self.check(fields)
        let hash = try password.map { try hashPassword($0) }
        let account = try await accounts.createAccount(fields, passwordHash: hash, now: clock())
        try await audit(actor: principal.actor, action: "account.create", allowed: true, detail: "\(account.username) as \(account.role.rawValue)", at: clock())
        return account
    }

    /// Admins change accounts; a change of role, tier or a departure ends that account's sessions.
    public func updateAccount(_ principal: Principal, id: Int64, _ fields: AccountFields) async throws -> Account {
        try requireAdmin(principal)
        try Self.check(fields)
        let account = try await accounts.updateAccount(id: id, fields, now: clock())
        try await audit(actor: principal.actor, action: "account.update", allowed: true, detail: account.username, at: clock())
        return account
    }

    /// An admin sets anyone's password; anyone signed in sets their own, giving the current one (a
    /// stolen session must not be enough to take the account). Sessions of that account end.
    public func setPassword(_ principal: Principal, accountID: Int64, password: String, currentPassword: String?) async throws {
        guard principal.role == .admin || principal.accountID == accountID else { throw HelpdeskError.forbidden }
        if principal.role != .admin {
            guard let current = currentPassword, let hash = try await accounts.passwordHash(accountID: accountID), Bcrypt.verify(current, hash: hash) else {
                throw HelpdeskError.unprocessable("the current password is wrong")
            }
        }
        try await accounts.setPasswordHash(accountID: accountID, try hashPassword(password), now: clock())
        try await audit(actor: principal.actor, action: "account.password", allowed: true, detail: String(accountID), at: clock())
    }

    /// The first admin account, made by `serve`'s first start when none exists; returns its password.
    public func bootstrapAdmin(username: String) async throws -> String? {
        guard try await !accounts.hasAdminAccount() else { return nil }
        let password = SecretDigest.randomHex(bytes: 16)
        _ = try await accounts.createAccount(.init(username: username, name: "Administrator", role: .admin), passwordHash: try hashPassword(password),
                                    now: clock())
        return password
    }

    func hashPassword(_ password: String) throws -> String {
        guard (10...256).contains(TextLimits.length(password)) else { throw HelpdeskError.invalid("a password is 10 to 256 characters") }
        return Bcrypt.hash(password, cost: passwordCost)
    }

    static func check(_ fields: AccountFields) throws {
        if let tier = fields.tier, !(1...3).contains(tier) { throw HelpdeskError.invalid("tier must be 1, 2 or 3") }
        if let username = fields.username {
            try TextLimits.check(username, 1...TextLimits.username, "a username is 1 to \(TextLimits.username) characters")
        }
        for (name, value) in [("name", fields.name), ("email", fields.email), ("department", fields.department),
                              ("location", fields.location)] {
            if let value { try TextLimits.check(value, 0...TextLimits.field, "\(name) is longer than \(TextLimits.field) characters") }
        }
        if let username = fields.username, !TextLimits.isWord(username) {
            throw HelpdeskError.invalid("a username is one word")
        }
    }

    /// A bcrypt hash of nothing anyone knows: refused sign-ins cost as much as real ones.
    static let decoyHash = Bcrypt.hash(SecretDigest.randomHex(bytes: 16), cost: 12)

}

/// Sign-in refused: one answer for every reason.
public enum DeskAuthError: Error, Equatable {
    case refused
}
