import Foundation
import DesksideHelpdesk

/// Who is told of an event on a ticket, by e-mail: requesters of their own tickets' events, staff of
/// their queue's (the assignee, or while nobody is assigned, the technicians of the ticket's tier).
/// Nobody is told of their own change (but a requester's new ticket is acknowledged), and an account
/// that turned a kind off is not told of it (the store applies preferences).
public enum Recipients {
    /// The people around a ticket when the event happened.
    public struct Parties: Sendable, Equatable {
        public var requesterID: Int64?
        public var assigneeID: Int64?
        /// Active technicians of the ticket's tier (after an escalation: of the new tier).
        public var tierTechnicianIDs: [Int64]
        /// Active admins, told of fault storms (a storm is everyone's problem).
        public var adminIDs: [Int64]

        public init(requesterID: Int64?, assigneeID: Int64?, tierTechnicianIDs: [Int64], adminIDs: [Int64] = []) {
            self.requesterID = requesterID
            self.assigneeID = assigneeID
            self.tierTechnicianIDs = tierTechnicianIDs
            self.adminIDs = adminIDs
        }

        /// The assignee, or the tier's technicians while nobody is.
        var queue: [Int64] { assigneeID.map { [$0] } ?? tierTechnicianIDs }
    }

    /// The accounts to mail about `type` on a ticket, in a stable order, before preferences.
    /// `actorID` is the account that made the change (nil: the collector, or an API token).
    public static func forTicket(_ type: EventType, parties: Parties, actorID: Int64?) -> [Int64] {
        let requester = parties.requesterID.map { [$0] } ?? []
        let people: [Int64]
        switch type {
        case .ticketOpened:
            // The requester's acknowledgement (with the number to reply to) and the queue.
            people = requester + parties.queue
        case .ticketCommented:
            // A public comment: the requester hears from staff, staff from the requester.
            people = actorID != nil && actorID == parties.requesterID ? parties.queue : requester + parties.queue
        case .ticketWaiting, .ticketResolved:
            people = requester
        case .ticketAssigned:
            people = parties.assigneeID.map { [$0] } ?? []
        case .ticketEscalated, .ticketReopened, .ticketSLAAtRisk, .ticketSLABreached, .onboardingStepFailed:
            people = parties.queue
        case .onboardingStepFinished, .onboardingFinished:
            // The new hire (the onboarding ticket's requester) follows the progress; so does its technician.
            people = requester + (parties.assigneeID.map { [$0] } ?? [])
        case .faultStorm:
            people = parties.tierTechnicianIDs + parties.adminIDs
        case .faultOpened, .faultCleared, .assetCreated, .assetAssigned, .assetStatus, .assetHandover, .taskFinished:
            people = []
        }
        var seen = Set<Int64>()
        // A requester's own new ticket is acknowledged (with the number a reply must carry).
        let acknowledged = type == .ticketOpened ? parties.requesterID : nil
        return people.filter { ($0 != actorID || $0 == acknowledged) && seen.insert($0).inserted }
    }

    /// The notification a line of a ticket's timeline causes (its `kind`, `field` and new value, as
    /// the store writes them), if any: an internal note causes none, nor does a change of priority, nor
    /// anything on a ticket filed under a fault storm (its storm's summary speaks for it).
    public static func eventType(timelineKind kind: String, newValue: String?, internal isInternal: Bool, stormSummary: Bool,
                                 stormMember: Bool = false) -> EventType? {
        if stormMember { return nil }
        return switch kind {
        case "opened": stormSummary ? .faultStorm : .ticketOpened
        case "comment": isInternal ? nil : .ticketCommented
        case "status": newValue == TicketStatus.waiting.rawValue ? .ticketWaiting : nil
        case "assigned": newValue == nil ? nil : .ticketAssigned
        case "escalated": .ticketEscalated
        case "resolved": .ticketResolved
        case "reopened": .ticketReopened
        default: nil
        }
    }
}
