/// Which asset an inventory from a FusionInventory, GLPI or OCS agent may be written to. Such an
/// agent is known by an identifier it makes up itself (DEVICEID, GLPI's agent id) and sends without
/// a certificate, so any machine holding the source's token can claim any identifier:
///
/// - a device already reporting for an asset keeps it, unless an enrolled Deskside agent has it now,
///   or the device's hardware jumped (another system UUID or serial than the asset's): a conflict,
///   never a merge;
/// - a new device is matched by the register's rules (`IdentityMatch`: UUID and serial first, never
///   the hostname) and attached to the asset it is, unless an enrolled Deskside agent holds that
///   asset (refused: the agent with a certificate is the better witness) or the rules see a
///   conflict; else a new asset.
///
/// A refusal writes nothing on the asset it names; the conflict is recorded on the device and shown.
public enum IntakeClaim {
    /// The asset a device reported for last.
    public struct Held: Sendable, Equatable {
        public var assetID: Int64
        /// What the asset's hardware said identifies it, if it reported hardware.
        public var identity: MachineIdentity?
        /// The enrolled (not revoked) Deskside agent that holds the asset now, if any.
        public var enrolledAgent: String?

        public init(assetID: Int64, identity: MachineIdentity?, enrolledAgent: String?) {
            self.assetID = assetID
            self.identity = identity
            self.enrolledAgent = enrolledAgent
        }
    }

    public enum Decision: Sendable, Equatable {
        /// The device's own asset, as before.
        case write(assetID: Int64)
        /// An asset of the register the device's machine is, by `rule`: the device reports for it from now on.
        case attach(assetID: Int64, rule: IdentityMatch.Rule)
        /// No asset is this machine.
        case create
        /// Nothing written; `claimed` is the asset the report claimed to be, if one.
        case refuse(reason: String, claimed: Int64?)
    }

    public static func decide(held: Held?, report: MachineIdentity, candidates: [IdentityMatch.Candidate]) -> Decision {
        if let held {
            if let agent = held.enrolledAgent {
                return .refuse(reason: "asset \(held.assetID) is reported by the enrolled Deskside agent \(agent); this device's reports are no longer taken for it",
                               claimed: held.assetID)
            }
            if let jump = jumped(from: held.identity, to: report) {
                return .refuse(reason: "this device reported asset \(held.assetID) and now reports other hardware (\(jump)): a conflict for a person to look at",
                               claimed: held.assetID)
            }
            return .write(assetID: held.assetID)
        }
        switch IdentityMatch.decide(report, candidates: candidates) {
        case .new:
            return .create
        case .reuse(let assetID, let rule, let agent?):
            return .refuse(reason: "the report claims to be asset \(assetID) (\(rule.reason)), which the enrolled Deskside agent \(agent) reports", claimed: assetID)
        case .reuse(let assetID, let rule, nil):
            return .attach(assetID: assetID, rule: rule)
        case .conflict(let assetID, let rule, let why):
            return .refuse(reason: "the report claims to be asset \(assetID) (\(rule.reason)): \(why)", claimed: assetID)
        }
    }

    /// What differs when a device's hardware is not the asset's any more: another system UUID, or
    /// another serial, both known on both sides. A disk or network card changed is not a jump.
    static func jumped(from stored: MachineIdentity?, to report: MachineIdentity) -> String? {
        guard let stored else { return nil }
        if let old = stored.systemUUID, let new = report.systemUUID, old != new { return "system UUID \(old) then \(new)" }
        if let old = stored.serial, let new = report.serial, old != new { return "serial \(old) then \(new)" }
        return nil
    }
}
