#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideJSON

/// A ticket's two clocks.
public enum SLATarget: String, Sendable, Equatable {
    case response, resolution
}

/// A ticket's clocks as the sweep reads them.
public struct SLAClock: Sendable, Equatable {
    public var status: TicketStatus
    public var tier: Int
    public var priority: Priority
    public var createdAt: Date
    /// A technician answered (first public comment or a move to in progress).
    public var answered: Bool
    public var responseDueAt: Date
    public var resolutionDueAt: Date
    public var responseBreached: Bool
    public var resolutionBreached: Bool
    /// The queue was told the target is close (or that it passed), once per target.
    public var responseWarned: Bool
    public var resolutionWarned: Bool
    /// A member of a fault storm: the storm's ticket is the one answered and escalated.
    public var inStorm: Bool
    public var resolvedAt: Date?

    public init(status: TicketStatus, tier: Int, priority: Priority, createdAt: Date, answered: Bool, responseDueAt: Date, resolutionDueAt: Date,
                responseBreached: Bool, resolutionBreached: Bool, responseWarned: Bool, resolutionWarned: Bool, inStorm: Bool, resolvedAt: Date?) {
        self.status = status
        self.tier = tier
        self.priority = priority
        self.createdAt = createdAt
        self.answered = answered
        self.responseDueAt = responseDueAt
        self.resolutionDueAt = resolutionDueAt
        self.responseBreached = responseBreached
        self.resolutionBreached = resolutionBreached
        self.responseWarned = responseWarned
        self.resolutionWarned = resolutionWarned
        self.inStorm = inStorm
        self.resolvedAt = resolvedAt
    }
}

/// What the minute clock does to one ticket, in order; the store carries the steps out in one
/// transaction and decides nothing.
public enum SLAStep: Sendable, Equatable {
    /// The target passed: flag it breached (and warned), and tell the ticket's watchers.
    case breach(SLATarget, dueAt: Date)
    /// Up one tier, unassigned, with a fresh response target from now.
    case escalate(reason: String, responseDueAt: Date)
    /// The target is close (`SLAState.riskShare` of the time to it has passed): tell the queue, once.
    case warn(SLATarget, dueAt: Date)
    /// A resolved ticket left unrated closes on its own.
    case close(note: String)

    /// The notification's text for a breach or a warning.
    public var notice: String? {
        switch self {
        case .breach(.response, let due): "No answer by the response target (\(Self.text(due)))."
        case .breach(.resolution, let due): "Not resolved by the resolution target (\(Self.text(due)))."
        case .warn(let target, let due): "The \(target.rawValue) target (\(Self.text(due))) is close."
        case .escalate, .close: nil
        }
    }

    static func text(_ date: Date) -> String { ISO8601.format(secondsSince1970: date.timeIntervalSince1970) }
}

/// The help desk's clocks, run every minute: a ticket unanswered past its response target is
/// flagged and escalated to the next tier (with a fresh response target there) until tier 3; one past
/// its resolution target is flagged; one past `SLAState.riskShare` of the time to a target is at
/// risk, and its queue told once per target; a resolved ticket left unrated for `autoCloseDays` is
/// closed. Waiting on the requester stops the response clock, not the resolution clock.
public enum SLASweep {
    /// Which tickets can need a step now: open ones at least `riskShare` of the way to a target
    /// (which every breach is too), and resolved ones older than `resolvedBefore`. The store may
    /// read only these; `steps` decides.
    public struct Candidates: Sendable, Equatable {
        public var riskShare: Double
        public var resolvedBefore: Date
    }

    public static func candidates(now: Date, levels: ServiceLevels) -> Candidates {
        Candidates(riskShare: SLAState.riskShare, resolvedBefore: now.addingTimeInterval(-Double(levels.autoCloseDays) * 86400))
    }

    public static func steps(_ clock: SLAClock, now: Date, levels: ServiceLevels) -> [SLAStep] {
        var clock = clock, steps: [SLAStep] = []
        let open = clock.status != .resolved && clock.status != .closed
        if open, clock.status != .waiting, !clock.answered, !clock.inStorm, clock.responseDueAt < now, !clock.responseBreached || clock.tier < 3 {
            if !clock.responseBreached {
                steps.append(.breach(.response, dueAt: clock.responseDueAt))
                (clock.responseBreached, clock.responseWarned) = (true, true)
            }
            if clock.tier < 3 {
                let due = now.addingTimeInterval(Double(levels.target(clock.priority).responseMinutes) * 60)
                steps.append(.escalate(reason: "the response target (\(SLAStep.text(clock.responseDueAt))) passed unanswered", responseDueAt: due))
                (clock.tier, clock.responseDueAt) = (clock.tier + 1, due)
            }
        }
        if open, !clock.resolutionBreached, clock.resolutionDueAt < now {
            steps.append(.breach(.resolution, dueAt: clock.resolutionDueAt))
            (clock.resolutionBreached, clock.resolutionWarned) = (true, true)
        }
        if open, !clock.inStorm {
            if !clock.answered, clock.status != .waiting, !clock.responseWarned, atRisk(from: clock.createdAt, to: clock.responseDueAt, now: now) {
                steps.append(.warn(.response, dueAt: clock.responseDueAt))
            }
            if !clock.resolutionWarned, atRisk(from: clock.createdAt, to: clock.resolutionDueAt, now: now) {
                steps.append(.warn(.resolution, dueAt: clock.resolutionDueAt))
            }
        }
        if clock.status == .resolved, let resolved = clock.resolvedAt, resolved < candidates(now: now, levels: levels).resolvedBefore {
            steps.append(.close(note: "closed automatically \(levels.autoCloseDays) days after resolution"))
        }
        return steps
    }

    /// Not yet due, but `SLAState.riskShare` of the time from opening to the target has passed.
    static func atRisk(from start: Date, to due: Date, now: Date) -> Bool {
        due >= now && now.timeIntervalSince(start) >= SLAState.riskShare * due.timeIntervalSince(start)
    }
}
