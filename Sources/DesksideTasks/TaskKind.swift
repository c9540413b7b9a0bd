/// What a task does. The raw values are the names staff type (`deskside tasks run --asset 12
/// packages.install …`) and the names in the agent's allow-list.
public enum TaskKind: String, Codable, Sendable, CaseIterable, Comparable {
    case accountCreate = "account.create"
    case accountLock = "account.lock"
    case accountGroups = "account.groups"
    case packagesInstall = "packages.install"
    case packagesRemove = "packages.remove"
    case updatesApply = "updates.apply"
    case hostnameSet = "hostname.set"
    case inventoryRefresh = "inventory.refresh"
    case reboot = "reboot"
    case scriptRun = "script.run"

    /// Kinds an agent runs when its configuration names none: everything but scripts, which run only
    /// where the machine's own configuration enables them.
    public static let allowedByDefault: Set<TaskKind> = Set(allCases).subtracting([.scriptRun])

    /// The time limit when none is given, and the largest one allowed.
    public static let defaultTimeoutSeconds = 300
    public static let maxTimeoutSeconds = 3600

    public static func < (lhs: TaskKind, rhs: TaskKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
