public import DesksideAssets
public import DesksideHelpdesk
public import DesksideStoreSQLite

extension Desk {
    /// Technicians and admins hand assets to a person, at once (one receipt to confirm).
    public func checkOut(_ principal: Principal, assetIDs: [Int64], to accountID: Int64, expectedReturn: CalendarDate?, note: String) throws
        -> CollectorStore.Handover {
        try requireStaff(principal)
        guard TextLimits.length(note) <= 1000 else { throw HelpdeskError.invalid("the note is longer than 1,000 characters") }
        return try store.checkOut(assetIDs: assetIDs, to: accountID, expectedReturn: expectedReturn, note: note, actor: principal.actor, now: clock())
    }

    public func checkIn(_ principal: Principal, assetID: Int64) throws -> CollectorStore.Loan {
        try requireStaff(principal)
        return try store.checkIn(assetID: assetID, actor: principal.actor, now: clock())
    }

    /// Staff and auditors see every loan; a requester their own.
    public func loans(_ principal: Principal, _ filter: CollectorStore.LoanFilter, limit: Int, offset: Int) throws -> (items: [CollectorStore.Loan], total: Int) {
        let own: Int64?
        if principal.role.readsEverything { own = nil } else {
            guard let account = principal.accountID else { return ([], 0) }
            own = account
        }
        return try store.loans(filter, accountID: own, limit: min(max(limit, 1), Paging.maxRows), offset: max(offset, 0), now: clock())
    }

    /// The caller's handovers (those still to confirm, if asked).
    public func handovers(_ principal: Principal, pendingOnly: Bool) throws -> [CollectorStore.Handover] {
        guard let account = principal.accountID else { throw HelpdeskError.unprocessable("an API token has no handovers; sign in as the person") }
        return try store.handovers(accountID: account, pendingOnly: pendingOnly, now: clock())
    }

    /// The caller confirms receipt of everything in one handover.
    public func acceptHandover(_ principal: Principal, id: Int64) throws -> CollectorStore.Handover {
        guard let account = principal.accountID else { throw HelpdeskError.unprocessable("an API token cannot accept a handover; sign in as the person") }
        return try store.acceptHandover(id: id, accountID: account, now: clock())
    }
}
