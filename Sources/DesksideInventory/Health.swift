#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
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
    /// Antivirus products and their state, as Windows reports them to FusionInventory and GLPI Agent;
    /// `nil` where nothing reports them.
    public var antivirus: [Antivirus]?

    public init(
        failedUnits: [FailedUnit]? = nil, rebootRequired: Bool = false, rebootRequiredSince: Date? = nil,
        rebootRequiredPackages: [String] = [], lastUpdateCheck: Date? = nil, lastPackageChange: Date? = nil,
        antivirus: [Antivirus]? = nil
    ) {
        self.failedUnits = failedUnits
        self.rebootRequired = rebootRequired
        self.rebootRequiredSince = rebootRequiredSince
        self.rebootRequiredPackages = rebootRequiredPackages
        self.lastUpdateCheck = lastUpdateCheck
        self.lastPackageChange = lastPackageChange
        self.antivirus = antivirus
    }
}

/// An antivirus product and whether it protects the machine.
public struct Antivirus: Codable, Sendable, Equatable {
    public var name: String
    public var company: String?
    public var version: String?
    /// Real-time protection is on; `nil` when not reported.
    public var enabled: Bool?
    /// Its signatures are current; `nil` when not reported.
    public var upToDate: Bool?
    /// Version of the signature base.
    public var signatureVersion: String?
    /// When the licence or subscription ends, as reported.
    public var expiration: String?

    public init(name: String, company: String? = nil, version: String? = nil, enabled: Bool? = nil, upToDate: Bool? = nil,
                signatureVersion: String? = nil, expiration: String? = nil) {
        self.name = name
        self.company = company
        self.version = version
        self.enabled = enabled
        self.upToDate = upToDate
        self.signatureVersion = signatureVersion
        self.expiration = expiration
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
