import DesksideDesk
import DesksideStore
import DesksideHTTP
import DesksideJSON
import DesksideStoreSQLite
import Foundation
import Hummingbird
import NIOCore

/// Every list of the console as CSV or JSON, with the filters it shows (`/export/tickets.csv?queue=
/// tier1`): the same columns as the API's `format=csv` (`CSVExport`, formulas defused), at most
/// 10,000 rows.
struct ExportPages {
    let route: ConsoleRoute

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("export/:file") { request, context -> Response in
            let file = context.parameters.get("file") ?? ""
            let parts = file.split(separator: ".")
            guard parts.count == 2, parts[1] == "csv" || parts[1] == "json" else { throw HTTPError(.notFound) }
            let parameters = request.uri.queryParameters
            let text = parameters.get("q").map { String($0.prefix(200)) }.flatMap { $0.isEmpty ? nil : $0 }
            let limit = CSVExport.maxRows
            let me = context.principal?.accountID
            // The features behind a repository are awaited; the others run on the thread pool.
            if parts[0] == "articles" || parts[0] == "accounts" {
                let (items, total) = try await route.callAsync(context) { desk, principal in
                    parts[0] == "articles" ? try Self.encoded(await desk.articles(principal, text: text, faultCode: nil, limit: limit, offset: 0))
                        : try Self.encoded(await desk.accounts(principal, AccountQuery(text: text, limit: limit)))
                }
                return Self.response(items, total: total, name: parts[0], format: parts[1])
            }
            let (items, total): ([JSONValue], Int) = try await route.call(context) { desk, principal in
                switch parts[0] {
                case "assets":
                    var (query, _) = try AssetPages.query(request)
                    (query.limit, query.offset) = (limit, 0)
                    return try Self.encoded(desk.assets(principal, query))
                case "tickets":
                    var (query, _, _) = TicketPages.query(request, me: me)
                    (query.limit, query.offset) = (limit, 0)
                    return try Self.encoded(desk.tickets(principal, query))
                case "notifications":
                    let state = parameters.get("state").flatMap { CollectorStore.NotificationState(rawValue: String($0)) }
                    return try Self.encoded(desk.notifications(principal, state: state, limit: limit, offset: 0))
                case "loans":
                    let state = parameters.get("state").flatMap { CollectorStore.LoanFilter(rawValue: String($0)) } ?? .open
                    return try Self.encoded(desk.loans(principal, state, limit: limit, offset: 0))
                default:
                    throw HTTPError(.notFound)
                }
            }
            return Self.response(items, total: total, name: parts[0], format: parts[1])
        }
    }

    static func encoded<T: Encodable>(_ page: (items: [T], total: Int)) throws -> ([JSONValue], Int) {
        (try page.items.map { try JSONParser.parse(try JSONCoder.encode($0)) }, page.total)
    }

    static func response(_ items: [JSONValue], total: Int, name: Substring, format: Substring) -> Response {
        guard format == "csv" else {
            let document = JSONValue.object([("items", .array(items)), ("total", .number(String(total)))])
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"\(name).json\""],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONSerializer.serialize(document))))
        }
        var response = CSVExport.response(items)
        response.headers[.contentDisposition] = "attachment; filename=\"\(name).csv\""
        return response
    }
}
