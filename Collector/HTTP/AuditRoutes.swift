import DesksideDesk
import DesksideLabels
import DesksideStoreSQLite
import Hummingbird
import NIOCore

/// Physical audit and labels: `POST /audits` (an asset seen, by id, tag or serial), `GET
/// /assets/{id}/audits`, `GET /labels` (a PDF or SVG sheet for the assets the filters of
/// `GET /assets` find, or `ids`).
struct AuditRoutes {
    let route: DeskRoute
    /// Where the labels' QR codes point (the console).
    let labelBaseURL: String

    struct Audit: Decodable, Sendable {
        var assetId: Int64?
        var tag: String?
        var serial: String?
        var locationId: Int64?
        var note: String?
        var moveHere: Bool?

        enum CodingKeys: String, CodingKey { case assetId, tag, serial, locationId, note, moveHere }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            // The asset is named by a value, never by null.
            for key in [CodingKeys.assetId, .tag, .serial] where c.contains(key) {
                if try c.decodeNil(forKey: key) { throw APIError.badRequest("\(key.rawValue) cannot be null") }
            }
            assetId = try c.decodeIfPresent(Int64.self, forKey: .assetId)
            tag = try c.decodeIfPresent(String.self, forKey: .tag)
            serial = try c.decodeIfPresent(String.self, forKey: .serial)
            locationId = try c.decodeIfPresent(Int64.self, forKey: .locationId)
            note = try c.decodeIfPresent(String.self, forKey: .note)
            moveHere = try c.decodeIfPresent(Bool.self, forKey: .moveHere)
        }

        func reference() throws -> CollectorStore.AssetReference {
            switch (assetId, tag, serial) {
            case (let id?, nil, nil): return .id(id)
            case (nil, let tag?, nil) where !tag.isEmpty: return .tag(tag)
            case (nil, nil, let serial?) where !serial.isEmpty: return .serial(serial)
            default: throw APIError.badRequest("name the asset by one of assetId, tag or serial")
            }
        }
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route, base = labelBaseURL
        group.post("audits") { request, context in
            try await route.run(request, context, Audit.self, status: .created) { desk, principal, body in
                try desk.auditAsset(principal, try body.reference(), locationId: body.locationId, note: body.note ?? "", moveHere: body.moveHere ?? false)
            }
        }
        group.get("assets/{id}/audits") { _, context in
            let id = try context.id()
            return try await route.run(context) { desk, principal in try desk.audits(principal, assetID: id) }
        }
        group.get("labels") { request, context -> Response in
            let parameters = try QueryParameters(request)
            let query = try AssetRoutes.query(parameters)
            let name = parameters.string("template") ?? "avery-l7160"
            guard let template = LabelTemplate.named(name) else {
                throw APIError.badRequest("template is one of: \(LabelTemplate.all.map(\.name).joined(separator: ", "))")
            }
            let format = try parameters.value("format", Desk.LabelFormat.self) ?? .pdf
            guard let principal = context.principal else { throw APIError.unauthenticated }
            let desk = route.desk
            let bytes = try await route.threadPool.runIfActive {
                try desk.labelSheet(principal, query, template: template, format: format, baseURL: base)
            }
            return Response(status: .ok, headers: [.contentType: format == .pdf ? "application/pdf" : "image/svg+xml",
                                                   .contentDisposition: "attachment; filename=\"labels.\(format.rawValue)\""],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
