import DesksideAssets
import DesksideDesk
import DesksideStoreSQLite
import Hummingbird

/// The register's vocabulary: `GET /categories`, `PUT /categories/{name}` (admins: custom fields and
/// audit interval), `GET /locations`, `POST /locations` (sites, buildings, rooms).
struct RegisterRoutes {
    let route: DeskRoute

    struct CategoryBody: Decodable, Sendable {
        var auditIntervalDays: Int?
        var fields: [CustomField]?
    }

    struct NewLocation: Decodable, Sendable {
        var name: String
        var kind: LocationKind
        var parentId: Int64?
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("categories") { _, context in
            try await route.run(context) { desk, principal in try desk.categories(principal) }
        }
        group.put("categories/{name}") { request, context in
            guard let name = context.parameters.get("name") else { throw APIError.badRequest("no category name") }
            return try await route.run(request, context, CategoryBody.self) { desk, principal, body in
                try desk.saveCategory(principal, AssetCategory(name: name, auditIntervalDays: body.auditIntervalDays, fields: body.fields ?? []))
            }
        }
        group.get("locations") { _, context in
            try await route.run(context) { desk, principal in try desk.locations(principal) }
        }
        group.post("locations") { request, context in
            try await route.run(request, context, NewLocation.self, status: .created) { desk, principal, body in
                try desk.addLocation(principal, name: body.name, kind: body.kind, parentId: body.parentId)
            }
        }
    }
}
