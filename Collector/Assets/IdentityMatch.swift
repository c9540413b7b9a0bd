/// Which asset a newly enrolled agent's first report belongs to. The rules, strongest first:
///
/// 1. the same system UUID and serial;
/// 2. the same serial and maker;
/// 3. a MAC address of a built-in interface the asset had;
/// 4. a serial of a fixed disk the asset had (a motherboard swapped under the same disks);
///
/// never the hostname. The first rule that names exactly one asset decides. The asset is reused (its
/// history, owner and tickets stay) when no other live agent holds it; an asset another agent holds
/// while that agent is connected, or that this very agent was once displaced from, is a conflict:
/// two machines say they are one (a cloned VM). A conflict is never resolved by merging: the agent
/// gets an asset of its own and both assets are flagged for a person to look at.
public enum IdentityMatch {
    public enum Rule: String, Codable, Sendable, CaseIterable {
        case uuidAndSerial, serialAndVendor, fixedMAC, diskSerial

        /// In words, for the asset's timeline and `assets explain`.
        public var reason: String {
            switch self {
            case .uuidAndSerial: "the same system UUID and serial"
            case .serialAndVendor: "the same serial and maker"
            case .fixedMAC: "the MAC address of a built-in network interface"
            case .diskSerial: "the serial of a fixed disk"
            }
        }
    }

    /// An asset of the register that a report might be.
    public struct Candidate: Sendable, Equatable {
        public var assetID: Int64
        public var identity: MachineIdentity
        /// The agent that holds it now, if any, and whether that agent is connected right now.
        public var agent: String?
        public var agentConnected: Bool
        /// The asset is retired or disposed of: it is not reused (a new machine with an old disk is a new asset).
        public var retired: Bool
        /// The reporting agent held this asset once and another agent took it over since.
        public var displacedReporter: Bool

        public init(assetID: Int64, identity: MachineIdentity, agent: String? = nil, agentConnected: Bool = false, retired: Bool = false,
                    displacedReporter: Bool = false) {
            self.assetID = assetID
            self.identity = identity
            self.agent = agent
            self.agentConnected = agentConnected
            self.retired = retired
            self.displacedReporter = displacedReporter
        }
    }

    public enum Decision: Sendable, Equatable {
        /// No asset is this machine: a new one.
        case new
        /// This asset, by `rule`; `replacing` is the agent that held it (a reinstall), if any.
        case reuse(assetID: Int64, rule: Rule, replacing: String?)
        /// A new asset, and both flagged: `assetID` is claimed by another live agent too.
        case conflict(assetID: Int64, rule: Rule, why: String)
    }

    public static func decide(_ report: MachineIdentity, candidates: [Candidate]) -> Decision {
        let usable = candidates.filter { !$0.retired }
        for rule in Rule.allCases {
            let matching = usable.filter { matches(report, $0.identity, by: rule) }
            guard let candidate = matching.first else { continue }
            guard matching.count == 1 else {
                return .conflict(assetID: candidate.assetID, rule: rule,
                                 why: "\(matching.count) assets have \(rule.reason) (\(matching.map { "asset \($0.assetID)" }.joined(separator: ", ")))")
            }
            if candidate.displacedReporter {
                return .conflict(assetID: candidate.assetID, rule: rule,
                                 why: "this agent held asset \(candidate.assetID) until agent \(candidate.agent ?? "?") took it over, and reports again")
            }
            if let agent = candidate.agent, candidate.agentConnected {
                return .conflict(assetID: candidate.assetID, rule: rule, why: "agent \(agent) holds asset \(candidate.assetID) and is connected now")
            }
            return .reuse(assetID: candidate.assetID, rule: rule, replacing: candidate.agent)
        }
        return .new
    }

    /// Assets other agents hold that `identity` (asset `assetID`'s, just changed) claims to be by UUID
    /// and serial: a conflict on both. The report is stored on its own asset only; the others keep
    /// what they had.
    public static func twins(_ identity: MachineIdentity, of assetID: Int64, candidates: [Candidate]) -> [Candidate] {
        candidates.filter { $0.assetID != assetID && $0.agent != nil && !$0.retired && matches(identity, $0.identity, by: .uuidAndSerial) }
    }

    static func matches(_ report: MachineIdentity, _ asset: MachineIdentity, by rule: Rule) -> Bool {
        switch rule {
        case .uuidAndSerial:
            guard let uuid = report.systemUUID, let serial = report.serial else { return false }
            return asset.systemUUID == uuid && asset.serial == serial
        case .serialAndVendor:
            guard let serial = report.serial, let vendor = report.vendor else { return false }
            return asset.serial == serial && asset.vendor == vendor
        case .fixedMAC:
            return !report.fixedMACs.isDisjoint(with: asset.fixedMACs)
        case .diskSerial:
            return !report.diskSerials.isDisjoint(with: asset.diskSerials)
        }
    }
}
