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

    /// Whether a ticket may move from this status to `next` (reopening is its own move, `reopen`).
    public func canMove(to next: TicketStatus) -> Bool {
        switch (self, next) {
        case (.new, .assigned), (.new, .inProgress), (.assigned, .inProgress), (.assigned, .assigned),
             (.inProgress, .waiting), (.waiting, .inProgress), (.inProgress, .assigned), (.waiting, .assigned):
            true
        case (_, .resolved):
            isOpen
        case (.resolved, .closed):
            true
        default:
            false
        }
    }

    /// A resolved or closed ticket may be reopened; it returns to `inProgress`.
    public var canReopen: Bool { !isOpen }
}
