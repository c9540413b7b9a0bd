public import DesksideAssets
public import DesksideHelpdesk
public import DesksideInventory
public import DesksideStoreSQLite

extension Desk {
    /// An asset with its inventory, faults, history, owners over time and tickets.
    public struct AssetDetail: Codable, Sendable {
        public var asset: CollectorStore.AssetSummary
        /// Tag, lifecycle, location, purchase, warranty, notes, tags, custom fields, audit.
        public var register: CollectorStore.RegisterView?
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

    /// The asset and all that is known of it. Without `packages`, its inventory's software names the
    /// package managers only: the console shows the packages a page at a time (``assetPackages(_:id:nameContains:limit:offset:)``).
    public func asset(_ principal: Principal, id: Int64, packages: Bool = true) throws -> AssetDetail {
        let asset = try visibleAsset(principal, id: id)
        var ticketQuery = CollectorStore.TicketQuery()
        ticketQuery.assetId = id
        ticketQuery.includeStormMembers = true
        ticketQuery.sort = .created
        ticketQuery.descending = true
        return AssetDetail(asset: asset, register: try store.register(assetID: id), inventory: try store.inventory(assetID: id, packages: packages), faults: try store.faultRecords(assetID: id),
                           history: try store.recentHistory(assetID: id, limit: 500), assignments: try store.assignments(assetID: id),
                           tickets: try tickets(principal, ticketQuery).items,
                           runs: principal.role.readsEverything ? try store.runs(assetID: id) : [])
    }

    /// Why the asset is the machine it is: what identifies it, and each agent that reported for it
    /// with the rule that put it there (`IdentityMatch`), for `deskside assets explain`.
    public struct AssetExplanation: Codable, Sendable {
        public var asset: CollectorStore.AssetSummary
        /// What its hardware says identifies it (nil before its first report).
        public var identity: MachineIdentity?
        public var agents: [CollectorStore.AgentTenure]
        /// The matching rules, strongest first: a new agent's first report is matched by them.
        public var rules: [String]
        /// Merges by hand this asset took part in (undone ones too), newest first.
        public var merges: [CollectorStore.MergeRecord]
        /// FusionInventory, GLPI and OCS agents that reported for it: which source, when, and any
        /// claim refused (docs/interop.md).
        public var intakeDevices: [CollectorStore.IntakeDevice]
    }

    /// Staff and auditors: the asset's identity and agents, with their reasons.
    public func explainAsset(_ principal: Principal, id: Int64) throws -> AssetExplanation {
        guard principal.role.readsEverything else { throw HelpdeskError.notFound }
        let asset = try visibleAsset(principal, id: id)
        return AssetExplanation(asset: asset, identity: try store.machineIdentity(assetID: id), agents: try store.agentTenures(assetID: id),
                                rules: IdentityMatch.Rule.allCases.map { "\($0.rawValue): \($0.reason)" } + ["never the hostname alone"],
                                merges: try store.merges(assetID: id), intakeDevices: try store.intakeDevices(assetID: id))
    }

    /// A page of the asset's packages, those whose name contains `nameContains`.
    public func assetPackages(_ principal: Principal, id: Int64, nameContains needle: String, limit: Int, offset: Int) throws
        -> (items: [CollectorStore.InstalledPackage], matching: Int, total: Int) {
        _ = try visibleAsset(principal, id: id)
        guard TextLimits.length(needle) <= 100 else { throw HelpdeskError.invalid("the search is longer than 100 characters") }
        return try store.packages(assetID: id, nameContains: needle, limit: min(max(limit, 1), Paging.maxRows), offset: max(offset, 0))
    }

    /// A page of the asset's history, newest first, of one section (`hardware`, `software`, `faults`,
    /// `agent`, `register`, ...) or all.
    public func assetHistory(_ principal: Principal, id: Int64, section: String?, limit: Int, offset: Int) throws
        -> (items: [CollectorStore.AssetEvent], total: Int) {
        _ = try visibleAsset(principal, id: id)
        if let section, TextLimits.length(section) > 40 { throw HelpdeskError.invalid("no history section is that long") }
        return try store.history(assetID: id, section: section, limit: min(max(limit, 1), Paging.maxRows), offset: max(offset, 0))
    }

    /// Staff and auditors see every asset, a requester the ones assigned to them; any other is not found.
    private func visibleAsset(_ principal: Principal, id: Int64) throws -> CollectorStore.AssetSummary {
        guard let asset = try store.asset(id: id),
              principal.role.readsEverything || (principal.accountID != nil && asset.ownerId == principal.accountID) else {
            throw HelpdeskError.notFound
        }
        return asset
    }

    /// Technicians and admins move an asset along its lifecycle; its history keeps who.
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
