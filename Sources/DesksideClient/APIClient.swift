public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
public import DesksideJSON

/// A client of the collector's REST API: one call is one request, a JSON body in, a JSON document
/// out, and any error answer turned into an `APIClientError` with the server's stable code.
public struct APIClient: Sendable {
    /// `http://HOST:PORT` (or https), without `/api/v1`.
    public var server: String
    public var token: String?

    public init(server: String, token: String?) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.token = token
    }

    /// Calls `method` on `/api/v1` + `path` with `query` and an optional JSON `body`.
    public func call(_ method: String, _ path: String, query: [(String, String)] = [], body: [String: BodyValue]? = nil) async throws -> JSONValue {
        let data = try await send(method, path, query: query, json: try body.map { Data(try JSONCoder.encode($0)) })
        guard let document = try? JSONParser.parse(Array(data)) else {
            throw APIClientError(status: 200, code: "BAD_RESPONSE", message: "the server's answer is not JSON")
        }
        return document
    }

    /// Calls `method` on `/api/v1` + `path` and decodes the answer as `type` (one of DesksideAPI's
    /// resources): an answer that is not one is an error saying what did not match, not a table with
    /// empty columns.
    public func call<Answer: Decodable>(_ type: Answer.Type, _ method: String, _ path: String, query: [(String, String)] = []) async throws -> Answer {
        try Self.decode(type, try await send(method, path, query: query, json: nil))
    }

    /// The same with a typed JSON body.
    public func call<Answer: Decodable, Body: Encodable>(_ type: Answer.Type, _ method: String, _ path: String, query: [(String, String)] = [],
                                                         json body: Body) async throws -> Answer {
        try Self.decode(type, try await send(method, path, query: query, json: Data(try JSONCoder.encode(body))))
    }

    static func decode<Answer: Decodable>(_ type: Answer.Type, _ data: Data) throws -> Answer {
        do {
            return try JSONCoder.decode(type, from: Array(data))
        } catch {
            throw APIClientError(status: 200, code: "BAD_RESPONSE", message: "the server's answer is not a \(type): \(error)")
        }
    }

    /// A GET whose answer is a file (a label sheet), as bytes.
    public func download(_ path: String, query: [(String, String)] = []) async throws -> Data {
        try await send("GET", path, query: query, json: nil)
    }

    /// The request; an answer that is not 2xx is thrown as the API's error.
    private func send(_ method: String, _ path: String, query: [(String, String)], json body: Data?) async throws -> Data {
        guard var components = URLComponents(string: server + "/api/v1" + path), components.scheme == "http" || components.scheme == "https" else {
            throw APIClientError(status: 0, code: "BAD_SERVER", message: "the server must be an http:// or https:// address, not \(server)")
        }
        // Passwords and tokens travel in this request: in the clear only to this machine.
        guard components.scheme == "https" || ["127.0.0.1", "::1", "[::1]", "localhost"].contains(components.host ?? "") else {
            throw APIClientError(status: 0, code: "INSECURE_SERVER",
                                 message: "\(server) is plain HTTP to another machine; use https:// (a TLS proxy in front of the collector) or run deskside on the collector's machine")
        }
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        // '+' means a space in a query string; the API's values may contain one literally.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.url else { throw APIClientError(status: 0, code: "BAD_REQUEST", message: "cannot build a URL for \(path)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        if let token { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw APIClientError(status: 0, code: "UNREACHABLE", message: "cannot reach \(server): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let error = (try? JSONParser.parse(Array(data)))?["error"]
            throw APIClientError(status: status, code: error?["code"]?.text ?? "HTTP_\(status)", message: error?["message"]?.text ?? "the server answered \(status)")
        }
        return data
    }
}

/// An error answer from the API (or no answer at all: status 0).
public struct APIClientError: Error, CustomStringConvertible, Equatable {
    public var status: Int
    public var code: String
    public var message: String

    public var description: String { status == 0 ? message : "\(message) (\(code), HTTP \(status))" }
}

/// A value in a request body.
public enum BodyValue: Encodable, Sendable, Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case strings([String])
    case ints([Int64])
    /// Any JSON (a task's parameters).
    case json(JSONValue)
    case null

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        case .ints(let value): try container.encode(value)
        case .json(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}

extension JSONValue {
    /// The member `key` of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The elements of an array (none otherwise).
    public var elements: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

    /// Scalars as text (strings as they are, numbers as written, booleans, empty for null).
    public var text: String? {
        switch self {
        case .string(let value): value
        case .number(let value): value
        case .bool(let value): value ? "true" : "false"
        case .null: ""
        case .array(let items): items.compactMap(\.text).joined(separator: ",")
        case .object: nil
        }
    }
}
