import DesksideHelpdesk

/// A day without a time or zone (a purchase date, a warranty's end, a loan's return), written
/// YYYY-MM-DD so that text order is date order in the database.
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) throws {
        guard (0...9999).contains(year), (1...12).contains(month), (1...Self.days(year, month)).contains(day) else {
            throw HelpdeskError.invalid("\(year)-\(month)-\(day) is not a date")
        }
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// Parses YYYY-MM-DD; `field` names it in the error.
    public init(_ text: String, field: String = "date") throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              let date = try? CalendarDate(year: year, month: month, day: day) else {
            throw HelpdeskError.invalid("\(field) must be a date written YYYY-MM-DD")
        }
        self = date
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(value).count)) + String(value) }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// The same day `months` later, the month's last day when it has no such day (31 Jan + 1 = 28/29 Feb).
    public func adding(months: Int) -> CalendarDate {
        let total = year * 12 + (month - 1) + months
        let (newYear, newMonth) = (total / 12, total % 12 + 1)
        return (try? CalendarDate(year: newYear, month: newMonth, day: min(day, Self.days(newYear, newMonth)))) ?? self
    }

    /// Days since 1970-01-01 (negative before), for day arithmetic.
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        (self.year, self.month, self.day) = (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + days) }

    /// The day (UTC) of a moment given in seconds since 1970.
    public init(secondsSince1970 seconds: Double) {
        self.init(dayNumber: Int((seconds / 86400).rounded(.down)))
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    static func days(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
