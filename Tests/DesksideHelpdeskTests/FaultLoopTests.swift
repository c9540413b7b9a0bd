import DesksideHelpdesk
import DesksideInventory
import Foundation
import Testing

/// The fault-to-ticket loop's decisions, on their own: what one report does to the desk, from the
/// faults reported now and before and the tickets their codes are linked to.
@Suite struct FaultLoopTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let settings = FaultLoopSettings()

    static func fault(_ code: String, _ summary: String, severity: Fault.Severity = .warning, subject: String = "") -> Fault {
        Fault(code: code, severity: severity, subject: subject, summary: summary, facts: ["freePercent": .double(4.5), "threshold": .int(10)])
    }

    static func steps(_ current: [Fault], before previous: [FaultLoop.Reported] = [], links: [String: FaultLoop.Link] = [:],
                      rules: [String: FaultRule] = [:]) -> [FaultLoop.Step] {
        FaultLoop.steps(current: current, previous: previous, links: links, now: now, settings: settings) { code in
            rules[code] ?? FaultRule.defaultRule(for: code)
        }
    }

    @Test func aNewFaultOpensATicketAndARuleSwitchedOffOpensNothing() {
        let disk = Self.fault("disk.space.low", "/ is 95% full")
        #expect(Self.steps([disk]) == [.open(code: "disk.space.low", rule: FaultRule.defaultRule(for: "disk.space.low"), faults: [disk])])
        // reboot.required opens no ticket by default; an admin can switch any code off.
        #expect(Self.steps([Self.fault("reboot.required", "a reboot is pending")]).isEmpty)
        var off = FaultRule.defaultRule(for: "disk.space.low")
        off.opensTicket = false
        #expect(Self.steps([disk], rules: ["disk.space.low": off]).isEmpty)
    }

    @Test func anOpenTicketIsUpdatedWithANoteOnlyWhenTheFaultReturnsOrChanges() {
        let link = ["disk.space.low": FaultLoop.Link(ticketID: 7, status: .inProgress, resolvedAt: nil)]
        let same = Self.fault("disk.space.low", "/ is 95% full")
        #expect(Self.steps([same], before: [.init(code: "disk.space.low", summary: "/ is 95% full")], links: link)
            == [.update(code: "disk.space.low", ticketID: 7, note: nil)])
        let worse = Self.fault("disk.space.low", "/ is 99% full")
        #expect(Self.steps([worse], before: [.init(code: "disk.space.low", summary: "/ is 95% full")], links: link)
            == [.update(code: "disk.space.low", ticketID: 7, note: "now: / is 99% full")])
        // Not in the previous report (cleared, then back) while its ticket is still open.
        #expect(Self.steps([same], links: link) == [.update(code: "disk.space.low", ticketID: 7, note: "reported again: / is 95% full")])
        // Two subjects of one code are one ticket.
        let home = Self.fault("disk.space.low", "/home is 97% full", subject: "/home")
        #expect(Self.steps([same, home], before: [.init(code: "disk.space.low", summary: "/ is 95% full")], links: link)
            == [.update(code: "disk.space.low", ticketID: 7, note: "now: / is 95% full; /home is 97% full")])
    }

    @Test func aTicketResolvedByHandWhileTheFaultPersistsIsLeftAlone() {
        let resolved = ["service.failed": FaultLoop.Link(ticketID: 3, status: .resolved, resolvedAt: Self.now.addingTimeInterval(-60))]
        let failed = Self.fault("service.failed", "cups.service failed")
        #expect(Self.steps([failed], before: [.init(code: "service.failed", summary: "cups.service failed")], links: resolved)
            == [.count(code: "service.failed")])
    }

    @Test func aFaultBackWithinTheReopenWindowReopensItsTicketAndLaterOpensANewOne() {
        let failed = Self.fault("service.failed", "cups.service failed")
        let window = Double(Self.settings.reopenWindowDays) * 86400
        let inside = ["service.failed": FaultLoop.Link(ticketID: 3, status: .resolved, resolvedAt: Self.now.addingTimeInterval(-window))]
        #expect(Self.steps([failed], links: inside) == [.reopen(code: "service.failed", ticketID: 3, reason: "the fault came back: cups.service failed")])
        let closed = ["service.failed": FaultLoop.Link(ticketID: 3, status: .closed, resolvedAt: Self.now.addingTimeInterval(-3600))]
        #expect(Self.steps([failed], links: closed) == [.reopen(code: "service.failed", ticketID: 3, reason: "the fault came back: cups.service failed")])
        let outside = ["service.failed": FaultLoop.Link(ticketID: 3, status: .resolved, resolvedAt: Self.now.addingTimeInterval(-window - 1))]
        #expect(Self.steps([failed], links: outside) == [.open(code: "service.failed", rule: FaultRule.defaultRule(for: "service.failed"), faults: [failed])])
    }

    @Test func aClearedFaultResolvesAnOpenTicketOnly() {
        let before: [FaultLoop.Reported] = [.init(code: "memory.low", summary: "3% free"), .init(code: "battery.worn", summary: "61% of design")]
        let links = ["memory.low": FaultLoop.Link(ticketID: 11, status: .waiting, resolvedAt: nil),
                     "battery.worn": FaultLoop.Link(ticketID: 12, status: .resolved, resolvedAt: Self.now)]
        #expect(Self.steps([], before: before, links: links)
            == [.resolve(code: "memory.low", ticketID: 11, notes: "Resolved automatically: the agent no longer reports memory.low (fault cleared at 2027-01-15T08:00:00Z).")])
    }

    @Test func theRuleIsAskedOnlyForCodesThatMayOpenOrReopen() {
        var asked: [String] = []
        let link = ["disk.space.low": FaultLoop.Link(ticketID: 7, status: .new, resolvedAt: nil)]
        _ = FaultLoop.steps(current: [Self.fault("disk.space.low", "full"), Self.fault("memory.low", "3% free")],
                            previous: [.init(code: "disk.space.low", summary: "full")], links: link, now: Self.now, settings: Self.settings) { code in
            asked.append(code)
            return FaultRule.defaultRule(for: code)
        }
        #expect(asked == ["memory.low"])
    }

    @Test func theTicketNamesTheMachineAndIsOneStepMoreUrgentForACriticalFault() {
        let rule = FaultRule.defaultRule(for: "disk.space.low")
        let warning = FaultLoop.ticket(for: [Self.fault("disk.space.low", "/ is 95% full")], on: "lab-07", rule: rule)
        #expect(warning.title == "lab-07: / is 95% full" && warning.urgency == rule.urgency && warning.impact == rule.impact && warning.tier == rule.tier)
        #expect(warning.description == "/ is 95% full\n  freePercent: 4.5\n  threshold: 10")
        let critical = FaultLoop.ticket(for: [Self.fault("disk.space.low", "/ is 99% full", severity: .critical)], on: "lab-07", rule: rule)
        #expect(rule.urgency == .medium && critical.urgency == .high)
        let long = FaultLoop.ticket(for: [Self.fault("disk.space.low", String(repeating: "x", count: 400))], on: "lab-07", rule: rule)
        #expect(long.title.count == 200)
    }

    @Test func aStormStartsPastTheThresholdAndCollectsWhileMembersKeepArriving() {
        let settings = Self.settings
        var asked = 0
        func decide(_ recent: Int, _ open: Int64?, joined: Bool) -> FaultStorm.Decision {
            FaultStorm.decide(recent: recent, openStorm: open, joinedRecently: { asked += 1; return joined }, settings: settings)
        }
        #expect(decide(settings.stormThreshold - 1, nil, joined: false) == .none)
        #expect(decide(settings.stormThreshold, nil, joined: false) == .start)
        #expect(decide(settings.stormThreshold, 40, joined: false) == .fileUnder(40))
        #expect(asked == 0, "past the threshold, an open storm collects without asking")
        #expect(decide(0, 40, joined: true) == .fileUnder(40))
        #expect(decide(0, 40, joined: false) == .none)
        #expect(FaultStorm.title(code: "service.failed", members: 3, settings: settings) == "Fault storm: service.failed on 23 machines")
        let summary = FaultStorm.summary(code: "service.failed", rule: FaultRule.defaultRule(for: "service.failed"), settings: settings)
        #expect(summary.impact == .high && summary.title == "Fault storm: service.failed on many machines")
    }
}
