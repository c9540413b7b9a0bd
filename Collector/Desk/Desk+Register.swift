public import DesksideAssets
public import DesksideHelpdesk
public import DesksideStoreSQLite

extension Desk {
    /// Technicians and admins enter an asset without an agent (a monitor, a dock, a phone).
    public func createAsset(_ principal: Principal, _ changes: AssetChanges) throws -> CollectorStore.AssetSummary {
        try requireStaff(principal)
        let id = try store.createAsset(changes, actor: principal.actor, now: clock())
        guard let asset = try store.asset(id: id) else { throw HelpdeskError.notFound }
        return asset
    }

    /// Technicians and admins change an asset's register fields; its history keeps each change and who.
    public func updateAsset(_ principal: Principal, id: Int64, _ changes: AssetChanges) throws -> CollectorStore.RegisterView {
        try requireStaff(principal)
        try store.updateAsset(id: id, changes, actor: principal.actor, now: clock())
        guard let register = try store.register(assetID: id) else { throw HelpdeskError.notFound }
        return register
    }

    /// Staff and auditors read the categories and their fields.
    public func categories(_ principal: Principal) throws -> [CollectorStore.CategoryView] {
        try requireReader(principal)
        return try store.categories()
    }

    /// Admins define categories, their custom fields and audit intervals.
    public func saveCategory(_ principal: Principal, _ category: AssetCategory) throws -> CollectorStore.CategoryView {
        try requireAdmin(principal)
        return try store.saveCategory(category)
    }

    public func locations(_ principal: Principal) throws -> [CollectorStore.LocationView] {
        try requireReader(principal)
        return try store.locations()
    }

    /// Technicians and admins add sites, buildings and rooms.
    public func addLocation(_ principal: Principal, name: String, kind: LocationKind, parentId: Int64?) throws -> CollectorStore.LocationView {
        try requireStaff(principal)
        return try store.addLocation(name: name, kind: kind, parentId: parentId)
    }
}

extension Desk {
    /// Technicians and admins merge an asset into another (the survivor keeps both histories, owners,
    /// tickets); audited, and undone with ``unmergeAssets(_:mergeID:)``.
    public func mergeAssets(_ principal: Principal, survivor: Int64, merged: Int64) throws -> CollectorStore.MergeRecord {
        try requireStaff(principal)
        return try store.merge(merged, into: survivor, actor: principal.actor, now: clock())
    }

    public func unmergeAssets(_ principal: Principal, mergeID: Int64) throws -> CollectorStore.MergeRecord {
        try requireStaff(principal)
        return try store.unmerge(mergeID, actor: principal.actor, now: clock())
    }
}

extension Desk {
    /// Technicians and admins import a register from CSV; a dry run changes nothing.
    public func importAssets(_ principal: Principal, csv: [UInt8], mapping: ImportMapping, dryRun: Bool) throws -> CollectorStore.ImportReport {
        try requireStaff(principal)
        do {
            return try store.importAssets(csv: csv, mapping: mapping, dryRun: dryRun, actor: principal.actor, now: clock())
        } catch HelpdeskError.invalid(let message) {
            // The file's content, not the request's form: the document cannot state it.
            throw HelpdeskError.unprocessable(message)
        }
    }
}
