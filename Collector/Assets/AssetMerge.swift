import DesksideHelpdesk

/// Merging two assets by hand (a machine entered by hand or imported, then reported by its agent;
/// a reinstall the rules could not match): the survivor keeps both histories, owners, tickets and
/// audits, and fills its empty fields from the other; the other is hidden, not deleted, so that the
/// merge can be undone exactly.
public enum AssetMerge {
    /// What happens to the merged asset's agent.
    public enum AgentMove: Equatable, Sendable {
        /// Neither has a live agent, or only the survivor: nothing moves.
        case none
        /// The merged asset's live agent now reports for the survivor.
        case toSurvivor
    }

    /// Checks the merge and says where the agent goes. Two live agents are two machines (or a
    /// conflict the identity rules flagged): revoke the one that is gone first.
    public static func decide(survivor: Int64, merged: Int64, survivorAgentLive: Bool, mergedAgentLive: Bool,
                              survivorLoanOpen: Bool, mergedLoanOpen: Bool) throws -> AgentMove {
        guard survivor != merged else { throw HelpdeskError.unprocessable("an asset cannot be merged into itself") }
        if survivorAgentLive && mergedAgentLive {
            throw HelpdeskError.conflict("assets \(survivor) and \(merged) both have a live agent: revoke the one whose machine is gone, then merge")
        }
        if survivorLoanOpen && mergedLoanOpen {
            throw HelpdeskError.conflict("assets \(survivor) and \(merged) are both checked out: check one in first")
        }
        return mergedAgentLive ? .toSurvivor : .none
    }
}
