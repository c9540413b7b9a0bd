#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Operational health: failed services, pending reboot, freshness of updates.
public struct Health: Codable, Sendable, Equatable {
    /// Failed systemd units; `nil` when systemd could not be asked (not running, no access).
    public var failedUnits: [FailedUnit]?
    public var rebootRequired: Bool
    /// When the reboot became required (the flag file's time).
    public var rebootRequiredSince: Date?
    /// Packages that asked for the reboot.
    public var rebootRequiredPackages: [String]
    /// Last successful refresh of the package lists.
    public var lastUpdateCheck: Date?
    /// Last change to the installed packages (install, upgrade or removal).
    public var lastPackageChange: Date?

    public init(
        failedUnits: [FailedUnit]? = nil, rebootRequired: Bool = false, rebootRequiredSince: Date? = nil,
        rebootRequiredPackages: [String] = [], lastUpdateCheck: Date? = nil, lastPackageChange: Date? = nil
    ) {
        self.failedUnits = failedUnits
        self.rebootRequired = rebootRequired
        self.rebootRequiredSince = rebootRequiredSince
        self.rebootRequiredPackages = rebootRequiredPackages
        self.lastUpdateCheck = lastUpdateCheck
        self.lastPackageChange = lastPackageChange
    }
}

/// A systemd unit in the `failed` state.
public struct FailedUnit: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?

    public init(name: String, description: String? = nil) {
        self.name = name
        self.description = description
    }
}
