public import DesksideDesk
public import DesksideHTTP
import DesksideHelpdesk
public import Hummingbird
public import NIOPosix

/// The web console for IT staff and the portal for requesters, on the collector's HTTP port, over
/// the same service layer (`Desk`) as the API: server-rendered pages, forms that work without
/// JavaScript, a session cookie, a form token on every form. docs/ARCHITECTURE.md ("The console").
public enum Console {
    public static func add(to router: Router<APIContext>, desk: Desk, threadPool: NIOThreadPool, signIn: SignInGate, session: ConsoleSession) throws {
        let renderer = try ConsoleRenderer()
        let route = ConsoleRoute(desk: desk, threadPool: threadPool, renderer: renderer, session: session)
        let open = router.group().add(middleware: ConsoleErrors(renderer: renderer))
        open.get("static/:file") { _, context in
            guard let response = ConsoleRenderer.asset(context.parameters.get("file") ?? "") else { throw HTTPError(.notFound) }
            return response
        }
        SignInPages(route: route, gate: signIn).add(open: open)
        // Errors inside the authentication, so that their pages have the caller's navigation.
        let signedIn = router.group().add(middleware: ConsoleAuthentication(desk: desk, threadPool: threadPool))
            .add(middleware: ConsoleErrors(renderer: renderer))
        SignInPages(route: route, gate: signIn).add(signedIn: signedIn)
        PortalPages(route: route).add(to: signedIn)
        NotificationPages(route: route).addPersonal(to: signedIn)
        let staff = signedIn.group().add(middleware: StaffPages())
        DashboardPage(route: route, cache: DashboardCache()).add(to: staff)
        AssetPages(route: route).add(to: staff)
        LoanPages(route: route).add(to: staff)
        TicketPages(route: route).add(to: staff)
        OnboardingPages(route: route).add(to: staff)
        KnowledgePages(route: route).add(to: staff)
        ReportPages(route: route).add(to: staff)
        AdminPages(route: route).add(to: staff)
        NotificationPages(route: route).add(to: staff)
        ExportPages(route: route).add(to: staff)
    }
}

/// What every page does around its call into `Desk`: run it on the thread pool as the caller.
struct ConsoleRoute: Sendable {
    let desk: Desk
    let threadPool: NIOThreadPool
    let renderer: ConsoleRenderer
    let session: ConsoleSession

    func call<T: Sendable>(_ context: APIContext, _ body: @escaping @Sendable (Desk, Principal) throws -> T) async throws -> T {
        guard let principal = context.principal else { throw ConsoleError.signedOut }
        let desk = self.desk
        return try await threadPool.runIfActive { try body(desk, principal) }
    }

    /// A call into a feature behind a repository protocol, awaited rather than run on the thread pool
    /// (see `DeskRoute.runAsync`).
    func callAsync<T: Sendable>(_ context: APIContext, _ body: @Sendable (Desk, Principal) async throws -> T) async throws -> T {
        guard let principal = context.principal else { throw ConsoleError.signedOut }
        return try await body(desk, principal)
    }

    /// `post` for a feature behind a repository protocol.
    func postAsync(_ request: Request, _ context: APIContext, _ body: @Sendable (Desk, Principal, ConsoleForm) async throws -> String) async throws -> Response {
        let form = try await ConsoleForm.read(request, context)
        let location = try await callAsync(context) { desk, principal in try await body(desk, principal, form) }
        return ConsoleRenderer.redirect(location)
    }

    /// Reads the posted form (its token checked), runs `body`, and sends the browser to `redirect`.
    func post(_ request: Request, _ context: APIContext, _ body: @escaping @Sendable (Desk, Principal, ConsoleForm) throws -> String) async throws -> Response {
        let form = try await ConsoleForm.read(request, context)
        let location = try await call(context) { desk, principal in try body(desk, principal, form) }
        return ConsoleRenderer.redirect(location)
    }

    func page(_ template: String, _ view: Any) -> Response { renderer.page(template, view) }
}

/// The session cookie to the caller; a request without a live session goes to the sign-in page.
struct ConsoleAuthentication: RouterMiddleware {
    let desk: Desk
    let threadPool: NIOThreadPool

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let secret = ConsoleSession.secret(request) else { return ConsoleErrors.signIn(request) }
        let desk = self.desk
        guard let principal = try await desk.consolePrincipal(secret: secret) else { return ConsoleErrors.signIn(request) }
        var context = context
        context.principal = principal
        context.secret = secret
        return try await next(request, context)
    }
}

/// The staff pages send a requester to the portal (their own ticket's page there): what they may
/// see is still `Desk`'s to decide, this only picks the pages made for them.
struct StaffPages: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let principal = context.principal, !principal.role.readsEverything else { return try await next(request, context) }
        let path = request.uri.path
        if path.hasPrefix("/tickets/"), let id = Int64(path.dropFirst("/tickets/".count)) { return ConsoleRenderer.redirect("/portal/tickets/\(id)") }
        return ConsoleRenderer.redirect("/portal")
    }
}
