/// Thresholds for the agent's checks. The collector sends one as JSON; any field left out keeps its default.
/// Defaults are documented in docs/inventory.md.
public struct FaultPolicy: Codable, Sendable, Equatable {
    /// `disk.space.low` when a volume's free space falls below this percentage...
    public var diskFreePercentMin: Double = 10
    /// ...or below this many bytes (only on volumes at least four times this size, so that a small
    /// /boot is judged by percentage alone).
    public var diskFreeBytesMin: UInt64 = 2 * 1024 * 1024 * 1024
    /// Below this percentage the fault is critical.
    public var diskFreePercentCritical: Double = 3
    /// `updates.security.pending` when the oldest pending security update is at least this old.
    public var securityUpdateMaxAgeDays: Double = 7
    /// `reboot.required` when a reboot has been pending at least this long.
    public var rebootRequiredMaxAgeDays: Double = 3
    /// `battery.worn` when a battery has lost at least this percentage of its design capacity.
    public var batteryWearPercentMax: Double = 40
    /// `memory.low` when available memory falls below this percentage of the total.
    public var memoryAvailablePercentMin: Double = 5
    /// Units whose failure is not reported (`service.failed`), e.g. a known-flaky optional service.
    public var ignoredUnits: [String] = []
    /// Mount points never checked for space (read-only media, snapshots).
    public var ignoredMountPoints: [String] = []
    /// `updates.hotfix.old` when a Windows machine's newest installed update is older than this
    /// (Microsoft publishes every month; 45 days is one missed Patch Tuesday and a margin).
    public var hotfixMaxAgeDays: Double = 45

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FaultPolicy()
        diskFreePercentMin = try container.decodeIfPresent(Double.self, forKey: .diskFreePercentMin) ?? defaults.diskFreePercentMin
        diskFreeBytesMin = try container.decodeIfPresent(UInt64.self, forKey: .diskFreeBytesMin) ?? defaults.diskFreeBytesMin
        diskFreePercentCritical = try container.decodeIfPresent(Double.self, forKey: .diskFreePercentCritical) ?? defaults.diskFreePercentCritical
        securityUpdateMaxAgeDays = try container.decodeIfPresent(Double.self, forKey: .securityUpdateMaxAgeDays) ?? defaults.securityUpdateMaxAgeDays
        rebootRequiredMaxAgeDays = try container.decodeIfPresent(Double.self, forKey: .rebootRequiredMaxAgeDays) ?? defaults.rebootRequiredMaxAgeDays
        batteryWearPercentMax = try container.decodeIfPresent(Double.self, forKey: .batteryWearPercentMax) ?? defaults.batteryWearPercentMax
        memoryAvailablePercentMin = try container.decodeIfPresent(Double.self, forKey: .memoryAvailablePercentMin) ?? defaults.memoryAvailablePercentMin
        ignoredUnits = try container.decodeIfPresent([String].self, forKey: .ignoredUnits) ?? defaults.ignoredUnits
        ignoredMountPoints = try container.decodeIfPresent([String].self, forKey: .ignoredMountPoints) ?? defaults.ignoredMountPoints
        hotfixMaxAgeDays = try container.decodeIfPresent(Double.self, forKey: .hotfixMaxAgeDays) ?? defaults.hotfixMaxAgeDays
    }
}
