import DesksideHelpdesk
public import DesksideInventory

/// The faults the register raises on its own, through the same fault rules as any other (a rule
/// can make them a report line instead of a ticket).
public enum RegisterFaults {
    /// A warranty ending within `noticeDays` (from today to the end day). One that had already ended
    /// when first seen raises nothing: an old fleet entered today should not open a ticket per
    /// machine. Once raised, the fault stays past the end until the warranty is extended or the asset
    /// leaves use.
    public static func warrantyNeedsNotice(ends: CalendarDate, today: CalendarDate, noticeDays: Int) -> Bool {
        let left = ends.dayNumber - today.dayNumber
        return left >= 0 && left <= noticeDays
    }

    /// Whether a raised `warranty.expiring` should stay: the end still within the notice (or past).
    public static func warrantyStillDue(ends: CalendarDate?, today: CalendarDate, noticeDays: Int, status: AssetStatus) -> Bool {
        guard let ends, status.countsForWarranty else { return false }
        return ends.dayNumber - today.dayNumber <= noticeDays
    }

    public static func warrantyExpiring(ends: CalendarDate, today: CalendarDate) -> Fault {
        let left = ends.dayNumber - today.dayNumber
        let when = left > 0 ? "in \(left) day\(left == 1 ? "" : "s") (\(ends))" : left == 0 ? "today" : "on \(ends)"
        return Fault(code: CollectorFault.warrantyExpiring, severity: .warning, subject: "",
                     summary: "The warranty ends \(when)", facts: ["warrantyEnds": .string(ends.description)])
    }

    public static func loanOverdue(borrower: String, expectedReturn: CalendarDate, today: CalendarDate) -> Fault {
        let late = today.dayNumber - expectedReturn.dayNumber
        return Fault(code: CollectorFault.loanOverdue, severity: .warning, subject: "",
                     summary: "Lent to \(borrower), due back \(expectedReturn) (\(late) day\(late == 1 ? "" : "s") late)",
                     facts: ["borrower": .string(borrower), "expectedReturn": .string(expectedReturn.description)])
    }
}

extension AssetStatus {
    /// Whether a warranty matters: not for an asset ordered, lost, retired or disposed.
    public var countsForWarranty: Bool { self == .inStock || self == .deployed || self == .inRepair }
}
