/// Whether an asset gets an owner from its last logged-in user (GLPI's "automatic user"): only
/// when the setting is on, only for an asset that never had an owner (one that someone unassigned
/// stays unassigned), and only with a user name to look an account up by.
public enum AutomaticOwner {
    /// The username whose account becomes the owner, or nil.
    public static func username(enabled: Bool, everOwned: Bool, lastUser: String?) -> String? {
        guard enabled, !everOwned, let lastUser, !lastUser.isEmpty, lastUser != "root" else { return nil }
        return lastUser
    }
}
