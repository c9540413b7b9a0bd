import DesksideAssets
import DesksideDesk
import Foundation
import Hummingbird

/// `POST /imports/assets`: a register as CSV (base64 in JSON, so that its bytes arrive as they are
/// and bad UTF-8 is reported by line), with an optional column mapping; `dryRun` reports without
/// writing. At most 64 MB.
struct ImportRoutes {
    let route: DeskRoute

    static let limit = 64 << 20

    struct Body: Decodable, Sendable {
        var csv: String
        var mapping: ImportMapping?
        var dryRun: Bool?
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.post("imports/assets") { request, context in
            let body = try await DeskRoute.decode(Body.self, from: request, limit: Self.limit)
            guard let bytes = Data(base64Encoded: body.csv) else { throw APIError.badRequest("csv must be the file's bytes in base64") }
            return try await route.run(context) { desk, principal in
                try desk.importAssets(principal, csv: Array(bytes), mapping: body.mapping ?? ImportMapping(), dryRun: body.dryRun ?? true)
            }
        }
    }
}
