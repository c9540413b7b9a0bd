/// When an asset is due for a physical audit: its category's interval after its last audit, or
/// after it entered the register if it was never audited.
public enum AuditSchedule {
    /// `lastAudit` and `created` are timestamps (their first ten characters are the day).
    public static func due(lastAudit: String?, created: String, intervalDays: Int) -> CalendarDate {
        let start = (try? CalendarDate(String((lastAudit ?? created).prefix(10)))) ?? CalendarDate(dayNumber: 0)
        return start.adding(days: intervalDays)
    }
}
