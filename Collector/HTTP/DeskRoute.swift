import DesksideAPI
import DesksideAssets
import DesksideDesk
import DesksideHelpdesk
import DesksideJSON
import Hummingbird
import NIOCore
import NIOPosix

/// What every help-desk route does around its call into `Desk`: require a caller, decode the JSON
/// body (strictly, at most 1 MB, `Content-Type: application/json` only, so no HTML form can post
/// here), and run the call on the thread pool. Refusals thrown on the way become JSON errors in
/// ``SecurityHeaders``.
struct DeskRoute: Sendable {
    let desk: Desk
    let threadPool: NIOThreadPool

    static let bodyLimit = 1 << 20

    func run<T: Encodable & Sendable>(_ context: APIContext, status: HTTPResponse.Status = .ok,
                                      _ call: @escaping @Sendable (Desk, Principal) throws -> T) async throws -> Response {
        guard let principal = context.principal else { throw APIError.unauthenticated }
        let desk = self.desk
        let value = try await threadPool.runIfActive { try call(desk, principal) }
        return JSONResponse.make(value, status: status)
    }

    /// Like `run`, with the request's JSON body decoded first.
    func run<Body: Decodable & Sendable, T: Encodable & Sendable>(_ request: Request, _ context: APIContext, _ type: Body.Type,
                                                                status: HTTPResponse.Status = .ok,
                                                                _ call: @escaping @Sendable (Desk, Principal, Body) throws -> T) async throws -> Response {
        let body = try await Self.decode(type, from: request)
        return try await run(context, status: status) { desk, principal in try call(desk, principal, body) }
    }

    /// A list: JSON (a page of items with the total that matched), or with `format=csv` the same
    /// items as CSV (`CSVExport`), for a spreadsheet. A CSV page may be larger (`QueryParameters.limit`).
    func list<Item: Encodable & Sendable>(_ parameters: QueryParameters, _ context: APIContext,
                                          _ call: @escaping @Sendable (Desk, Principal) throws -> Page<Item>) async throws -> Response {
        let csv = try parameters.csv
        guard let principal = context.principal else { throw APIError.unauthenticated }
        let desk = self.desk
        return try Self.response(try await threadPool.runIfActive { try call(desk, principal) }, csv: csv)
    }

    static func response<Item: Encodable & Sendable>(_ page: Page<Item>, csv: Bool) throws -> Response {
        guard csv else { return JSONResponse.make(page) }
        return CSVExport.response(try page.items.map { item in try JSONParser.parse(try JSONCoder.encode(item)) })
    }

    // The calls of features behind a repository protocol (`KnowledgeRepository`) are async: each
    // engine does its own I/O (GRDB on its queues, postgres-nio on its event loops), so they are
    // awaited here rather than run on the thread pool. The other features move here as they move.

    func runAsync<T: Encodable & Sendable>(_ context: APIContext, status: HTTPResponse.Status = .ok,
                                           _ call: @Sendable (Desk, Principal) async throws -> T) async throws -> Response {
        guard let principal = context.principal else { throw APIError.unauthenticated }
        return JSONResponse.make(try await call(desk, principal), status: status)
    }

    func runAsync<Body: Decodable & Sendable, T: Encodable & Sendable>(_ request: Request, _ context: APIContext, _ type: Body.Type,
                                                                     status: HTTPResponse.Status = .ok,
                                                                     _ call: @Sendable (Desk, Principal, Body) async throws -> T) async throws -> Response {
        let body = try await Self.decode(type, from: request)
        return try await runAsync(context, status: status) { desk, principal in try await call(desk, principal, body) }
    }

    func listAsync<Item: Encodable & Sendable>(_ parameters: QueryParameters, _ context: APIContext,
                                               _ call: @Sendable (Desk, Principal) async throws -> Page<Item>) async throws -> Response {
        let csv = try parameters.csv
        guard let principal = context.principal else { throw APIError.unauthenticated }
        return try Self.response(try await call(desk, principal), csv: csv)
    }

    static func decode<Body: Decodable>(_ type: Body.Type, from request: Request, limit bodyLimit: Int = bodyLimit) async throws -> Body {
        guard let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix("application/json") else {
            throw APIError(status: .unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE", message: "send JSON with Content-Type: application/json")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: bodyLimit)
        } catch {
            throw APIError(status: .contentTooLarge, code: "TOO_LARGE", message: "the body is larger than \(bodyLimit) bytes")
        }
        do {
            return try JSONCoder.decode(type, from: Array(buffer.readableBytesView))
        } catch {
            throw APIError.badRequest("the body is not the JSON expected: \(error)")
        }
    }
}

/// An empty answer for writes that return nothing (`DesksideAPI.Done`).
typealias Done = DesksideAPI.Done

/// A page of a list, with the total that matched.
/// Paging and simple typed parameters from the query string, with clear errors.
struct QueryParameters {
    let parameters: Parameters

    init(_ request: Request) throws {
        parameters = request.uri.queryParameters
        for (name, value) in parameters where value.unicodeScalars.count > 256 {
            throw APIError.badRequest("parameter \(name) is longer than 256 characters")
        }
    }

    func string(_ name: String) -> String? {
        parameters.get(name).flatMap { $0.isEmpty ? nil : String($0) }
    }

    /// A number, flag or word given as `name=` with nothing after it is an error, not the default.
    func given(_ name: String) throws -> String? {
        guard let text = parameters.get(name) else { return nil }
        guard !text.isEmpty else { throw APIError.badRequest("\(name) is empty") }
        return String(text)
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try given(name) else { return nil }
        guard let value = Int(text), range.contains(value) else { throw APIError.badRequest("\(name) must be \(range.lowerBound) to \(range.upperBound)") }
        return value
    }

    func id(_ name: String) throws -> Int64? {
        guard let text = try given(name) else { return nil }
        guard let value = Int64(text), value > 0 else { throw APIError.badRequest("\(name) must be an id") }
        return value
    }

    /// `true` or `false`; absent is false, and `name=` with nothing after it is an error.
    func flag(_ name: String) throws -> Bool {
        guard let text = try given(name) else { return false }
        guard let value = Bool(text) else { throw APIError.badRequest("\(name) must be true or false") }
        return value
    }

    /// One of a set of words; `name=` with nothing after it is an error, as for numbers.
    func value<T: RawRepresentable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = try given(name) else { return nil }
        guard let value = T(rawValue: text) else { throw APIError.badRequest("\(name): unknown value \(text)") }
        return value
    }

    /// A day, YYYY-MM-DD.
    func date(_ name: String) throws -> CalendarDate? {
        guard let text = try given(name) else { return nil }
        do { return try CalendarDate(text, field: name) } catch { throw APIError.badRequest("\(name) must be a date written YYYY-MM-DD") }
    }

    /// `true`, `false` or absent (nil).
    func optionalFlag(_ name: String) throws -> Bool? {
        guard let text = try given(name) else { return nil }
        guard let value = Bool(text) else { throw APIError.badRequest("\(name) must be true or false") }
        return value
    }

    /// `format=csv`: the list as CSV (`DeskRoute.list`); `json` or nothing: JSON.
    var csv: Bool {
        get throws {
            switch try given("format") {
            case nil, "json": false
            case "csv": true
            case let other?: throw APIError.badRequest("format must be json or csv, not \(other)")
            }
        }
    }

    /// A page's size: 50 by default, at most 500; a CSV export takes up to 10,000 rows, all of them by default.
    var limit: Int {
        get throws {
            let csv = (try? self.csv) ?? false
            return try int("limit", in: 1...(csv ? CSVExport.maxRows : 500)) ?? (csv ? CSVExport.maxRows : 50)
        }
    }
    var offset: Int { get throws { try int("offset", in: 0...Int(Int32.max)) ?? 0 } }
}

extension APIContext {
    /// The path's `{id}` as a positive integer, or `notFound`.
    public func id(_ name: String = "id") throws -> Int64 {
        guard let id = parameters.get(name, as: Int64.self), id > 0 else { throw HelpdeskError.notFound }
        return id
    }
}
