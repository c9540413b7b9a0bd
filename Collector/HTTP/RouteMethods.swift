import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers

/// The methods each route path answers, taken from the router once its routes are in: a request to a
/// known path with another method gets `405 Method Not Allowed` and an `Allow` header (RFC 9110
/// 15.5.6), not the `404` the router gives for anything it does not match.
final class RouteMethods: Sendable {
    private let table = NIOLockedValueBox<[(segments: [Substring], methods: Set<String>)]>([])

    /// Records every route of `router`.
    func load(_ routes: [(method: HTTPRequest.Method, path: String)]) {
        var grouped: [String: Set<String>] = [:]
        for route in routes { grouped[route.path, default: []].insert(route.method.rawValue) }
        table.withLockedValue { table in
            table = grouped.map { (Self.segments($0.key), $0.value) }
        }
    }

    /// The methods allowed on `path`, sorted; `nil` when no route has that path.
    func allowed(path: String) -> [String]? {
        let request = Self.segments(path)
        let methods = table.withLockedValue { table in
            table.filter { route in
                route.segments.count == request.count
                    && zip(route.segments, request).allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") || $0 == $1 }
            }.reduce(into: Set<String>()) { $0.formUnion($1.methods) }
        }
        return methods.isEmpty ? nil : methods.sorted()
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }
}
