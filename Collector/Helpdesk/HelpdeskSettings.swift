/// The help desk's settings, from `serve`'s configuration file (`"helpdesk": {...}`); every key optional.
public struct HelpdeskSettings: Codable, Sendable, Equatable {
    public var serviceLevels = ServiceLevels()
    public var faultLoop = FaultLoopSettings()
    /// Failed sign-ins in a row that lock an account, and for how long.
    public var maxFailedLogins = 5
    public var lockoutMinutes = 15
    /// How long a sign-in session lasts.
    public var sessionHours = 12
    /// How long a console (browser) session may stay unused before it ends; API sessions have
    /// only the absolute limit above.
    public var consoleIdleMinutes = 30
    /// An asset that never had an owner gets the account named like its last logged-in user, as GLPI
    /// does (off by default: a shared machine's last user is not its owner).
    public var ownerFromLastUser = false

    public init() {}

    enum CodingKeys: String, CodingKey {
        case serviceLevels, faultLoop, maxFailedLogins, lockoutMinutes, sessionHours, consoleIdleMinutes, ownerFromLastUser
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        serviceLevels = try container.decodeIfPresent(ServiceLevels.self, forKey: .serviceLevels) ?? ServiceLevels()
        faultLoop = try container.decodeIfPresent(FaultLoopSettings.self, forKey: .faultLoop) ?? FaultLoopSettings()
        maxFailedLogins = try container.decodeIfPresent(Int.self, forKey: .maxFailedLogins) ?? 5
        lockoutMinutes = try container.decodeIfPresent(Int.self, forKey: .lockoutMinutes) ?? 15
        sessionHours = try container.decodeIfPresent(Int.self, forKey: .sessionHours) ?? 12
        consoleIdleMinutes = try container.decodeIfPresent(Int.self, forKey: .consoleIdleMinutes) ?? 30
        ownerFromLastUser = try container.decodeIfPresent(Bool.self, forKey: .ownerFromLastUser) ?? false
    }

    public func validate() throws {
        try serviceLevels.validate()
        try faultLoop.validate()
        guard maxFailedLogins > 0, lockoutMinutes > 0, sessionHours > 0, consoleIdleMinutes > 0 else {
            throw HelpdeskError.invalid("maxFailedLogins, lockoutMinutes, sessionHours and consoleIdleMinutes must be positive")
        }
    }
}
