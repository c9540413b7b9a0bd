public import DesksideDesk
import DesksideHelpdesk
public import Hummingbird
public import HummingbirdCore
import NIOCore
public import NIOPosix

/// The collector's HTTP side: `/health`, `POST /api/v1/login`, and the REST API under `/api/v1`
/// (bearer tokens: sign-in sessions or API tokens), every route going through `Desk`. Sign-in goes
/// through `signIn`, whose password checks run on threads of their own.
public enum CollectorHTTP {
    /// `additional` adds routes of other modules (the console) before the router learns its paths.
    /// `onboardingHookSecret` turns on `POST /api/v1/hooks/onboarding` (signed with it).
    /// `labelBaseURL`: the console's address, which labels' QR codes open.
    /// `readiness` answers `/readyz` (without it, ready as soon as the process answers); `metrics`
    /// renders `/metrics` (Prometheus' text format) for an admin's or auditor's bearer token.
    public static func router(desk: Desk, threadPool: NIOThreadPool, signIn: SignInGate, onboardingHookSecret: String? = nil,
                              labelBaseURL: String = "http://localhost:8080", readiness: Readiness? = nil,
                              metrics: (@Sendable () throws -> [UInt8])? = nil,
                              additional: (Router<APIContext>) throws -> Void = { _ in }) throws -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        let methods = RouteMethods()
        router.add(middleware: SecurityHeaders(methods: methods))
        router.get("health") { _, _ in JSONResponse.make(["status": "ok"]) }
        router.get("healthz") { _, _ in JSONResponse.make(["status": "ok"]) }
        router.get("readyz") { _, _ in
            let ready = try await threadPool.runIfActive { readiness?.isReady() ?? true }
            return JSONResponse.make(["status": ready ? "ready" : "not ready"], status: ready ? .ok : .serviceUnavailable)
        }
        router.get("api/v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        if let metrics {
            router.group("metrics").add(middleware: BearerAuthentication(desk: desk)).get { _, context in
                guard let role = context.principal?.role, role == .admin || role == .auditor else { throw APIError.forbidden }
                let text = try await threadPool.runIfActive { try metrics() }
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
            }
        }
        let route = DeskRoute(desk: desk, threadPool: threadPool)
        AccountRoutes(route: route).addPublic(to: router.group("api/v1"), signIn: signIn)
        let api = router.group("api/v1").add(middleware: BearerAuthentication(desk: desk))
            .add(middleware: RefusalAudit(desk: desk, threadPool: threadPool))
        AccountRoutes(route: route).add(to: api)
        AssetRoutes(route: route).add(to: api)
        RegisterRoutes(route: route).add(to: api)
        LoanRoutes(route: route).add(to: api)
        AuditRoutes(route: route, labelBaseURL: labelBaseURL).add(to: api)
        ImportRoutes(route: route).add(to: api)
        TicketRoutes(route: route).add(to: api)
        KnowledgeRoutes(route: route).add(to: api)
        ReportRoutes(route: route).add(to: api)
        TaskRoutes(route: route).add(to: api)
        ProvisioningRoutes(route: route).add(to: api)
        NotificationRoutes(route: route, onboardingHookSecret: onboardingHookSecret).add(to: api)
        try additional(router)
        methods.load(router.routes.map { ($0.method, $0.path.description) })
        return router
    }

    /// The HTTP/1 server, with sign-in floods refused on the event loop (``SignInRefusal``).
    public static func server(signIn: SignInGate) -> HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [SignInRefusal(gate: signIn)]))
    }
}
