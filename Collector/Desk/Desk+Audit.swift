import DesksideAssets
public import DesksideHelpdesk
public import DesksideLabels
public import DesksideStoreSQLite

extension Desk {
    /// Technicians and admins mark an asset audited: seen, where, by whom.
    public func auditAsset(_ principal: Principal, _ reference: CollectorStore.AssetReference, locationId: Int64?, note: String, moveHere: Bool) throws
        -> CollectorStore.AuditRecord {
        try requireStaff(principal)
        return try store.auditAsset(reference, locationId: locationId, note: note, moveHere: moveHere, actor: principal.actor, now: clock())
    }

    public func audits(_ principal: Principal, assetID: Int64) throws -> [CollectorStore.AuditRecord] {
        try requireReader(principal)
        guard try store.asset(id: assetID) != nil else { throw HelpdeskError.notFound }
        return try store.audits(assetID: assetID)
    }

    public enum LabelFormat: String, Sendable, CaseIterable { case pdf, svg }

    /// A printable sheet of labels for the assets the query finds (staff and auditors), each with its
    /// tag, name, serial and a QR code opening its page at `baseURL`.
    public func labelSheet(_ principal: Principal, _ query: CollectorStore.AssetQuery, template: LabelTemplate, format: LabelFormat,
                           baseURL: String) throws -> [UInt8] {
        try requireReader(principal)
        var query = query
        query.limit = LabelSheet.maxLabels + 1
        query.offset = 0
        let assets = try store.assets(matching: query).items
        let base = String(baseURL.reversed().drop { $0 == "/" }.reversed())
        let labels = assets.map { asset in
            Label(tag: asset.tag, name: asset.name ?? asset.hostname ?? [asset.vendor, asset.model].compactMap { $0 }.joined(separator: " "),
                  detail: asset.serial.map { "S/N \($0)" } ?? "", url: "\(base)/assets/\(asset.id)")
        }
        let sheet: LabelSheet
        do {
            sheet = try LabelSheet(labels, template: template)
        } catch LabelSheet.SheetError.empty {
            throw HelpdeskError.unprocessable("no asset matches: nothing to print")
        } catch LabelSheet.SheetError.tooMany {
            throw HelpdeskError.invalid("at most \(LabelSheet.maxLabels) labels at once: narrow the selection")
        }
        return format == .pdf ? PDFDocument.render(sheet) : Array(SVGDocument.render(sheet).utf8)
    }
}
