#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Dispatch
public import DesksideHelpdesk
public import DesksideStore
public import DesksideStoreSQLite

/// The help desk's service layer: every operation takes the caller (`Principal`) and checks what
/// that caller may do before it touches the store. The HTTP API, the CLI (through the API) and the
/// web console all come through here, so a permission is decided in one place.
///
/// - requesters see and act on their own tickets and assets only; anything else is `notFound`, so
///   guessing ids reveals nothing (SECURITY-TESTS 38);
/// - auditors read everything and are `forbidden` from every write (39);
/// - technicians and admins work tickets; only admins manage accounts, tokens and fault rules.
public struct Desk: Sendable {
    public let store: CollectorStore
    /// The knowledge base and canned answers: the first feature behind a repository protocol, so the
    /// same desk runs on SQLite (the default, `store.knowledge`) or PostgreSQL.
    public let knowledge: any KnowledgeRepository
    /// Accounts, sign-in and API tokens (`store.accounts` on SQLite).
    public let accounts: any AccountRepository
    /// The script library (`store.scripts` on SQLite).
    public let scripts: any ScriptRepository
    /// The fault rules an admin set (`store.faultRules` on SQLite).
    public let faultRuleStore: any FaultRuleRepository
    /// The security audit log (`store.auditTrail` on SQLite), for the async calls; the others still
    /// write it through the SQLite store (`store.audit`).
    public let auditTrail: any AuditTrail
    /// Webhooks and mail preferences (`store.subscriptions` on SQLite).
    public let subscriptions: any SubscriptionRepository
    let clock: @Sendable () -> Date
    /// The bcrypt cost for new passwords (12 in production; tests may lower it to keep the suite fast).
    let passwordCost: UInt8
    /// Signs tasks and wakes the agent server; `nil` where no tasks are sent (some tests).
    public let tasks: TaskDispatch?
    /// Checks a webhook's URL when it is subscribed (it parses, and its name resolves into the
    /// networks webhooks may reach); the delivery worker checks again at each connection.
    let webhookCheck: @Sendable (String) throws -> Void

    public init(store: CollectorStore, knowledge: (any KnowledgeRepository)? = nil, accounts: (any AccountRepository)? = nil, scripts: (any ScriptRepository)? = nil,
                faultRules: (any FaultRuleRepository)? = nil,
                auditTrail: (any AuditTrail)? = nil,
                subscriptions: (any SubscriptionRepository)? = nil, passwordCost: UInt8 = 12, tasks: TaskDispatch? = nil, clock: @escaping @Sendable () -> Date = { Date() },
                webhookCheck: @escaping @Sendable (String) throws -> Void = { _ in }) {
        self.store = store
        self.knowledge = knowledge ?? store.knowledge
        self.accounts = accounts ?? store.accounts
        self.scripts = scripts ?? store.scripts
        self.faultRuleStore = faultRules ?? store.faultRules
        self.auditTrail = auditTrail ?? store.auditTrail
        self.subscriptions = subscriptions ?? store.subscriptions
        self.passwordCost = passwordCost
        self.tasks = tasks
        self.clock = clock
        self.webhookCheck = webhookCheck
    }

    var settings: HelpdeskSettings { store.helpdesk }

    /// Refuses callers who may not write (auditors, and requesters outside their own tickets).
    func requireStaff(_ principal: Principal) throws {
        guard principal.role.worksTickets else { throw HelpdeskError.forbidden }
    }

    /// Refuses requesters (staff and auditors read everything).
    public func requireReader(_ principal: Principal) throws {
        guard principal.role.readsEverything else { throw HelpdeskError.forbidden }
    }

    func requireAdmin(_ principal: Principal) throws {
        guard principal.role == .admin else { throw HelpdeskError.forbidden }
    }

    /// Appends to the audit log (`detail` holds no secret).
    func audit(actor: String, action: String, allowed: Bool, detail: String, at time: Date) async throws {
        try await auditTrail.record(AuditEntry(at: time, actor: actor, action: action, allowed: allowed, detail: detail))
    }

    /// Runs calls into the SQLite store's synchronous API on a GCD worker rather than on one of Swift's
    /// few cooperative threads, for the async calls that mix them with a repository's (a ticket with
    /// its suggested articles). It goes when every feature is behind a repository.
    public func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}
