#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideDesk
import DesksideHelpdesk
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix

/// `Authorization: Bearer TOKEN` (a sign-in session or an API token, both kept hashed) to the
/// caller. A missing or unknown token gets 401 and nothing else; the lookup is the account
/// repository's, awaited (it runs on the engine's own threads, never the event loop).
struct BearerAuthentication: RouterMiddleware {
    let desk: Desk

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count < 512 else {
            return APIError.unauthenticated.response
        }
        let secret = String(header.dropFirst("Bearer ".count))
        let desk = self.desk
        guard let principal = try await desk.principal(secret: secret) else {
            return APIError.unauthenticated.response
        }
        var context = context
        context.principal = principal
        context.secret = secret
        return try await next(request, context)
    }
}

/// Headers on every response: no caching of register data, no sniffing, no framing, no scripts.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = APIContext
    /// For `405` with `Allow` where the router found the path but not the method.
    let methods: RouteMethods

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = error.response
        } catch let error as HelpdeskError {
            response = APIError(error).response
        } catch DeskAuthError.refused {
            response = APIError.loginRefused.response
        } catch let error as HTTPError where error.status == .notFound {
            if let allowed = methods.allowed(path: request.uri.path) {
                response = APIError(status: .methodNotAllowed, code: "METHOD_NOT_ALLOWED",
                                    message: "\(request.method.rawValue) is not allowed here; allowed: \(allowed.joined(separator: ", "))").response
                response.headers[.allow] = allowed.joined(separator: ", ")
            } else {
                response = APIError(status: .notFound, code: "NOT_FOUND", message: error.body ?? error.status.reasonPhrase).response
            }
        } catch let error as HTTPError {
            response = APIError(status: error.status, code: "BAD_REQUEST", message: error.body ?? error.status.reasonPhrase).response
        } catch {
            // A fault of the collector, not of the request: logged (the route, never the body) and
            // answered with a JSON error like every other.
            context.logger.error("Unexpected error in an API call",
                                 metadata: ["method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "error": "\(error)"])
            response = APIError(status: .internalServerError, code: "INTERNAL", message: "an internal error; the collector's log says more").response
        }
        // A page of the console brings its own policy and a static file its own caching.
        for (name, value) in Self.fields where response.headers[name] == nil { response.headers[name] = value }
        return response
    }

    static let fields: [(HTTPField.Name, String)] = [
        (.contentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'"), (.xContentTypeOptions, "nosniff"),
        (.cacheControl, "no-store"), (HTTPField.Name("Referrer-Policy")!, "no-referrer"), (HTTPField.Name("X-Frame-Options")!, "DENY"),
    ]
}

/// SECURITY-TESTS 36: a call the caller's role may not make is written to the audit log (who, the
/// method and path, when; never the body), then answered `403` as before.
struct RefusalAudit: RouterMiddleware {
    let desk: Desk
    let threadPool: NIOThreadPool

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch HelpdeskError.forbidden {
            let (desk, actor) = (desk, context.principal?.actor ?? "-")
            let action = request.method.rawValue + " " + String(request.uri.path.prefix(200))
            try? await threadPool.runIfActive { try desk.store.audit(actor: actor, action: action, allowed: false, detail: "forbidden", at: Date()) }
            throw HelpdeskError.forbidden
        }
    }
}
