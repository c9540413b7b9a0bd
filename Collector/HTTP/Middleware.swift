import DesksideStore
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix

/// `Authorization: Bearer TOKEN` against the store's API tokens (kept hashed). A missing or unknown
/// token gets 401 and nothing else; the store lookup runs off the event loop.
struct BearerAuthentication: RouterMiddleware {
    let store: CollectorStore
    let threadPool: NIOThreadPool

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count < 512 else {
            return APIError.unauthenticated.response
        }
        let secret = String(header.dropFirst("Bearer ".count))
        let store = self.store
        guard let role = try await threadPool.runIfActive({ try store.apiTokenRole(secret: secret) }) else {
            return APIError.unauthenticated.response
        }
        var context = context
        context.role = role
        return try await next(request, context)
    }
}

/// Headers on every response: no caching of register data, no sniffing, no framing, no scripts.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = APIError(status: error.status, code: error.status == .notFound ? "NOT_FOUND" : "BAD_REQUEST",
                                message: error.body ?? error.status.reasonPhrase).response
        }
        response.headers[.contentSecurityPolicy] = "default-src 'none'; frame-ancestors 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return response
    }
}
