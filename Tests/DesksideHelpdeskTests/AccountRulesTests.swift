import DesksideAPI
import DesksideHelpdesk
import Foundation
import Testing

/// The account rules on their own: how an account is made and changed (`AccountChange`), the
/// sign-in lockout (`SignInLockout`), an API token's caller, and the fault rules' list.
@Suite struct AccountRulesTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)
    static let tess = Account(id: 4, username: "tess", name: "Tess", email: "t@example.com", department: "IT", managerId: 1, location: "HQ",
                              status: .active, role: .technician, tier: 1, locked: false, createdAt: "c", updatedAt: "u")

    @Test func aNewAccountIsCompleteAndATierIsOnlyATechniciansOwn() throws {
        let made = try AccountChange.created(AccountFields(username: "ann", name: "Ann", role: .admin, tier: 2))
        #expect(made == AccountFields(username: "ann", name: "Ann", email: "", department: "", managerId: nil, location: "", status: .active,
                                      role: .admin, tier: nil))
        #expect(throws: HelpdeskError.invalid("username, name and role are required")) { try AccountChange.created(AccountFields(username: "x")) }
        #expect(throws: HelpdeskError.invalid("a technician needs a tier (1, 2 or 3)")) {
            try AccountChange.created(AccountFields(username: "t", name: "T", role: .technician))
        }
    }

    @Test func anUpdateKeepsWhatItDoesNotGiveAndEndsSessionsOnlyWhenItMust() throws {
        let moved = try AccountChange.updated(Self.tess, with: AccountFields(location: "Lyon"))
        #expect(moved.location == "Lyon" && moved.tier == 1 && moved.role == .technician && moved.managerId == 1)
        #expect(!AccountChange.endsSessions(Self.tess, moved))
        let admin = try AccountChange.updated(Self.tess, with: AccountFields(role: .admin))
        #expect(admin.tier == nil && AccountChange.endsSessions(Self.tess, admin))
        #expect(AccountChange.endsSessions(Self.tess, try AccountChange.updated(Self.tess, with: AccountFields(tier: 2))))
        #expect(AccountChange.endsSessions(Self.tess, try AccountChange.updated(Self.tess, with: AccountFields(status: .departed))))
        #expect(!AccountChange.endsSessions(Self.tess, try AccountChange.updated(Self.tess, with: AccountFields(status: .onboarding))))
        #expect(throws: HelpdeskError.unprocessable("an account cannot manage itself")) {
            try AccountChange.updated(Self.tess, with: AccountFields(managerId: 4))
        }
        var requester = Self.tess
        (requester.role, requester.tier) = (.requester, nil)
        #expect(throws: HelpdeskError.unprocessable("a technician needs a tier (1, 2 or 3)")) {
            try AccountChange.updated(requester, with: AccountFields(role: .technician))
        }
        #expect(!AccountChange.renames(Self.tess, to: try AccountChange.updated(Self.tess, with: AccountFields(username: "TESS"))))
        #expect(AccountChange.renames(Self.tess, to: try AccountChange.updated(Self.tess, with: AccountFields(username: "tessa"))))
    }

    @Test func theAttemptThatReachesTheLimitLocksAndALockThatEndedStartsANewRun() {
        func attempt(_ state: SignInLockout.State, at now: Date = Self.now) -> SignInLockout.Decision {
            SignInLockout.attempt(hasPassword: true, departed: false, state, now: now, maxFailures: 3, lockSeconds: 600)
        }
        #expect(attempt(.init(failures: 0, lockedUntil: nil)) == .check(.init(failures: 1, lockedUntil: nil)))
        #expect(attempt(.init(failures: 2, lockedUntil: nil)) == .check(.init(failures: 3, lockedUntil: Self.now.addingTimeInterval(600))))
        let locked = SignInLockout.State(failures: 3, lockedUntil: Self.now.addingTimeInterval(600))
        #expect(attempt(locked) == .locked)
        #expect(attempt(locked, at: Self.now.addingTimeInterval(601)) == .check(.init(failures: 1, lockedUntil: nil)))
        #expect(SignInLockout.attempt(hasPassword: false, departed: false, .init(failures: 0, lockedUntil: nil), now: Self.now, maxFailures: 3,
                                      lockSeconds: 600) == .refuse)
        #expect(SignInLockout.attempt(hasPassword: true, departed: true, .init(failures: 0, lockedUntil: nil), now: Self.now, maxFailures: 3,
                                      lockSeconds: 600) == .refuse)
    }

    @Test func aTokenHasNoAccountAndATechnicianTokenWorksEveryTier() {
        #expect(Principal.token(name: "sync", role: .technician) == Principal(role: .technician, accountID: nil, tier: 3, actor: "token:sync"))
        #expect(Principal.token(name: "audit", role: .auditor).tier == nil)
    }

    @Test func theListedRulesAreTheStoredOnesOverTheDefaults() {
        let quiet = FaultRule(code: "reboot.required", opensTicket: false, category: "x", impact: .low, urgency: .low, tier: 2)
        let vendor = FaultRule(code: "acme.fan", category: "hardware", impact: .low, urgency: .low, tier: 1)
        let listed = FaultRule.listed(stored: [vendor, quiet])
        #expect(listed.map(\.code) == Set(FaultRule.knownCodes + ["acme.fan"]).sorted())
        #expect(listed.first { $0.code == "reboot.required" } == quiet && listed.first { $0.code == "acme.fan" } == vendor)
        #expect(listed.first { $0.code == "memory.low" } == FaultRule.defaultRule(for: "memory.low"))
    }
}
