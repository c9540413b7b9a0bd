#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAPI
public import DesksideHelpdesk

/// Accounts, their sign-in (attempts, lockout, sessions) and the API tokens, as each engine stores
/// them (`SQLiteAccounts` on GRDB, `PostgresAccounts` on postgres-nio). Each call is one transaction.
/// Who may call what, text limits and password hashing are the desk's; how an update merges and when
/// it ends sessions is `AccountChange`'s (DesksideHelpdesk). A repository checks only what needs the
/// database: a username taken (`HelpdeskError.conflict`, case-insensitive), a manager that does not
/// exist (`.unprocessable`), an id that does not exist (`.notFound`).
///
/// Secrets (sessions' and tokens') are stored only as their SHA-256 (`SecretDigest`).
public protocol AccountRepository: Sendable {
    /// `passwordHash` is already hashed by the desk (bcrypt); `nil` for people who never sign in.
    func createAccount(_ fields: AccountFields, passwordHash: String?, now: Date) async throws -> Account
    /// A change of role, tier or a departure ends the account's sessions (`AccountChange.endsSessions`).
    func updateAccount(id: Int64, _ fields: AccountFields, now: Date) async throws -> Account
    /// Replaces the password hash, unlocks the account and ends its sessions.
    func setPasswordHash(accountID: Int64, _ hash: String, now: Date) async throws
    func account(id: Int64, now: Date) async throws -> Account?
    /// The account with this username, whatever its case.
    func account(username: String, now: Date) async throws -> Account?
    func passwordHash(accountID: Int64) async throws -> String?
    func hasAdminAccount() async throws -> Bool
    /// By username; `text` is matched as typed (`%` and `_` are not wildcards) in the username, name,
    /// email and department. `total` counts every match.
    func accounts(matching query: AccountQuery, now: Date) async throws -> (items: [Account], total: Int)

    /// Reserves one sign-in attempt: reads the account's lockout and stores what `SignInLockout`
    /// decides, under a lock on its row, so that parallel guesses take turns.
    func reserveLoginAttempt(username: String, now: Date, maxFailures: Int, lockSeconds: Int) async throws -> LoginAttempt
    /// A verified password: the failure count is cleared and a session starts (`idleExpiresAt` for a
    /// console session, which also ends when left unused). Expired sessions are removed.
    func loginSucceeded(accountID: Int64, secret: String, now: Date, expiresAt: Date, idleExpiresAt: Date?) async throws
    func endSession(secret: String) async throws
    /// Every session of the account; how many there were.
    func endSessions(accountID: Int64) async throws -> Int
    /// Moves a console session's idle end to `until` when it is due before `unless` (so that a burst
    /// of requests writes once).
    func touchSession(secret: String, until: Date, unless: Date) async throws
    /// The caller holding this session or API token secret; `nil` when it is unknown, expired, idle
    /// too long, revoked, or the account departed.
    func principal(secret: String, now: Date) async throws -> Principal?

    /// A new token with a role; its secret is in the answer only.
    func createAPIToken(name: String, role: Role, now: Date) async throws -> CreatedAPIToken
    /// By id, revoked ones too.
    func apiTokens() async throws -> [APIToken]
    /// `false` when there is no such token.
    func revokeAPIToken(id: Int64, now: Date) async throws -> Bool
}

/// Which accounts to list.
public struct AccountQuery: Sendable, Equatable {
    public var text: String?
    public var role: Role?
    public var status: AccountStatus?
    public var limit = 50
    public var offset = 0

    public init(text: String? = nil, role: Role? = nil, status: AccountStatus? = nil, limit: Int = 50, offset: Int = 0) {
        self.text = text
        self.role = role
        self.status = status
        self.limit = limit
        self.offset = offset
    }
}

/// The outcome of reserving a sign-in attempt.
public enum LoginAttempt: Sendable, Equatable {
    /// Verify the password against this hash, then call `loginSucceeded`.
    case verify(accountID: Int64, passwordHash: String)
    /// Too many failures: refused without looking at the password.
    case locked(accountID: Int64)
    /// No such account, no password, or departed.
    case refused
}
