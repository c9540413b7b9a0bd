/// What a fault does to the help desk: whether it opens a ticket, and the ticket's category, impact,
/// urgency and tier. Defaults per fault code below; an admin changes them per code
/// (`PUT /api/v1/fault-rules/{code}`), and the stored rule wins.
public struct FaultRule: Codable, Sendable, Equatable {
    public var code: String
    public var opensTicket: Bool
    public var category: String
    public var impact: Level
    public var urgency: Level
    public var tier: Int

    public init(code: String, opensTicket: Bool = true, category: String, impact: Level, urgency: Level, tier: Int) {
        self.code = code
        self.opensTicket = opensTicket
        self.category = category
        self.impact = impact
        self.urgency = urgency
        self.tier = tier
    }

    /// The urgency of a ticket for a fault: the rule's, one step more for a critical fault.
    public func urgency(critical: Bool) -> Level {
        guard critical else { return urgency }
        return urgency == .low ? .medium : .high
    }

    /// Every code the desk knows a default rule for.
    public static let knownCodes = ["disk.space.low", "disk.smart.failing", "updates.security.pending", "reboot.required", "service.failed",
                                    "battery.worn", "memory.low", "antivirus.disabled", "antivirus.outdated", "updates.hotfix.old", CollectorFault.silentAgent, CollectorFault.hardwareChanged,
                                    CollectorFault.identityCloned, CollectorFault.clockSkewed, CollectorFault.identityConflict,
                                    CollectorFault.warrantyExpiring, CollectorFault.loanOverdue]

    public func validate() throws {
        guard (1...3).contains(tier) else { throw HelpdeskError.invalid("tier must be 1, 2 or 3") }
        guard !category.isEmpty, category.count <= 64 else { throw HelpdeskError.invalid("category must be 1 to 64 characters") }
    }

    /// Every code's rule as the desk lists them: the stored ones, and the defaults of the known codes
    /// none is stored for, by code.
    public static func listed(stored: [FaultRule]) -> [FaultRule] {
        let byCode = Dictionary(stored.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        return Set(knownCodes + byCode.keys).sorted().map { byCode[$0] ?? defaultRule(for: $0) }
    }

    /// The rule for `code` when none is stored.
    public static func defaultRule(for code: String) -> FaultRule {
        switch code {
        case "disk.space.low": FaultRule(code: code, category: "storage", impact: .low, urgency: .medium, tier: 1)
        case "disk.smart.failing": FaultRule(code: code, category: "hardware", impact: .medium, urgency: .high, tier: 2)
        case "updates.security.pending": FaultRule(code: code, category: "security", impact: .medium, urgency: .medium, tier: 1)
        // A pending reboot is shown on the asset; a ticket for each would bury the queue.
        case "reboot.required": FaultRule(code: code, opensTicket: false, category: "maintenance", impact: .low, urgency: .low, tier: 1)
        case "service.failed": FaultRule(code: code, category: "software", impact: .low, urgency: .medium, tier: 2)
        case "battery.worn": FaultRule(code: code, category: "hardware", impact: .low, urgency: .low, tier: 1)
        case "memory.low": FaultRule(code: code, category: "performance", impact: .low, urgency: .medium, tier: 1)
        // Windows machines' protection, as FusionInventory and GLPI Agent report it.
        case "antivirus.disabled": FaultRule(code: code, category: "security", impact: .medium, urgency: .high, tier: 1)
        case "antivirus.outdated": FaultRule(code: code, category: "security", impact: .low, urgency: .medium, tier: 1)
        case "updates.hotfix.old": FaultRule(code: code, category: "security", impact: .medium, urgency: .medium, tier: 1)
        case CollectorFault.silentAgent: FaultRule(code: code, category: "agent", impact: .low, urgency: .medium, tier: 1)
        case CollectorFault.hardwareChanged: FaultRule(code: code, category: "hardware", impact: .medium, urgency: .medium, tier: 2)
        case CollectorFault.identityCloned: FaultRule(code: code, category: "security", impact: .medium, urgency: .high, tier: 2)
        case CollectorFault.clockSkewed: FaultRule(code: code, category: "agent", impact: .low, urgency: .medium, tier: 1)
        case CollectorFault.identityConflict: FaultRule(code: code, category: "asset", impact: .low, urgency: .medium, tier: 2)
        case CollectorFault.warrantyExpiring: FaultRule(code: code, category: "asset", impact: .low, urgency: .low, tier: 1)
        case CollectorFault.loanOverdue: FaultRule(code: code, category: "asset", impact: .low, urgency: .medium, tier: 1)
        // A code the desk does not know (a newer agent's, or one an agent made up) is recorded on the
        // asset, and opens tickets only once an admin sets a rule for it: otherwise any agent could
        // fill the queue with codes of its own, one storm group each.
        default: FaultRule(code: code, opensTicket: false, category: "other", impact: .low, urgency: .medium, tier: 1)
        }
    }
}

/// How the fault-to-ticket loop behaves beyond the rules.
public struct FaultLoopSettings: Codable, Sendable, Equatable {
    /// A fault that returns within this many days of its ticket's resolution reopens that ticket.
    public var reopenWindowDays = 7
    /// More new tickets than this for one fault code within `stormWindowMinutes` is a storm: the
    /// tickets after it still open (one per machine) but under one summary ticket, and leave the queue.
    public var stormThreshold = 20
    public var stormWindowMinutes = 10
    /// An agent silent for more than this many days gets the `agent.silent` fault.
    public var silentAgentDays = 7

    public init() {}

    enum CodingKeys: String, CodingKey { case reopenWindowDays, stormThreshold, stormWindowMinutes, silentAgentDays }

    /// Keys left out keep their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FaultLoopSettings()
        reopenWindowDays = try container.decodeIfPresent(Int.self, forKey: .reopenWindowDays) ?? defaults.reopenWindowDays
        stormThreshold = try container.decodeIfPresent(Int.self, forKey: .stormThreshold) ?? defaults.stormThreshold
        stormWindowMinutes = try container.decodeIfPresent(Int.self, forKey: .stormWindowMinutes) ?? defaults.stormWindowMinutes
        silentAgentDays = try container.decodeIfPresent(Int.self, forKey: .silentAgentDays) ?? defaults.silentAgentDays
    }

    public func validate() throws {
        guard reopenWindowDays >= 0, stormThreshold > 0, stormWindowMinutes > 0, silentAgentDays > 0 else {
            throw HelpdeskError.invalid("fault loop settings must be positive")
        }
    }
}

/// Faults only the collector can see.
public enum CollectorFault {
    /// The agent has not been heard from for more than `silentAgentDays`.
    public static let silentAgent = "agent.silent"
    /// Memory decreased, a disk was replaced or the serial number changed between two reports.
    public static let hardwareChanged = "hardware.changed"
    /// A second machine connected with this agent's certificate while the first was connected.
    public static let identityCloned = "agent.identity.cloned"
    /// Two agents' machines claim to be one asset (a cloned VM, a restored image): see `IdentityMatch`.
    public static let identityConflict = "asset.identity.conflict"
    /// The agent's clock differs from the collector's by more than the tolerance.
    public static let clockSkewed = "clock.skewed"
    /// The asset's warranty ends within the register's notice (`assets.warrantyNoticeDays`).
    public static let warrantyExpiring = "warranty.expiring"
    /// A checked-out asset was not back by its expected return.
    public static let loanOverdue = "loan.overdue"
}
