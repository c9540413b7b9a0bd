// The accounts' resources, as the API sends and takes them (`/accounts`, `/tokens`, `/login`, `/me`),
// and as the store's `AccountRepository` exchanges them.

/// Who may do what (the desk decides, per role, in DesksideHelpdesk).
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Own tickets and own assets only.
    case requester
    /// Works tickets in a tier (1, 2 or 3); reads the whole register.
    case technician
    /// Everything, including accounts, tokens and fault rules.
    case admin
    /// Reads everything, writes nothing.
    case auditor
}

/// Where an account stands: being set up for a new hire, working, or gone (its sessions end).
public enum AccountStatus: String, Codable, Sendable, CaseIterable {
    case onboarding, active, departed
}

/// A person: a requester, a technician, an admin or an auditor. The password hash never leaves the store.
public struct Account: Codable, Sendable, Equatable {
    public var id: Int64
    public var username: String
    public var name: String
    public var email: String
    public var department: String
    public var managerId: Int64?
    public var location: String
    public var status: AccountStatus
    public var role: Role
    /// A technician's tier (1 to 3); `nil` for every other role.
    public var tier: Int?
    /// Too many failed sign-ins: refused until the lock ends.
    public var locked: Bool
    public var createdAt: String
    public var updatedAt: String

    public init(id: Int64, username: String, name: String, email: String, department: String, managerId: Int64?, location: String,
                status: AccountStatus, role: Role, tier: Int?, locked: Bool, createdAt: String, updatedAt: String) {
        self.id = id
        self.username = username
        self.name = name
        self.email = email
        self.department = department
        self.managerId = managerId
        self.location = location
        self.status = status
        self.role = role
        self.tier = tier
        self.locked = locked
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The fields of an account a caller sets; `nil` leaves a field as it is on update.
public struct AccountFields: Codable, Sendable, Equatable {
    public var username: String?
    public var name: String?
    public var email: String?
    public var department: String?
    public var managerId: Int64?
    public var location: String?
    public var status: AccountStatus?
    public var role: Role?
    public var tier: Int?

    public init(username: String? = nil, name: String? = nil, email: String? = nil, department: String? = nil, managerId: Int64? = nil,
                location: String? = nil, status: AccountStatus? = nil, role: Role? = nil, tier: Int? = nil) {
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

/// An API token as listed: never its secret.
public struct APIToken: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var role: Role
    public var createdAt: String
    public var revokedAt: String?

    public init(id: Int64, name: String, role: Role, createdAt: String, revokedAt: String?) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// A new API token: its secret is in this answer only (the store keeps its SHA-256).
public struct CreatedAPIToken: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var role: Role
    public var token: String

    public init(id: Int64, name: String, role: Role, token: String) {
        self.id = id
        self.name = name
        self.role = role
        self.token = token
    }
}

/// A new account as `POST /accounts` takes it; a password only for those who sign in.
public struct NewAccount: Codable, Sendable, Equatable {
    public var username: String
    public var name: String
    public var email: String?
    public var department: String?
    public var managerId: Int64?
    public var location: String?
    public var status: AccountStatus?
    public var role: Role
    public var tier: Int?
    public var password: String?

    public init(username: String, name: String, email: String? = nil, department: String? = nil, managerId: Int64? = nil, location: String? = nil,
                status: AccountStatus? = nil, role: Role, tier: Int? = nil, password: String? = nil) {
        self.username = username
        self.name = name
        self.email = email
        self.department = department
        self.managerId = managerId
        self.location = location
        self.status = status
        self.role = role
        self.tier = tier
        self.password = password
    }

    /// Everything but the password.
    public var fields: AccountFields {
        AccountFields(username: username, name: name, email: email, department: department, managerId: managerId, location: location,
                      status: status, role: role, tier: tier)
    }
}

/// A password to set (`PUT /accounts/{id}/password`): your own needs the current one.
public struct NewPassword: Codable, Sendable, Equatable {
    public var password: String
    public var currentPassword: String?

    public init(password: String, currentPassword: String? = nil) {
        self.password = password
        self.currentPassword = currentPassword
    }
}

/// A token to make (`POST /api-tokens`).
public struct NewAPIToken: Codable, Sendable, Equatable {
    public var name: String
    public var role: Role

    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }
}

/// The caller (`GET /me`): how they appear in timelines, their role, and their account (none for an API token).
public struct Me: Codable, Sendable, Equatable {
    public var actor: String
    public var role: Role
    public var tier: Int?
    public var account: Account?

    public init(actor: String, role: Role, tier: Int?, account: Account?) {
        self.actor = actor
        self.role = role
        self.tier = tier
        self.account = account
    }
}
