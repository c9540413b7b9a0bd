import DesksideDesk
import DesksideHelpdesk
@testable import DesksideStoreSQLite
import DesksideTestSupport
import Foundation
import Testing

/// Reports over tickets worked at known times, on a real SQLite file.
@Suite struct ReportTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)  // Friday 2027-01-15 08:00 UTC

    @Test func technicianCategoryAndWeeklyFiguresComeFromTheTimeline() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CollectorStore(path: directory + "/deskside.sqlite")
        let tess = try store.accounts.blocking.createAccount(.init(username: "tess", name: "Tess", role: .technician, tier: 1), now: Self.start)
        let principal = Principal(role: .technician, accountID: tess.id, tier: 1, actor: "tess")
        // Three tickets: answered after 10, 30 and 50 minutes; two resolved, after 60 and 180 minutes; one rated 4.
        for (index, (response, resolution)) in [(10.0, 60.0), (30, 180), (50, nil)].enumerated() {
            let ticket = try store.createTicket(.init(title: "t\(index)", description: "", requesterId: nil, category: index == 2 ? "network" : "printing",
                                                      impact: .low, urgency: .low, tier: 1, assetIds: [], source: "staff"),
                                                actor: "tess", now: Self.start)
            _ = try store.applyTicketChange(.assign(accountID: tess.id), ticketID: ticket.id, by: principal, now: Self.start)
            _ = try store.applyTicketChange(.comment(body: "on it", internal: false), ticketID: ticket.id, by: principal,
                                            now: Self.start.addingTimeInterval(response * 60))
            if let resolution {
                _ = try store.applyTicketChange(.resolve(notes: "done", articleIDs: []), ticketID: ticket.id, by: principal,
                                                now: Self.start.addingTimeInterval(resolution * 60))
            }
            if index == 0 {
                _ = try store.applyTicketChange(.rate(rating: 4, comment: ""), ticketID: ticket.id,
                                                by: Principal(role: .requester, accountID: nil, tier: nil, actor: "someone"), now: Self.start.addingTimeInterval(7200))
            }
        }
        let since = Self.start.addingTimeInterval(-86400)
        let technicians = try store.technicianReport(since: since)
        #expect(technicians == [CollectorStore.TechnicianReport(username: "tess", tier: 1, assigned: 3, resolved: 2, medianFirstResponseMinutes: 30,
                                                                 medianResolutionMinutes: 120, averageRating: 4, ratings: 1)])
        let categories = try store.volumeReport(since: since, byModel: false)
        #expect(categories.map(\.key) == ["printing", "network"])
        #expect(categories.first?.medianResolutionMinutes == 120)
        let weeks = try store.weeklyReport(since: since)
        #expect(weeks == [CollectorStore.WeekReport(week: "2027-01-11", opened: 3, resolved: 2, breached: 0)])
        // Nothing from before the period.
        #expect(try store.technicianReport(since: Self.start.addingTimeInterval(60)).isEmpty)
    }
}
