import DesksideAssets
import DesksideHelpdesk
import Testing

@Suite struct LoanRulesTests {
    @Test func onlyStockOrDeployedAssetsGoOutAndNeverTwice() throws {
        try LoanRules.checkOut(tag: "DS-1", status: .inStock, openLoanTo: nil)
        try LoanRules.checkOut(tag: "DS-1", status: .deployed, openLoanTo: nil)
        #expect(throws: HelpdeskError.conflict("DS-1 is checked out to jdupont: check it in first")) {
            try LoanRules.checkOut(tag: "DS-1", status: .deployed, openLoanTo: "jdupont")
        }
        for status in [AssetStatus.ordered, .inRepair, .retired, .lostOrStolen, .disposed] {
            #expect(throws: HelpdeskError.self) { try LoanRules.checkOut(tag: "DS-1", status: status, openLoanTo: nil) }
        }
    }

    @Test func returnsAreInTheFutureAndOverdueFromTheNextDay() throws {
        let today = try CalendarDate("2026-12-07")
        try LoanRules.checkReturn(today, today: today)
        #expect(throws: HelpdeskError.self) { try LoanRules.checkReturn(today.adding(days: -1), today: today) }
        #expect(throws: HelpdeskError.self) { try LoanRules.checkReturn(today.adding(months: 61), today: today) }
        #expect(!LoanRules.isOverdue(expectedReturn: today, today: today))
        #expect(LoanRules.isOverdue(expectedReturn: today.adding(days: -1), today: today))
        #expect(!LoanRules.isOverdue(expectedReturn: nil, today: today), "a loan without a return date is never overdue")
    }

    @Test func warrantiesAreFlaggedWithinTheNoticeAndNotWhenAlreadyOver() throws {
        let today = try CalendarDate("2026-12-07")
        #expect(RegisterFaults.warrantyNeedsNotice(ends: today.adding(days: 30), today: today, noticeDays: 30))
        #expect(RegisterFaults.warrantyNeedsNotice(ends: today, today: today, noticeDays: 30))
        #expect(!RegisterFaults.warrantyNeedsNotice(ends: today.adding(days: 31), today: today, noticeDays: 30))
        #expect(!RegisterFaults.warrantyNeedsNotice(ends: today.adding(days: -1), today: today, noticeDays: 30), "an old fleet opens no tickets")
        // Once raised, it stays past the end, until extended or out of use.
        #expect(RegisterFaults.warrantyStillDue(ends: today.adding(days: -10), today: today, noticeDays: 30, status: .deployed))
        #expect(!RegisterFaults.warrantyStillDue(ends: today.adding(days: 400), today: today, noticeDays: 30, status: .deployed))
        #expect(!RegisterFaults.warrantyStillDue(ends: today, today: today, noticeDays: 30, status: .retired))
        #expect(RegisterFaults.warrantyExpiring(ends: today.adding(days: 12), today: today).summary == "The warranty ends in 12 days (2026-12-19)")
        #expect(RegisterFaults.loanOverdue(borrower: "jdupont", expectedReturn: today.adding(days: -1), today: today).summary
                == "Lent to jdupont, due back 2026-12-06 (1 day late)")
    }
}
