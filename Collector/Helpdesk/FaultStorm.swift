/// Fault storms, with no I/O: more than `stormThreshold` new tickets of one fault code within
/// `stormWindowMinutes` (a bad update, a full shared disk). Each machine still gets its ticket, filed
/// under one summary ticket that stays in the queue instead; resolving the summary resolves them all.
public enum FaultStorm {
    public enum Decision: Sendable, Equatable {
        /// No storm: the new ticket goes to the queue.
        case none
        /// File the new ticket under this open summary.
        case fileUnder(Int64)
        /// The storm starts: open its summary, and file the new ticket under it.
        case start
    }

    /// Where a new ticket of a code goes. `recent`: the code's fault tickets opened within the window
    /// outside any storm; `openStorm`: the code's open summary, if any, which keeps collecting while
    /// members keep arriving within the window (`joinedRecently`, asked only when it decides).
    public static func decide(recent: Int, openStorm: Int64?, joinedRecently: () throws -> Bool, settings: FaultLoopSettings) rethrows -> Decision {
        let over = recent >= settings.stormThreshold
        if let openStorm, try over || joinedRecently() { return .fileUnder(openStorm) }
        return over ? .start : .none
    }

    /// The summary ticket of a storm of `code`.
    public static func summary(code: String, rule: FaultRule, settings: FaultLoopSettings) -> FaultLoop.Ticket {
        FaultLoop.Ticket(title: "Fault storm: \(code) on many machines",
                         description: "More than \(settings.stormThreshold) machines reported \(code) within \(settings.stormWindowMinutes) minutes. "
                             + "Each has its own ticket, filed under this one; resolving this ticket resolves them all.",
                         category: rule.category, impact: .high, urgency: rule.urgency, tier: rule.tier)
    }

    /// The summary's title once `members` tickets are filed under it (the machines before the storm
    /// started count too).
    public static func title(code: String, members: Int, settings: FaultLoopSettings) -> String {
        "Fault storm: \(code) on \(members + settings.stormThreshold) machines"
    }
}
