public import DesksideAPI

/// Who may do what (`DesksideAPI.Role`, the API's words). Roles are checked in the service layer
/// (`Desk`), for every route, never in the pages: a requester sees only what is theirs, an auditor
/// reads everything and writes nothing.
public typealias Role = DesksideAPI.Role
/// Where an account stands (`DesksideAPI.AccountStatus`).
public typealias AccountStatus = DesksideAPI.AccountStatus

extension Role {
    /// Reads the whole register and every ticket (a requester reads only their own).
    public var readsEverything: Bool { self != .requester }
    /// Works tickets: assigns, escalates, resolves, writes internal notes, sees them.
    public var worksTickets: Bool { self == .technician || self == .admin }
}

/// The caller of a service: an account signed in with a password, or an API token.
public struct Principal: Sendable, Equatable {
    public var role: Role
    /// The account, when the caller is a person (API tokens have none).
    public var accountID: Int64?
    /// The technician's tier.
    public var tier: Int?
    /// How the caller appears in timelines and the audit log: a username, or `token:NAME`.
    public var actor: String

    public init(role: Role, accountID: Int64?, tier: Int?, actor: String) {
        self.role = role
        self.accountID = accountID
        self.tier = tier
        self.actor = actor
    }

    /// The collector itself (fault tickets, escalations, automatic closure).
    public static let system = Principal(role: .admin, accountID: nil, tier: nil, actor: "deskside")
}

extension Principal {
    /// The caller holding an API token: no account; a technician token works every tier.
    public static func token(name: String, role: Role) -> Principal {
        Principal(role: role, accountID: nil, tier: role == .technician ? 3 : nil, actor: "token:" + name)
    }
}
