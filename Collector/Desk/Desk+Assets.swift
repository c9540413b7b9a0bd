import DesksideHelpdesk
import DesksideInventory
import DesksideStore

extension Desk {
    /// An asset with its inventory, faults, history, owners over time and tickets.
    public struct AssetDetail: Codable, Sendable {
        public var asset: CollectorStore.AssetSummary
        public var inventory: Inventory?
        public var faults: [CollectorStore.FaultRecord]
        public var history: [CollectorStore.AssetEvent]
        public var assignments: [CollectorStore.Assignment]
        public var tickets: [CollectorStore.Ticket]
        /// Onboarding and offboarding runs on it (staff and auditors; empty for a requester).
        public var runs: [CollectorStore.RunRecord]
    }

    public func assets(_ principal: Principal, _ query: CollectorStore.AssetQuery) throws -> (items: [CollectorStore.AssetSummary], total: Int) {
        var query = query
        if !principal.role.readsEverything {
            guard let own = principal.accountID else { return ([], 0) }
            query.ownerId = own
        }
        return try store.assets(matching: query)
    }

    public func asset(_ principal: Principal, id: Int64) throws -> AssetDetail {
        guard let asset = try store.asset(id: id),
              principal.role.readsEverything || (principal.accountID != nil && asset.ownerId == principal.accountID) else {
            throw HelpdeskError.notFound
        }
        var ticketQuery = CollectorStore.TicketQuery()
        ticketQuery.assetId = id
        ticketQuery.includeStormMembers = true
        ticketQuery.sort = .created
        ticketQuery.descending = true
        return AssetDetail(asset: asset, inventory: try store.inventory(assetID: id), faults: try store.faultRecords(assetID: id),
                           history: try store.recentHistory(assetID: id, limit: 500), assignments: try store.assignments(assetID: id),
                           tickets: try tickets(principal, ticketQuery).items,
                           runs: principal.role.readsEverything ? try store.runs(assetID: id) : [])
    }

    /// Technicians and admins change an asset's status (in stock, retired, lost); its history keeps who.
    public func setAssetStatus(_ principal: Principal, id: Int64, _ status: AssetStatus) throws -> CollectorStore.AssetSummary {
        try requireStaff(principal)
        try store.setAssetStatus(id: id, status, actor: principal.actor, now: clock())
        guard let asset = try store.asset(id: id) else { throw HelpdeskError.notFound }
        return asset
    }

    /// Technicians and admins assign assets to people; the history keeps who and why.
    public func assignAsset(_ principal: Principal, id: Int64, to accountID: Int64?, note: String) throws -> CollectorStore.AssetSummary {
        try requireStaff(principal)
        guard TextLimits.length(note) <= 1000 else { throw HelpdeskError.invalid("the note is longer than 1,000 characters") }
        try store.assignAsset(id: id, to: accountID, actor: principal.actor, note: note, now: clock())
        guard let asset = try store.asset(id: id) else { throw HelpdeskError.notFound }
        return asset
    }
}
