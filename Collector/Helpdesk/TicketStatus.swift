/// A ticket's status and the moves between them:
///
/// ```
/// new -> assigned -> inProgress <-> waiting
///   \________\___________\_____________\--> resolved -> closed
/// resolved or closed --reopen--> inProgress
/// ```
/// Assigning a new ticket makes it `assigned`; any technician action moves `assigned` on to
/// `inProgress`. Resolving needs resolution notes; closing needs a resolved ticket.
public enum TicketStatus: String, Codable, Sendable, CaseIterable {
    case new, assigned, inProgress, waiting, resolved, closed

    /// Neither resolved nor closed: in a queue, under its SLA.
    public var isOpen: Bool { self != .resolved && self != .closed }

    /// Whether a ticket may be moved by hand from this status to `next`: work starts (`inProgress`)
    /// from new, assigned or waiting; it waits on the requester from `inProgress`; any open ticket
    /// may be resolved. Assignment, closing and reopening are their own changes.
    public func canMove(to next: TicketStatus) -> Bool {
        switch next {
        case .inProgress: [.new, .assigned, .waiting].contains(self)
        case .waiting: self == .inProgress
        case .resolved: isOpen
        case .new, .assigned, .closed: false
        }
    }

    /// A resolved or closed ticket may be reopened; it returns to `inProgress`.
    public var canReopen: Bool { !isOpen }
}
