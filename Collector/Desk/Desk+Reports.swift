#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import DesksideHelpdesk
public import DesksideStoreSQLite

extension Desk {
    func since(days: Int) throws -> Date {
        guard (1...3650).contains(days) else { throw HelpdeskError.invalid("days must be 1 to 3650") }
        return clock().addingTimeInterval(-Double(days) * 86400)
    }

    public func technicianReport(_ principal: Principal, days: Int) throws -> [CollectorStore.TechnicianReport] {
        try requireReader(principal)
        return try store.technicianReport(since: since(days: days))
    }

    public func categoryReport(_ principal: Principal, days: Int) throws -> [CollectorStore.VolumeReport] {
        try requireReader(principal)
        return try store.volumeReport(since: since(days: days), byModel: false)
    }

    public func modelReport(_ principal: Principal, days: Int) throws -> [CollectorStore.VolumeReport] {
        try requireReader(principal)
        return try store.volumeReport(since: since(days: days), byModel: true)
    }

    public func weeklyReport(_ principal: Principal, days: Int) throws -> [CollectorStore.WeekReport] {
        try requireReader(principal)
        return try store.weeklyReport(since: since(days: days))
    }

    public func auditReport(_ principal: Principal, silentDays: Int?) throws -> CollectorStore.AuditReport {
        try requireReader(principal)
        return try store.auditReport(now: clock(), silentDays: silentDays ?? settings.faultLoop.silentAgentDays)
    }
}
