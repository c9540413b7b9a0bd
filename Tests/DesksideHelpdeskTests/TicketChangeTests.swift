import DesksideHelpdesk
import Testing

/// What a ticket may undergo from where it stands, on its own: the same rules the store applies in
/// the transaction of each change (409 when they refuse).
@Suite struct TicketChangeTests {
    static func refusal(_ change: TicketChange, _ status: TicketStatus, tier: Int = 1) -> String? {
        do {
            try change.check(status: status, tier: tier)
            return nil
        } catch {
            guard case .conflict(let message) = error else { return "not a conflict: \(error)" }
            return message
        }
    }

    @Test func openTicketsAreAssignedEscalatedAndReprioritizedClosedOnesAreNot() {
        for status in [TicketStatus.new, .assigned, .inProgress, .waiting] {
            #expect(Self.refusal(.assign(accountID: 4), status) == nil)
            #expect(Self.refusal(.escalate(reason: "needs tier 2"), status) == nil)
            #expect(Self.refusal(.reprioritize(impact: .high, urgency: .high), status) == nil)
            #expect(Self.refusal(.resolve(notes: "done", articleIDs: []), status) == nil)
            #expect(Self.refusal(.reopen(reason: ""), status) == "the ticket is open (\(status.rawValue))")
            #expect(Self.refusal(.close, status) == "only a resolved ticket can be closed (it is \(status.rawValue))")
            #expect(Self.refusal(.rate(rating: 5, comment: ""), status) == "only a resolved ticket can be rated")
        }
        for status in [TicketStatus.resolved, .closed] {
            #expect(Self.refusal(.assign(accountID: 4), status) == "a \(status.rawValue) ticket cannot be assigned; reopen it first")
            #expect(Self.refusal(.escalate(reason: "x"), status) == "a \(status.rawValue) ticket cannot be escalated")
            #expect(Self.refusal(.reprioritize(impact: .low, urgency: .low), status) == "a \(status.rawValue) ticket keeps its priority; reopen it first")
            #expect(Self.refusal(.resolve(notes: "again", articleIDs: []), status) == "the ticket is already \(status.rawValue)")
            #expect(Self.refusal(.reopen(reason: "it came back"), status) == nil)
            #expect(Self.refusal(.rate(rating: 4, comment: "quick"), status) == nil)
            #expect(Self.refusal(.comment(body: "thanks", internal: false), status) == nil, "a closed ticket still takes comments")
        }
        #expect(Self.refusal(.close, .resolved) == nil)
        #expect(Self.refusal(.close, .closed) == "only a resolved ticket can be closed (it is closed)")
    }

    @Test func tierThreeIsTheLastAndMovesFollowTheStatusRules() {
        #expect(Self.refusal(.escalate(reason: "x"), .inProgress, tier: 2) == nil)
        #expect(Self.refusal(.escalate(reason: "x"), .inProgress, tier: 3) == "the ticket is already in tier 3")
        #expect(Self.refusal(.move(.inProgress), .new) == nil)
        #expect(Self.refusal(.move(.waiting), .inProgress) == nil)
        #expect(Self.refusal(.move(.waiting), .new) == "a new ticket cannot move to waiting")
        #expect(Self.refusal(.move(.inProgress), .closed) == "a closed ticket cannot move to inProgress")
    }

    @Test func assigningMovesANewTicketAndUnassigningAnAssignedOne() {
        #expect(TicketChange.status(.new, afterAssigningTo: 4) == .assigned)
        #expect(TicketChange.status(.assigned, afterAssigningTo: nil) == .new)
        #expect(TicketChange.status(.assigned, afterAssigningTo: 5) == .assigned)
        #expect(TicketChange.status(.inProgress, afterAssigningTo: nil) == .inProgress, "work started stays started")
        #expect(TicketChange.status(.waiting, afterAssigningTo: 4) == .waiting)
    }
}
