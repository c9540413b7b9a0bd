import DesksideAPI
import DesksideHelpdesk
import DesksideJSON
import DesksideStore
import Foundation
import Testing

/// `AccountRepository` on both engines: accounts and their rules, sign-in attempts and lockout
/// (parallel guesses included), sessions (expiry, idle end, departure), API tokens.
@Suite struct AccountConformanceTests {
    let now = Date(timeIntervalSince1970: 1_796_000_000)
    var nowText: String { ISO8601.format(secondsSince1970: now.timeIntervalSince1970) }

    static func fields(_ username: String, _ role: Role = .requester, tier: Int? = nil) -> AccountFields {
        AccountFields(username: username, name: username.capitalized, email: "\(username)@example.com", role: role, tier: tier)
    }

    @Test(arguments: Engine.allCases)
    func anAccountIsStoredAsWrittenWithItsDefaults(_ engine: Engine) async throws {
        try await engine.withAccounts { accounts in
            #expect(try await !accounts.hasAdminAccount())
            let boss = try await accounts.createAccount(Self.fields("boss", .admin), passwordHash: "h", now: now)
            let tess = try await accounts.createAccount(AccountFields(username: "Tess", name: "Tess T", department: "IT", managerId: boss.id,
                                                                      location: "HQ / 2", role: .technician, tier: 2), passwordHash: nil, now: now)
            #expect(tess.username == "Tess" && tess.name == "Tess T" && tess.email == "" && tess.department == "IT" && tess.location == "HQ / 2")
            #expect(tess.managerId == boss.id && tess.status == .active && tess.role == .technician && tess.tier == 2 && !tess.locked)
            #expect(tess.createdAt == nowText && tess.updatedAt == nowText)
            #expect(try await accounts.account(id: tess.id, now: now) == tess)
            #expect(try await accounts.account(username: "tESS", now: now) == tess, "usernames are found whatever their case")
            #expect(try await accounts.account(id: tess.id + 100, now: now) == nil)
            #expect(try await accounts.hasAdminAccount())
            #expect(try await accounts.passwordHash(accountID: boss.id) == "h")
            #expect(try await accounts.passwordHash(accountID: tess.id) == nil)
            // A tier only for a technician.
            let auditor = try await accounts.createAccount(AccountFields(username: "audrey", name: "A", role: .auditor, tier: 3), passwordHash: nil, now: now)
            #expect(auditor.tier == nil)
        }
    }

    @Test(arguments: Engine.allCases)
    func whatCannotBeStoredIsRefusedAndNothingChanges(_ engine: Engine) async throws {
        try await engine.withAccounts { accounts in
            let tess = try await accounts.createAccount(Self.fields("tess", .technician, tier: 1), passwordHash: nil, now: now)
            await #expect(throws: HelpdeskError.conflict("the username TESS is taken")) {
                try await accounts.createAccount(Self.fields("TESS"), passwordHash: nil, now: now)
            }
            await #expect(throws: HelpdeskError.invalid("username, name and role are required")) {
                try await accounts.createAccount(AccountFields(username: "x"), passwordHash: nil, now: now)
            }
            await #expect(throws: HelpdeskError.invalid("a technician needs a tier (1, 2 or 3)")) {
                try await accounts.createAccount(Self.fields("tom", .technician), passwordHash: nil, now: now)
            }
            await #expect(throws: HelpdeskError.unprocessable("no account 999 to be the manager")) {
                try await accounts.createAccount(AccountFields(username: "ann", name: "Ann", managerId: 999, role: .requester), passwordHash: nil, now: now)
            }
            let ann = try await accounts.createAccount(Self.fields("ann"), passwordHash: nil, now: now)
            await #expect(throws: HelpdeskError.conflict("the username Tess is taken")) {
                try await accounts.updateAccount(id: ann.id, AccountFields(username: "Tess"), now: now)
            }
            await #expect(throws: HelpdeskError.unprocessable("an account cannot manage itself")) {
                try await accounts.updateAccount(id: ann.id, AccountFields(managerId: ann.id), now: now)
            }
            await #expect(throws: HelpdeskError.unprocessable("a technician needs a tier (1, 2 or 3)")) {
                try await accounts.updateAccount(id: ann.id, AccountFields(role: .technician), now: now)
            }
            await #expect(throws: HelpdeskError.notFound) { try await accounts.updateAccount(id: 999, AccountFields(name: "x"), now: now) }
            await #expect(throws: HelpdeskError.notFound) { try await accounts.setPasswordHash(accountID: 999, "h", now: now) }
            #expect(try await accounts.accounts(matching: AccountQuery(), now: now).items.map(\.username) == ["ann", "tess"])
            #expect(try await accounts.account(id: tess.id, now: now) == tess)
            // Renaming to one's own name in another case is no conflict.
            #expect(try await accounts.updateAccount(id: ann.id, AccountFields(username: "Ann"), now: now).username == "Ann")
        }
    }

    @Test(arguments: Engine.allCases)
    func anUpdateChangesOnlyWhatItGivesAndSomeChangesEndSessions(_ engine: Engine) async throws {
        try await engine.withAccounts { accounts in
            let tess = try await accounts.createAccount(Self.fields("tess", .technician, tier: 1), passwordHash: "h", now: now)
            let later = now.addingTimeInterval(60)
            func signIn(_ secret: String) async throws {
                try await accounts.loginSucceeded(accountID: tess.id, secret: secret, now: now, expiresAt: now.addingTimeInterval(3600), idleExpiresAt: nil)
            }
            try await signIn("s1")
            let moved = try await accounts.updateAccount(id: tess.id, AccountFields(department: "Support", location: "Lyon"), now: later)
            #expect(moved.department == "Support" && moved.location == "Lyon" && moved.name == tess.name && moved.tier == 1)
            #expect(moved.updatedAt == ISO8601.format(secondsSince1970: later.timeIntervalSince1970) && moved.createdAt == tess.createdAt)
            #expect(try await accounts.principal(secret: "s1", now: later) != nil, "a change of department keeps the sessions")

            let promoted = try await accounts.updateAccount(id: tess.id, AccountFields(tier: 2), now: later)
            #expect(promoted.tier == 2)
            #expect(try await accounts.principal(secret: "s1", now: later) == nil, "a new tier ends the sessions")

            try await signIn("s2")
            let admin = try await accounts.updateAccount(id: tess.id, AccountFields(role: .admin), now: later)
            #expect(admin.role == .admin && admin.tier == nil, "the tier goes with the technician role")
            #expect(try await accounts.principal(secret: "s2", now: later) == nil)

            try await signIn("s3")
            #expect(try await accounts.updateAccount(id: tess.id, AccountFields(status: .departed), now: later).status == .departed)
            #expect(try await accounts.principal(secret: "s3", now: later) == nil, "a departure ends the sessions")
        }
    }

    @Test(arguments: Engine.allCases)
    func listsFilterByTextRoleAndStatusWithWildcardsTakenAsTyped(_ engine: Engine) async throws {
        try await engine.withAccounts { accounts in
            for (username, role, department) in [("alice", Role.requester, "Sales"), ("bob_smith", .requester, "100% Sales"), ("Carol", .auditor, "Audit"),
                                                 ("dave", .technician, "IT"), ("erin", .admin, "IT")] {
                _ = try await accounts.createAccount(AccountFields(username: username, name: username, department: department, role: role,
                                                                   tier: role == .technician ? 1 : nil), passwordHash: nil, now: now)
            }
            _ = try await accounts.updateAccount(id: try #require(try await accounts.account(username: "dave", now: now)).id,
                                                 AccountFields(status: .onboarding), now: now)
            func names(_ query: AccountQuery) async throws -> [String] { try await accounts.accounts(matching: query, now: now).items.map(\.username) }
            #expect(try await names(AccountQuery()) == ["alice", "bob_smith", "Carol", "dave", "erin"], "by username, whatever its case")
            #expect(try await names(AccountQuery(text: "SALES")) == ["alice", "bob_smith"])
            #expect(try await names(AccountQuery(text: "_")) == ["bob_smith"], "an underscore is not a wildcard")
            #expect(try await names(AccountQuery(text: "100%")) == ["bob_smith"], "nor is a percent sign")
            #expect(try await names(AccountQuery(text: "%")) == ["bob_smith"])
            #expect(try await names(AccountQuery(text: "\\")) == [])
            #expect(try await names(AccountQuery(role: .requester)) == ["alice", "bob_smith"])
            #expect(try await names(AccountQuery(status: .onboarding)) == ["dave"])
            #expect(try await names(AccountQuery(text: "it", status: .active)) == ["bob_smith", "Carol", "erin"], "smith, Audit and IT; dave is onboarding")
            let page = try await accounts.accounts(matching: AccountQuery(limit: 2, offset: 1), now: now)
            #expect(page.items.map(\.username) == ["bob_smith", "Carol"] && page.total == 5)
        }
    }

    @Test(arguments: Engine.allCases)
    func signInAttemptsLockTheAccountAfterTooManyFailures(_ engine: Engine) async throws {
        try await engine.withAccounts { accounts in
            let tess = try await accounts.createAccount(Self.fields("tess", .technician, tier: 1), passwordHash: "bcrypt-of-tess", now: now)
            _ = try await accounts.createAccount(Self.fields("nopass"), passwordHash: nil, now: now)
            #expect(try await accounts.reserveLoginAttempt(username: "nobody", now: now, maxFailures: 3, lockSeconds: 600) == .refused)
            #expect(try await accounts.reserveLoginAttempt(username: "nopass", now: now, maxFailures: 3, lockSeconds: 600) == .refused)
            for _ in 1...3 {
                #expect(try await accounts.reserveLoginAttempt(username: "TESS", now: now, maxFailures: 3, lockSeconds: 600)
                        == .verify(accountID: tess.id, passwordHash: "bcrypt-of-tess"))
            }
            #expect(try await accounts.reserveLoginAttempt(username: "tess", now: now, maxFailures: 3, lockSeconds: 600) == .locked(accountID: tess.id))
            #expect(try await accounts.account(id: tess.id, now: now)?.locked == true)
            let later = now.addingTimeInterval(601)
            #expect(try await accounts.account(id: tess.id, now: later)?.locked == false, "the lock ends")
            #expect(try await accounts.reserveLoginAttempt(username: "tess", now: later, maxFailures: 3, lockSeconds: 600)
                    == .verify(accountID: tess.id, passwordHash: "bcrypt-of-tess"), "and the count starts again")
            // A new password unlocks at once.
            for _ in 1...2 { _ = try await accounts.reserveLoginAttempt(username: "tess", now: later, maxFailures: 3, lockSeconds: 600) }
            #expect(try await accounts.reserveLoginAttempt(username: "tess", now: later, maxFailures: 3, lockSeconds: 600) == .locked(accountID: tess.id))
            try await accounts.setPasswordHash(accountID: tess.id, "new-hash", now: later)
            #expect(try await accounts.reserveLoginAttempt(username: "tess", now: later, maxFailures: 3, lockSeconds: 600)
                    == .verify(accountID: tess.id, passwordHash: "new-hash"))
            // A success clears the count.
            try await accounts.loginSucceeded(accountID: tess.id, secret: "s", now: later, expiresAt: later.addingTimeInterval(60), idleExpiresAt: nil)
            for _ in 1...2 { _ = try await accounts.reserveLoginAttempt(username: "tess", now: later, maxFailures: 3, lockSeconds: 600) }
            #expect(try await accounts.account(id: tess.id, now: later)?.locked == false)
            // Departed: refused before any check.
            _ = try await accounts.updateAccount(id: tess.id, AccountFields(status: .departed), now: later)
            #expect(try await accounts.reserveLoginAttempt(username: "tess", now: later, maxFailures: 3, lockSeconds: 600) == .refused)
        }
    }

    /// SECURITY-TESTS 40 on both engines: forty parallel guesses get at most `maxFailures` password checks.
    @Test(arguments: Engine.allCases)
    func parallelGuessesGetAtMostTheAllowedChecks(_ engine: Engine) async throws {
        try await engine.withAccounts { accounts in
            _ = try await accounts.createAccount(Self.fields("tess", .technician, tier: 1), passwordHash: "h", now: now)
            let now = self.now
            let outcomes = try await withThrowingTaskGroup(of: LoginAttempt.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await accounts.reserveLoginAttempt(username: "tess", now: now, maxFailures: 5, lockSeconds: 600) }
                }
                return try await group.reduce(into: [LoginAttempt]()) { $0.append($1) }
            }
            let checks = outcomes.filter { if case .verify = $0 { true } else { false } }.count
            #expect(checks == 5, "password checks allowed: \(checks) of 40")
        }
    }

    @Test(arguments: Engine.allCases)
    func sessionsEndWhenTheyExpireIdleOrAreEnded(_ engine: Engine) async throws {
        try await engine.withAccounts { accounts in
            let tess = try await accounts.createAccount(Self.fields("tess", .technician, tier: 2), passwordHash: "h", now: now)
            let hour = now.addingTimeInterval(3600)
            try await accounts.loginSucceeded(accountID: tess.id, secret: "api", now: now, expiresAt: hour, idleExpiresAt: nil)
            try await accounts.loginSucceeded(accountID: tess.id, secret: "console", now: now, expiresAt: hour, idleExpiresAt: now.addingTimeInterval(600))
            #expect(try await accounts.principal(secret: "api", now: now) == Principal(role: .technician, accountID: tess.id, tier: 2, actor: "tess"))
            #expect(try await accounts.principal(secret: "unknown", now: now) == nil)
            // The console session ends idle unless touched; a touch due later than `unless` writes nothing.
            let fiveMinutes = now.addingTimeInterval(300)
            try await accounts.touchSession(secret: "console", until: now.addingTimeInterval(900), unless: now.addingTimeInterval(300))
            #expect(try await accounts.principal(secret: "console", now: now.addingTimeInterval(700)) == nil, "not touched: its idle end stayed")
            try await accounts.touchSession(secret: "console", until: fiveMinutes.addingTimeInterval(900), unless: fiveMinutes.addingTimeInterval(840))
            #expect(try await accounts.principal(secret: "console", now: now.addingTimeInterval(1100)) != nil, "touched: it lives on")
            #expect(try await accounts.principal(secret: "console", now: now.addingTimeInterval(1300)) == nil, "then ends idle")
            #expect(try await accounts.principal(secret: "api", now: hour) == nil, "every session ends at its expiry")
            // Ending one session, then all.
            try await accounts.loginSucceeded(accountID: tess.id, secret: "a", now: now, expiresAt: hour, idleExpiresAt: nil)
            try await accounts.loginSucceeded(accountID: tess.id, secret: "b", now: now, expiresAt: hour, idleExpiresAt: nil)
            try await accounts.endSession(secret: "a")
            #expect(try await accounts.principal(secret: "a", now: now) == nil)
            #expect(try await accounts.principal(secret: "b", now: now) != nil)
            #expect(try await accounts.endSessions(accountID: tess.id) == 3, "b, api, and the console session that ended idle (a row until swept)")
            #expect(try await accounts.principal(secret: "b", now: now) == nil)
        }
    }

    @Test(arguments: Engine.allCases)
    func apiTokensSignInUntilRevokedAndTheirSecretIsShownOnce(_ engine: Engine) async throws {
        try await engine.withAccounts { accounts in
            let made = try await accounts.createAPIToken(name: "inventory sync", role: .technician, now: now)
            #expect(made.token.hasPrefix("dsa_") && made.token.count == 68 && made.role == .technician)
            let other = try await accounts.createAPIToken(name: "reports", role: .auditor, now: now)
            #expect(made.token != other.token)
            #expect(try await accounts.principal(secret: made.token, now: now) == .token(name: "inventory sync", role: .technician))
            #expect(try await accounts.apiTokens() == [APIToken(id: made.id, name: "inventory sync", role: .technician, createdAt: nowText, revokedAt: nil),
                                                       APIToken(id: other.id, name: "reports", role: .auditor, createdAt: nowText, revokedAt: nil)])
            let later = now.addingTimeInterval(60)
            #expect(try await accounts.revokeAPIToken(id: made.id, now: later))
            #expect(try await accounts.revokeAPIToken(id: made.id, now: later.addingTimeInterval(60)), "revoking again is no error")
            #expect(try await !accounts.revokeAPIToken(id: 999, now: later))
            #expect(try await accounts.principal(secret: made.token, now: later) == nil)
            #expect(try await accounts.apiTokens().first?.revokedAt == ISO8601.format(secondsSince1970: later.timeIntervalSince1970),
                    "the first revocation's time is kept")
        }
    }
}
