import DesksideHelpdesk
import Foundation
import Testing

/// The minute clock's decisions for one ticket, without a database.
@Suite struct SLASweepTests {
    let levels = ServiceLevels()   // high: respond in 60 min, resolve in 8 h; close 7 days after resolution
    let opened = Date(timeIntervalSince1970: 1_800_000_000)

    func clock(_ status: TicketStatus = .new, tier: Int = 1, answered: Bool = false, inStorm: Bool = false) -> SLAClock {
        let due = levels.dueTimes(.high, from: opened)
        return SLAClock(status: status, tier: tier, priority: .high, createdAt: opened, answered: answered, responseDueAt: due.response,
                        resolutionDueAt: due.resolution, responseBreached: false, resolutionBreached: false, responseWarned: false,
                        resolutionWarned: false, inStorm: inStorm, resolvedAt: nil)
    }

    func minutes(_ count: Double) -> Date { opened.addingTimeInterval(count * 60) }

    @Test func onTrackNothingHappens() {
        #expect(SLASweep.steps(clock(), now: minutes(47), levels: levels).isEmpty)
    }

    @Test func pastFourFifthsOfTheResponseTimeTheQueueIsWarnedOnce() {
        #expect(SLASweep.steps(clock(), now: minutes(48), levels: levels) == [.warn(.response, dueAt: minutes(60))])
        var warned = clock()
        warned.responseWarned = true
        #expect(SLASweep.steps(warned, now: minutes(50), levels: levels).isEmpty)
        #expect(SLASweep.steps(clock(answered: true), now: minutes(50), levels: levels).isEmpty, "answered: no response clock")
        #expect(SLASweep.steps(clock(.waiting), now: minutes(50), levels: levels).isEmpty, "waiting stops the response clock")
    }

    @Test func unansweredPastTheTargetIsBreachedAndEscalatedWithAFreshTarget() {
        let now = minutes(61)
        let steps = SLASweep.steps(clock(), now: now, levels: levels)
        #expect(steps == [.breach(.response, dueAt: minutes(60)),
                          .escalate(reason: "the response target (2027-01-15T09:00:00Z) passed unanswered", responseDueAt: now.addingTimeInterval(3600))])
        #expect(steps.first?.notice == "No answer by the response target (2027-01-15T09:00:00Z).")
        // Already breached in tier 2: escalated again, not breached again.
        var second = clock(tier: 2)
        (second.responseBreached, second.responseWarned) = (true, true)
        #expect(SLASweep.steps(second, now: now, levels: levels).map { if case .escalate = $0 { "escalate" } else { "\($0)" } } == ["escalate"])
        // Tier 3 is the last: breached once, then nothing.
        #expect(SLASweep.steps(clock(tier: 3), now: now, levels: levels) == [.breach(.response, dueAt: minutes(60))])
        second.tier = 3
        #expect(SLASweep.steps(second, now: now, levels: levels).isEmpty)
    }

    @Test func aStormMemberIsNeitherEscalatedNorWarnedButItsResolutionClockRuns() {
        #expect(SLASweep.steps(clock(inStorm: true), now: minutes(61), levels: levels).isEmpty)
        #expect(SLASweep.steps(clock(inStorm: true), now: minutes(481), levels: levels) == [.breach(.resolution, dueAt: minutes(480))])
    }

    @Test func resolutionTargetWarnedThenBreachedWhileWaiting() {
        #expect(SLASweep.steps(clock(.waiting, answered: true), now: minutes(400), levels: levels) == [.warn(.resolution, dueAt: minutes(480))])
        let late = SLASweep.steps(clock(.waiting, answered: true), now: minutes(481), levels: levels)
        #expect(late == [.breach(.resolution, dueAt: minutes(480))], "a breach is not also a warning")
        #expect(late.first?.notice == "Not resolved by the resolution target (2027-01-15T16:00:00Z).")
    }

    @Test func bothClocksAtOnce() {
        // Unanswered, nine hours on: the response breach, escalation and resolution breach together.
        let steps = SLASweep.steps(clock(), now: minutes(540), levels: levels)
        #expect(steps.count == 3)
        #expect(steps.last == .breach(.resolution, dueAt: minutes(480)))
    }

    @Test func aResolvedTicketClosesAfterTheDaysAndAClosedOneNeverChanges() {
        var resolved = clock(.resolved, answered: true)
        resolved.resolvedAt = minutes(30)
        #expect(SLASweep.steps(resolved, now: minutes(30 + 7 * 24 * 60 - 1), levels: levels).isEmpty)
        #expect(SLASweep.steps(resolved, now: minutes(30 + 7 * 24 * 60 + 1), levels: levels) == [.close(note: "closed automatically 7 days after resolution")])
        var closed = resolved
        closed.status = .closed
        #expect(SLASweep.steps(closed, now: minutes(100_000), levels: levels).isEmpty)
    }

    @Test func candidatesCoverEveryTicketWithAStep() {
        let now = minutes(100)
        let candidates = SLASweep.candidates(now: now, levels: levels)
        #expect(candidates.riskShare == SLAState.riskShare)
        #expect(candidates.resolvedBefore == now.addingTimeInterval(-7 * 86400))
    }
}
