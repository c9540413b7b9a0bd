import DesksideDesk
import DesksideHTTP
import Foundation
import Hummingbird
import NIOCore

/// `GET|POST /login`, `POST /logout`, `POST /logout-everywhere`, and `/` (to the caller's start page).
/// Signing in always makes a new session: a cookie the browser had before is ended, never kept
/// (session fixation). The password check goes through the same gate as the API's sign-in.
struct SignInPages {
    let route: ConsoleRoute
    let gate: SignInGate

    struct LoginView {
        var chrome: Chrome
        var next: String
        var username: String
        var refused: Bool
    }

    func add(open: RouterGroup<APIContext>) {
        let route = self.route, gate = self.gate
        open.get("login") { request, context in
            route.page("login", LoginView(chrome: Chrome(context, title: "Sign in", section: nil), next: Self.next(request.uri.queryParameters.get("next")),
                                          username: "", refused: false))
        }
        open.post("login") { request, context -> Response in
            try ConsoleForm.sameOrigin(request)
            let buffer = try await request.body.collect(upTo: 8 * 1024)
            let form = ConsoleForm(body: String(buffer: buffer))
            let username = form.text("username") ?? "", password = form.text("password") ?? ""
            let next = Self.next(form.text("next"))
            let desk = route.desk
            let old = ConsoleSession.secret(request)
            let session: Desk.Session
            do {
                session = try await gate.run(from: context.peerAddress) { checkRunner in
                    try await desk.login(username: username, password: password, console: true, checkRunner: checkRunner)
                }
            } catch DeskAuthError.refused {
                var response = route.page("login", LoginView(chrome: Chrome(context, title: "Sign in", section: nil), next: next,
                                                             username: String(username.prefix(64)), refused: true))
                response.status = .unauthorized
                return response
            }
            if let old { try? await desk.logout(secret: old) }
            var response = ConsoleRenderer.redirect(next)
            response.setCookie(route.session.cookie(secret: session.token, maxAge: Int(session.expiresAt.timeIntervalSinceNow)))
            return response
        }
    }

    func add(signedIn: RouterGroup<APIContext>) {
        let route = self.route
        signedIn.get("") { _, context in
            ConsoleRenderer.redirect(context.principal?.role.readsEverything == true ? "/dashboard" : "/portal")
        }
        signedIn.post("logout") { request, context -> Response in
            _ = try await ConsoleForm.read(request, context)
            let secret = context.secret ?? ""
            try await route.callAsync(context) { desk, _ in try await desk.logout(secret: secret) }
            var response = ConsoleRenderer.redirect("/login")
            response.setCookie(route.session.clearing)
            return response
        }
        signedIn.post("logout-everywhere") { request, context -> Response in
            _ = try await ConsoleForm.read(request, context)
            _ = try await route.callAsync(context) { desk, principal in try await desk.logoutEverywhere(principal) }
            var response = ConsoleRenderer.redirect("/login")
            response.setCookie(route.session.clearing)
            return response
        }
    }

    /// Where to go after signing in: a path of the console, never another site (`//host`, `/\host`).
    static func next(_ given: String?) -> String {
        guard let given, given.hasPrefix("/"), !given.hasPrefix("//"), !given.hasPrefix("/\\"), given.count < 512,
              !given.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return "/" }
        return given
    }
}
