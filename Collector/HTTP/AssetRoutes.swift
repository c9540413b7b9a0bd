#if canImport(FoundationEssentials)
import DesksideAPI
import FoundationEssentials
#else
import Foundation
#endif
import DesksideAssets
import DesksideDesk
import DesksideHelpdesk
import DesksideStoreSQLite
import Hummingbird

/// `GET /assets` (paged; searchable by text, hostname, serial, owner, OS, package; filters for silent
/// agents, missing security updates, unassigned, and the register's fields), `POST /assets` (an
/// asset without an agent), `GET /assets/{id}` (register, inventory, faults, history, owners,
/// tickets), `PATCH /assets/{id}` (register fields), `GET /assets/{id}/history` and `/software`
/// (paged), `GET /assets/{id}/explain` (identity and agents, with the rule behind each),
/// `PUT /assets/{id}/owner`.
struct AssetRoutes {
    let route: DeskRoute

    struct Merge: Decodable, Sendable {
        var mergedId: Int64
    }

    struct Owner: Decodable, Sendable {
        var accountId: Int64?
        var note: String?
    }

    /// The filters of `GET /assets` (the label sheet takes the same).
    static func query(_ parameters: QueryParameters) throws -> CollectorStore.AssetQuery {
        var query = CollectorStore.AssetQuery()
        query.text = parameters.string("q")
        query.hostname = parameters.string("hostname")
        query.serial = parameters.string("serial")
        query.owner = parameters.string("owner")
        query.os = parameters.string("os")
        query.package = parameters.string("package")
        if let days = try parameters.int("silentDays", in: 1...3650) {
            query.silentSince = Date().addingTimeInterval(-Double(days) * 86400)
        }
        query.missingSecurityUpdates = try parameters.flag("missingSecurityUpdates")
        query.unassigned = try parameters.flag("unassigned")
        query.status = try parameters.value("status", AssetStatus.self)
        query.category = parameters.string("category")
        query.locationId = try parameters.id("locationId")
        query.tag = parameters.string("tag")
        query.tagged = parameters.string("tagged")
        query.warrantyBefore = try parameters.date("warrantyBefore")
        query.warrantyFrom = try parameters.date("warrantyFrom")
        query.auditDueBy = try parameters.date("auditDueBy")
        query.auditLocationMismatch = try parameters.flag("auditLocationMismatch")
        query.hasAgent = try parameters.optionalFlag("hasAgent")
        query.attachedTo = try parameters.id("attachedTo")
        query.sort = try parameters.value("sort", CollectorStore.AssetSort.self) ?? .hostname
        query.descending = try parameters.flag("descending")
        if let ids = try parameters.given("ids") {
            let parts = ids.split(separator: ",", omittingEmptySubsequences: false)
            let list = parts.map { $0.first == "0" || $0.count > 18 ? nil : Int64($0) }
            guard !list.isEmpty, list.count <= 1000, list.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw APIError.badRequest("ids is a comma-separated list of up to 1,000 asset ids")
            }
            query.ids = list.compactMap { $0 }
        }
        return query
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("assets") { request, context in
            let parameters = try QueryParameters(request)
            var query = try Self.query(parameters)
            query.limit = try parameters.limit
            query.offset = try parameters.offset
            return try await route.list(parameters, context) { [query] desk, principal in
                let (items, total) = try desk.assets(principal, query)
                return Page(items: items, total: total, limit: query.limit, offset: query.offset)
            }
        }
        group.post("assets") { request, context in
            try await route.run(request, context, AssetChanges.self, status: .created) { desk, principal, changes in
                try desk.createAsset(principal, changes)
            }
        }
        group.patch("assets/{id}") { request, context in
            let id = try context.id()
            return try await route.run(request, context, AssetChanges.self) { desk, principal, changes in
                try desk.updateAsset(principal, id: id, changes)
            }
        }
        group.get("assets/{id}") { _, context in
            let id = try context.id()
            return try await route.run(context) { desk, principal in try desk.asset(principal, id: id) }
        }
        group.get("assets/{id}/history") { request, context in
            let id = try context.id()
            let parameters = try QueryParameters(request)
            let (section, limit, offset) = (parameters.string("section"), try parameters.limit, try parameters.offset)
            return try await route.list(parameters, context) { desk, principal in
                let (items, total) = try desk.assetHistory(principal, id: id, section: section, limit: limit, offset: offset)
                return Page(items: items, total: total, limit: limit, offset: offset)
            }
        }
        group.get("assets/{id}/software") { request, context in
            let id = try context.id()
            let parameters = try QueryParameters(request)
            let (search, limit, offset) = (parameters.string("q") ?? "", try parameters.limit, try parameters.offset)
            return try await route.list(parameters, context) { desk, principal in
                let page = try desk.assetPackages(principal, id: id, nameContains: search, limit: limit, offset: offset)
                return Page(items: page.items, total: page.matching, limit: limit, offset: offset)
            }
        }
        group.get("assets/{id}/explain") { _, context in
            let id = try context.id()
            return try await route.run(context) { desk, principal in try desk.explainAsset(principal, id: id) }
        }
        group.post("assets/{id}/merge") { request, context in
            let id = try context.id()
            return try await route.run(request, context, Merge.self, status: .created) { desk, principal, body in
                try desk.mergeAssets(principal, survivor: id, merged: body.mergedId)
            }
        }
        group.post("merges/{id}/undo") { request, context in
            let id = try context.id()
            return try await route.run(request, context, TicketRoutes.Empty.self) { desk, principal, _ in try desk.unmergeAssets(principal, mergeID: id) }
        }
        group.put("assets/{id}/owner") { request, context in
            let id = try context.id()
            return try await route.run(request, context, Owner.self) { desk, principal, body in
                try desk.assignAsset(principal, id: id, to: body.accountId, note: body.note ?? "")
            }
        }
    }
}
