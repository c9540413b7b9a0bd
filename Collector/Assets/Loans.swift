import DesksideHelpdesk

/// Handing assets to people and taking them back: what may be checked out, when a return date makes
/// sense, and when a loan is overdue.
public enum LoanRules {
    /// An asset is checked out from stock, or while deployed to nobody in particular; never twice.
    public static func checkOut(tag: String, status: AssetStatus, openLoanTo borrower: String?) throws {
        if let borrower { throw HelpdeskError.conflict("\(tag) is checked out to \(borrower): check it in first") }
        guard status == .inStock || status == .deployed else {
            throw HelpdeskError.conflict("\(tag) is \(status.label): only an asset in stock or deployed can be checked out")
        }
    }

    /// A loaner's expected return: not in the past, and within five years.
    public static func checkReturn(_ date: CalendarDate, today: CalendarDate) throws {
        guard date >= today else { throw HelpdeskError.unprocessable("the expected return \(date) is in the past") }
        guard date.dayNumber - today.dayNumber <= 5 * 366 else { throw HelpdeskError.unprocessable("the expected return is more than five years away") }
    }

    /// A loan is overdue from the day after its expected return.
    public static func isOverdue(expectedReturn: CalendarDate?, today: CalendarDate) -> Bool {
        guard let expectedReturn else { return false }
        return expectedReturn < today
    }

    /// At most this many assets in one handover (one acceptance covers them all).
    public static let maxAssetsPerHandover = 100
}
