import DesksideDesk
import DesksideHTTP
import DesksideHelpdesk
import Foundation
import Hummingbird

/// What goes wrong in the console, as a person should read it.
enum ConsoleError: Error {
    /// No session, or it ended: to the sign-in page.
    case signedOut
    /// A form without this session's token: refused, nothing done.
    case badFormToken
    case badForm(String)
}

/// Refusals and failures of console pages as HTML pages (the API's are JSON), and the sign-in
/// page for a request without a session. A page for a role that may not see it is the same "not
/// found" as a page that does not exist.
struct ConsoleErrors: RouterMiddleware {
    typealias Context = APIContext
    let renderer: ConsoleRenderer

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch ConsoleError.signedOut {
            return Self.signIn(request)
        } catch ConsoleError.badFormToken {
            return page(.forbidden, "This form has expired", "The form did not come from this session (it was open before you signed in again, or it came from another site). Nothing was changed; go back, reload the page and try again.", context)
        } catch ConsoleError.badForm(let message) {
            return page(.badRequest, "Something in the form is missing", message, context)
        } catch let error as HelpdeskError {
            switch error {
            case .notFound, .forbidden: return page(.notFound, "Not found", "There is nothing here you may see.", context)
            case .invalid(let message), .unprocessable(let message): return page(.badRequest, "That cannot be done", message, context)
            case .conflict(let message): return page(.conflict, "That cannot be done now", message, context)
            }
        } catch let error as HTTPError where error.status == .notFound {
            return page(.notFound, "Not found", "There is no such page.", context)
        }
    }

    /// To the sign-in page, and back to this page after it.
    static func signIn(_ request: Request) -> Response {
        let target = request.method == .get ? request.uri.path + (request.uri.query.map { "?" + $0 } ?? "") : "/"
        return ConsoleRenderer.redirect("/login?next=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
    }

    private func page(_ status: HTTPResponse.Status, _ title: String, _ message: String, _ context: APIContext) -> Response {
        renderer.page("error", ErrorView(chrome: Chrome(context, title: title, section: nil), message: message), status: status)
    }
}

struct ErrorView {
    var chrome: Chrome
    var message: String
}
