import DesksideInventory
import DesksideStore
import Hummingbird
import NIOPosix

/// `GET /api/v1/assets` (paged, searchable) and `GET /api/v1/assets/{id}` (inventory, faults, history).
struct AssetRoutes {
    let store: CollectorStore
    let threadPool: NIOThreadPool

    /// Roles that may read the whole register.
    static let readers: Set<String> = ["admin", "technician", "auditor"]

    struct Page: Encodable {
        var items: [CollectorStore.AssetSummary]
        var total: Int
        var limit: Int
        var offset: Int
    }

    struct Detail: Encodable {
        var asset: CollectorStore.AssetSummary
        var inventory: Inventory?
        var faults: [CollectorStore.FaultRecord]
        var history: [CollectorStore.AssetEvent]
    }

    func add(to group: RouterGroup<APIContext>) {
        group.get("assets") { request, context in try await list(request, context) }
        group.get("assets/{id}") { request, context in try await detail(request, context) }
    }

    func list(_ request: Request, _ context: APIContext) async throws -> Response {
        guard let role = context.role, Self.readers.contains(role) else { return APIError.forbidden.response }
        let parameters = request.uri.queryParameters
        var query = CollectorStore.AssetQuery()
        for (name, value) in parameters {
            guard value.count <= 256 else { return APIError.badRequest("parameter \(name) is longer than 256 characters").response }
        }
        query.text = parameters.get("q")
        query.hostname = parameters.get("hostname")
        query.serial = parameters.get("serial")
        query.owner = parameters.get("owner")
        query.os = parameters.get("os")
        query.package = parameters.get("package")
        if let limit = parameters.get("limit") {
            guard let value = Int(limit), (1...500).contains(value) else { return APIError.badRequest("limit must be 1 to 500").response }
            query.limit = value
        }
        if let offset = parameters.get("offset") {
            guard let value = Int(offset), value >= 0 else { return APIError.badRequest("offset must be 0 or more").response }
            query.offset = value
        }
        let (store, search) = (self.store, query)
        let result = try await threadPool.runIfActive { try store.assets(matching: search) }
        return JSONResponse.make(Page(items: result.items, total: result.total, limit: query.limit, offset: query.offset))
    }

    func detail(_ request: Request, _ context: APIContext) async throws -> Response {
        guard let role = context.role, Self.readers.contains(role) else { return APIError.forbidden.response }
        guard let id = context.parameters.get("id", as: Int64.self) else { return APIError.notFound.response }
        let store = self.store
        let detail = try await threadPool.runIfActive { () -> Detail? in
            guard let asset = try store.asset(id: id) else { return nil }
            return Detail(asset: asset, inventory: try store.inventory(assetID: id), faults: try store.faultRecords(assetID: id),
                          history: try store.recentHistory(assetID: id, limit: 500))
        }
        guard let detail else { return APIError.notFound.response }
        return JSONResponse.make(detail)
    }
}
