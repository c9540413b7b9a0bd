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

extension TicketChange {
    /// The rules a change must meet whatever the ticket's state, checked before the ticket is read.
    public func validate() throws(HelpdeskError) {
        switch self {
        case .comment(let body, _):
            try TextLimits.check(body, 1...TextLimits.comment, "a comment is 1 to \(TextLimits.comment) characters")
        case .escalate(let reason):
            guard !TextLimits.isBlank(reason) else { throw HelpdeskError.invalid("escalating needs a reason") }
            try TextLimits.check(reason, 1...TextLimits.comment, "a reason is at most \(TextLimits.comment) characters")
        case .move(let status):
            guard status == .inProgress || status == .waiting else { throw HelpdeskError.invalid("use resolve, close or reopen for \(status.rawValue)") }
        case .resolve(let notes, let articleIDs):
            guard !TextLimits.isBlank(notes) else { throw HelpdeskError.invalid("resolving needs resolution notes") }
            try TextLimits.check(notes, 1...TextLimits.comment, "resolution notes are at most \(TextLimits.comment) characters")
            guard articleIDs.allSatisfy({ $0 > 0 }) else { throw HelpdeskError.invalid("articleIds are ids (1 or more)") }
        case .reopen(let reason):
            try TextLimits.check(reason, 0...TextLimits.comment, "a reason is at most \(TextLimits.comment) characters")
        case .rate(let rating, let comment):
            guard (1...5).contains(rating) else { throw HelpdeskError.invalid("a rating is 1 to 5") }
            try TextLimits.check(comment, 0...TextLimits.comment, "a comment is at most \(TextLimits.comment) characters")
        case .assign(let accountID):
            if let accountID, accountID < 1 { throw HelpdeskError.invalid("accountId is an id (1 or more)") }
        case .reprioritize, .close:
            break
        }
    }
}

extension TicketChange {
    /// The rules a change must meet from the ticket's state, checked in the transaction that applies
    /// it: what an open, resolved or closed ticket, or one in tier 3, may undergo.
    public func check(status: TicketStatus, tier: Int) throws(HelpdeskError) {
        switch self {
        case .comment:
            break
        case .assign:
            guard status.isOpen else { throw HelpdeskError.conflict("a \(status.rawValue) ticket cannot be assigned; reopen it first") }
        case .escalate:
            guard status.isOpen else { throw HelpdeskError.conflict("a \(status.rawValue) ticket cannot be escalated") }
            guard tier < 3 else { throw HelpdeskError.conflict("the ticket is already in tier 3") }
        case .move(let target):
            guard status.canMove(to: target) else { throw HelpdeskError.conflict("a \(status.rawValue) ticket cannot move to \(target.rawValue)") }
        case .reprioritize:
            guard status.isOpen else { throw HelpdeskError.conflict("a \(status.rawValue) ticket keeps its priority; reopen it first") }
        case .resolve:
            guard status.canMove(to: .resolved) else { throw HelpdeskError.conflict("the ticket is already \(status.rawValue)") }
        case .close:
            guard status == .resolved else { throw HelpdeskError.conflict("only a resolved ticket can be closed (it is \(status.rawValue))") }
        case .reopen:
            guard status.canReopen else { throw HelpdeskError.conflict("the ticket is open (\(status.rawValue))") }
        case .rate:
            guard status == .resolved || status == .closed else { throw HelpdeskError.conflict("only a resolved ticket can be rated") }
        }
    }

    /// The status an assignment leaves an open ticket in: a new ticket given to someone is assigned;
    /// an assigned one given back to the queue is new again; any other stays as it is.
    public static func status(_ status: TicketStatus, afterAssigningTo accountID: Int64?) -> TicketStatus {
        switch (status, accountID) {
        case (.new, .some): .assigned
        case (.assigned, .none): .new
        default: status
        }
    }
}
