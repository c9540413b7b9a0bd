#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAssets
import DesksideHelpdesk
import DesksideNotifications
import GRDB

extension CollectorStore {
    /// One asset lent to a person.
    public struct Loan: Codable, Sendable, Equatable {
        public var id: Int64
        public var assetId: Int64
        public var tag: String
        /// The asset's name, host name or tag.
        public var asset: String
        public var handoverId: Int64
        public var accountId: Int64
        public var username: String
        public var checkedOutAt: String
        public var expectedReturn: String?
        public var checkedInAt: String?
        public var checkedInBy: String?
        /// When the person confirmed receipt (for the whole handover).
        public var acceptedAt: String?
        public var overdue: Bool
    }

    /// What was handed to one person at once, and whether they confirmed receipt.
    public struct Handover: Codable, Sendable, Equatable {
        public var id: Int64
        public var accountId: Int64
        public var username: String
        public var at: String
        public var actor: String
        public var note: String
        public var acceptedAt: String?
        public var loans: [Loan]
    }

    /// Which loans a list shows.
    public enum LoanFilter: String, Sendable, CaseIterable {
        case open, overdue, all
    }

    static let loanSelect = """
        SELECT loan.id, loan.assetId, asset.tag, coalesce(asset.name, asset.hostname, asset.tag) AS label, loan.handoverId, loan.accountId,
               account.username, loan.checkedOutAt, loan.expectedReturn, loan.checkedInAt, loan.checkedInBy, handover.acceptedAt
        FROM loan JOIN asset ON asset.id = loan.assetId JOIN account ON account.id = loan.accountId JOIN handover ON handover.id = loan.handoverId
        """

    static func loan(_ row: Row, today: CalendarDate) -> Loan {
        let expected: String? = row["expectedReturn"]
        let open = (row["checkedInAt"] as String?) == nil
        return Loan(id: row["id"], assetId: row["assetId"], tag: row["tag"] ?? "", asset: row["label"] ?? "", handoverId: row["handoverId"],
                    accountId: row["accountId"], username: row["username"], checkedOutAt: row["checkedOutAt"], expectedReturn: expected,
                    checkedInAt: row["checkedInAt"], checkedInBy: row["checkedInBy"], acceptedAt: row["acceptedAt"],
                    overdue: open && LoanRules.isOverdue(expectedReturn: expected.flatMap { try? CalendarDate($0) }, today: today))
    }

    static func today(_ now: Date) -> CalendarDate { CalendarDate(secondsSince1970: now.timeIntervalSince1970) }

    /// Checks assets out to a person in one handover: each becomes theirs (owner history, open fault
    /// tickets follow) and deployed; the person is asked to confirm receipt once for all of them.
    public func checkOut(assetIDs: [Int64], to accountID: Int64, expectedReturn: CalendarDate?, note: String, actor: String, now: Date) throws -> Handover {
        let ids = Array(Set(assetIDs)).sorted()
        guard !ids.isEmpty else { throw HelpdeskError.invalid("name at least one asset") }
        guard ids.count <= LoanRules.maxAssetsPerHandover else { throw HelpdeskError.invalid("at most \(LoanRules.maxAssetsPerHandover) assets at once") }
        let today = Self.today(now)
        if let expectedReturn { try LoanRules.checkReturn(expectedReturn, today: today) }
        let time = Timestamp.text(now)
        let handoverID: Int64 = try pool.write { db in
            guard let username = try String.fetchOne(cached: db, sql: "SELECT username FROM account WHERE id = ? AND status != 'departed'", arguments: [accountID]) else {
                throw HelpdeskError.unprocessable("no active account \(accountID)")
            }
            try db.run("INSERT INTO handover (accountId, at, actor, note) VALUES (?, ?, ?, ?)", arguments: [accountID, time, actor, note])
            let handover = db.lastInsertedRowID
            var labels: [String] = []
            for id in ids {
                guard let (record, _, _) = try Self.registerRecord(db, id: id) else { throw HelpdeskError.unprocessable("no asset \(id)") }
                let borrower = try String.fetchOne(cached: db, sql: """
                    SELECT account.username FROM loan JOIN account ON account.id = loan.accountId WHERE loan.assetId = ? AND loan.checkedInAt IS NULL
                    """, arguments: [id])
                try LoanRules.checkOut(tag: record.tag, status: record.status, openLoanTo: borrower)
                try db.run("INSERT INTO loan (assetId, handoverId, accountId, checkedOutAt, expectedReturn) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, handover, accountID, time, expectedReturn?.description])
                var deployed = record
                deployed.status = .deployed
                try Self.write(db, asset: id, old: record, new: deployed, actor: actor, now: now)
                try Self.assign(db, asset: id, to: accountID, actor: actor, note: "checked out" + (note.isEmpty ? "" : ": \(note)"), now: now)
                try db.run("INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, 'register', ?, NULL, ?)",
                           arguments: [id, time, "checked out (by \(actor))", username + (expectedReturn.map { ", due back \($0)" } ?? "")])
                labels.append(record.name.map { "\(record.tag) \($0)" } ?? record.tag)
            }
            try Outbox(db).handoverNotice(accountID: accountID, handoverID: handover, assets: labels, actor: actor, at: time)
            return handover
        }
        guard let handover = try handover(id: handoverID) else { throw HelpdeskError.notFound }
        return handover
    }

    /// Takes an asset back: its loan closes, it goes back in stock, unassigned.
    public func checkIn(assetID: Int64, actor: String, now: Date) throws -> Loan {
        let time = Timestamp.text(now)
        let loanID: Int64 = try pool.write { db in
            guard let (record, _, _) = try Self.registerRecord(db, id: assetID) else { throw HelpdeskError.notFound }
            guard let loan = try Row.fetchOne(cached: db, sql: """
                SELECT loan.id, account.username FROM loan JOIN account ON account.id = loan.accountId WHERE loan.assetId = ? AND loan.checkedInAt IS NULL
                """, arguments: [assetID]) else { throw HelpdeskError.conflict("\(record.tag) is not checked out") }
            try db.run("UPDATE loan SET checkedInAt = ?, checkedInBy = ? WHERE id = ?", arguments: [time, actor, loan["id"] as Int64])
            var stocked = record
            stocked.status = .inStock
            try Self.write(db, asset: assetID, old: record, new: stocked, actor: actor, now: now)
            try Self.assign(db, asset: assetID, to: nil, actor: actor, note: "checked in", now: now)
            try db.run("INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, 'register', ?, ?, NULL)",
                       arguments: [assetID, time, "checked in (by \(actor))", loan["username"] as String])
            try clearRegisterFault(db, asset: assetID, code: CollectorFault.loanOverdue, at: now)
            return loan["id"]
        }
        return try pool.read { db in try Row.fetchOne(db, sql: Self.loanSelect + " WHERE loan.id = ?", arguments: [loanID]).map { Self.loan($0, today: Self.today(now)) } }!
    }

    public func handover(id: Int64, now: Date = Date()) throws -> Handover? {
        try pool.read { db in try Self.handover(db, id: id, today: Self.today(now)) }
    }

    static func handover(_ db: Database, id: Int64, today: CalendarDate) throws -> Handover? {
        guard let row = try Row.fetchOne(cached: db, sql: """
            SELECT handover.*, account.username FROM handover JOIN account ON account.id = handover.accountId WHERE handover.id = ?
            """, arguments: [id]) else { return nil }
        let loans = try Row.fetchAll(cached: db, sql: loanSelect + " WHERE loan.handoverId = ? ORDER BY loan.id", arguments: [id]).map { loan($0, today: today) }
        return Handover(id: row["id"], accountId: row["accountId"], username: row["username"], at: row["at"], actor: row["actor"], note: row["note"],
                        acceptedAt: row["acceptedAt"], loans: loans)
    }

    /// A person's handovers, newest first (those waiting for their confirmation only, if asked).
    public func handovers(accountID: Int64, pendingOnly: Bool, now: Date) throws -> [Handover] {
        try pool.read { db in
            try Int64.fetchAll(cached: db, sql: """
                SELECT id FROM handover WHERE accountId = ? AND (? = 0 OR acceptedAt IS NULL) ORDER BY id DESC LIMIT 200
                """, arguments: [accountID, pendingOnly]).compactMap { try Self.handover(db, id: $0, today: Self.today(now)) }
        }
    }

    /// The person confirms receipt of everything in the handover, once; each asset's history says so.
    public func acceptHandover(id: Int64, accountID: Int64, now: Date) throws -> Handover {
        let time = Timestamp.text(now)
        try pool.write { db in
            guard let row = try Row.fetchOne(cached: db, sql: "SELECT accountId, acceptedAt FROM handover WHERE id = ?", arguments: [id]),
                  row["accountId"] as Int64 == accountID else { throw HelpdeskError.notFound }
            guard (row["acceptedAt"] as String?) == nil else { throw HelpdeskError.conflict("this handover was accepted on \(row["acceptedAt"] as String)") }
            try db.run("UPDATE handover SET acceptedAt = ? WHERE id = ?", arguments: [time, id])
            let username = try String.fetchOne(cached: db, sql: "SELECT username FROM account WHERE id = ?", arguments: [accountID]) ?? "?"
            for asset in try Int64.fetchAll(cached: db, sql: "SELECT assetId FROM loan WHERE handoverId = ?", arguments: [id]) {
                try db.run("INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, 'register', 'receipt accepted', NULL, ?)",
                           arguments: [asset, time, "\(username) (handover \(id))"])
            }
        }
        guard let handover = try handover(id: id, now: now) else { throw HelpdeskError.notFound }
        return handover
    }

    /// Loans, newest first: open ones, overdue ones (open past their expected return), or all; a
    /// person's only if `accountID` is given.
    public func loans(_ filter: LoanFilter, accountID: Int64?, limit: Int, offset: Int, now: Date) throws -> (items: [Loan], total: Int) {
        let today = Self.today(now).description
        var conditions = ["(? IS NULL OR loan.accountId = ?)"]
        var arguments: [(any DatabaseValueConvertible)?] = [accountID, accountID]
        switch filter {
        case .open: conditions.append("loan.checkedInAt IS NULL")
        case .overdue:
            conditions.append("loan.checkedInAt IS NULL AND loan.expectedReturn < ?")
            arguments.append(today)
        case .all: break
        }
        let filterSQL = " WHERE " + conditions.joined(separator: " AND ")
        return try pool.read { db in
            let total = try Int.fetchOne(cached: db, sql: "SELECT count(*) FROM loan" + filterSQL, arguments: StatementArguments(arguments)) ?? 0
            let items = try Row.fetchAll(cached: db, sql: Self.loanSelect + filterSQL + " ORDER BY loan.id DESC LIMIT ? OFFSET ?",
                                         arguments: StatementArguments(arguments + [limit, offset])).map { Self.loan($0, today: Self.today(now)) }
            return (items, total)
        }
    }

    // MARK: - The register's own faults

    /// The register's faults, run by the minute clock: `warranty.expiring` from the notice before a
    /// warranty ends, `loan.overdue` from the day after a loan's expected return. Each is raised once
    /// and cleared when its cause goes (a warranty extended, the asset out of use, the loan back or
    /// given more time). Returns how many were raised and cleared.
    public func checkRegisterFaults(now: Date) throws -> (raised: Int, cleared: Int) {
        let today = Self.today(now)
        let notice = register.warrantyNoticeDays
        let horizon = today.adding(days: notice).description
        return try pool.write { db in
            var raised = 0, cleared = 0
            let warranty = CollectorFault.warrantyExpiring, overdue = CollectorFault.loanOverdue
            let expiring = try Row.fetchAll(cached: db, sql: """
                SELECT id, warrantyEnds FROM asset WHERE warrantyEnds BETWEEN ? AND ? AND mergedInto IS NULL AND status IN (\(Self.warrantyStatuses))
                AND NOT EXISTS (SELECT 1 FROM fault WHERE fault.assetId = asset.id AND fault.code = ? AND fault.source = 'collector')
                """, arguments: [today.description, horizon, warranty])
            for row in expiring {
                guard let ends = try? CalendarDate(row["warrantyEnds"] as String),
                      RegisterFaults.warrantyNeedsNotice(ends: ends, today: today, noticeDays: notice) else { continue }
                try raiseCollectorFault(RegisterFaults.warrantyExpiring(ends: ends, today: today), assetID: row["id"], db: db, at: now)
                raised += 1
            }
            for row in try Row.fetchAll(cached: db, sql: """
                SELECT asset.id, asset.warrantyEnds, asset.status FROM fault JOIN asset ON asset.id = fault.assetId
                WHERE fault.code = ? AND fault.source = 'collector'
                """, arguments: [warranty]) {
                let ends = (row["warrantyEnds"] as String?).flatMap { try? CalendarDate($0) }
                let status = AssetStatus(rawValue: row["status"]) ?? .deployed
                if !RegisterFaults.warrantyStillDue(ends: ends, today: today, noticeDays: notice, status: status) {
                    try clearRegisterFault(db, asset: row["id"], code: warranty, at: now)
                    cleared += 1
                }
            }
            let late = try Row.fetchAll(cached: db, sql: """
                SELECT loan.assetId, loan.expectedReturn, account.username FROM loan JOIN account ON account.id = loan.accountId
                WHERE loan.checkedInAt IS NULL AND loan.expectedReturn < ?
                AND NOT EXISTS (SELECT 1 FROM fault WHERE fault.assetId = loan.assetId AND fault.code = ? AND fault.source = 'collector')
                """, arguments: [today.description, overdue])
            for row in late {
                guard let expected = try? CalendarDate(row["expectedReturn"] as String) else { continue }
                try raiseCollectorFault(RegisterFaults.loanOverdue(borrower: row["username"], expectedReturn: expected, today: today),
                                        assetID: row["assetId"], db: db, at: now)
                raised += 1
            }
            for asset in try Int64.fetchAll(cached: db, sql: """
                SELECT fault.assetId FROM fault WHERE fault.code = ? AND fault.source = 'collector' AND NOT EXISTS
                (SELECT 1 FROM loan WHERE loan.assetId = fault.assetId AND loan.checkedInAt IS NULL AND loan.expectedReturn < ?)
                """, arguments: [overdue, today.description]) {
                try clearRegisterFault(db, asset: asset, code: overdue, at: now)
                cleared += 1
            }
            return (raised, cleared)
        }
    }

    /// The statuses whose warranty matters (`AssetStatus.countsForWarranty`), as an SQL list.
    static let warrantyStatuses = AssetStatus.allCases.filter(\.countsForWarranty).map { "'\($0.rawValue)'" }.joined(separator: ", ")

    func clearRegisterFault(_ db: Database, asset: Int64, code: String, at date: Date) throws {
        guard let row = try Row.fetchOne(cached: db, sql: "SELECT fingerprint, summary, severity FROM fault WHERE assetId = ? AND code = ? AND source = 'collector'",
                                         arguments: [asset, code]) else { return }
        try clearCollectorFault(StoredFault(fingerprint: row["fingerprint"], code: code, subject: "", severity: row["severity"], summary: row["summary"]),
                                assetID: asset, db: db, at: date)
    }
}
