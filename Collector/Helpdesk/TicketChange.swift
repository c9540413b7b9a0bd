/// One thing done to a ticket. Each becomes one or more events on its timeline.
public enum TicketChange: Sendable, Equatable {
    /// A public comment (the requester sees it) or an internal note (staff only).
    case comment(body: String, internal: Bool)
    /// To a technician or admin (`nil`: back to the tier's queue).
    case assign(accountID: Int64?)
    /// To the next tier, by hand: who and why are recorded.
    case escalate(reason: String)
    /// Work started (`inProgress`) or waiting on the requester (`waiting`).
    case move(TicketStatus)
    /// New impact and urgency: the priority and the due times follow.
    case reprioritize(impact: Level, urgency: Level)
    /// Resolved, with the notes saying how (required), and the articles that helped.
    case resolve(notes: String, articleIDs: [Int64])
    /// Closed after resolution.
    case close
    /// Back to `inProgress`, with a reason.
    case reopen(reason: String)
    /// The requester's satisfaction, 1 to 5, which also closes a resolved ticket.
    case rate(rating: Int, comment: String)
}
