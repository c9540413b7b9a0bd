public import DesksideAPI

/// How an account is made and changed: the rules both engines' repositories apply, decided here so
/// that neither copies them. The repositories check only what needs the database (a username taken,
/// a manager that does not exist).
public enum AccountChange {
    /// A new account's fields, complete: the required ones present, defaults filled in, a tier only
    /// for a technician (who must have one).
    public static func created(_ fields: AccountFields) throws -> AccountFields {
        guard let username = fields.username, let name = fields.name, let role = fields.role else {
            throw HelpdeskError.invalid("username, name and role are required")
        }
        guard role != .technician || fields.tier != nil else { throw HelpdeskError.invalid("a technician needs a tier (1, 2 or 3)") }
        return AccountFields(username: username, name: name, email: fields.email ?? "", department: fields.department ?? "",
                             managerId: fields.managerId, location: fields.location ?? "", status: fields.status ?? .active,
                             role: role, tier: role == .technician ? fields.tier : nil)
    }

    /// `old` with the fields given: the others stay, a tier only for a technician (who keeps theirs
    /// unless given another), and no account manages itself.
    public static func updated(_ old: Account, with fields: AccountFields) throws -> Account {
        if fields.managerId == old.id { throw HelpdeskError.unprocessable("an account cannot manage itself") }
        let role = fields.role ?? old.role
        let tier = role == .technician ? (fields.tier ?? old.tier) : nil
        guard role != .technician || tier != nil else { throw HelpdeskError.unprocessable("a technician needs a tier (1, 2 or 3)") }
        var new = old
        new.username = fields.username ?? old.username
        new.name = fields.name ?? old.name
        new.email = fields.email ?? old.email
        new.department = fields.department ?? old.department
        new.managerId = fields.managerId ?? old.managerId
        new.location = fields.location ?? old.location
        new.status = fields.status ?? old.status
        new.role = role
        new.tier = tier
        return new
    }

    /// Whether the change takes a username someone else may hold (usernames are unique whatever their case).
    public static func renames(_ old: Account, to new: Account) -> Bool {
        old.username.lowercased() != new.username.lowercased()
    }

    /// A change of role or tier, or a departure, ends the account's sessions: what a session was
    /// allowed was decided when it began.
    public static func endsSessions(_ old: Account, _ new: Account) -> Bool {
        new.role != old.role || new.tier != old.tier || (new.status != old.status && new.status == .departed)
    }
}
