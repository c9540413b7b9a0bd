import DesksideStore
import Hummingbird
import NIOPosix

/// The collector's HTTP side: the REST API under `/api/v1` (bearer tokens) and `/health`.
public enum CollectorHTTP {
    public static func router(store: CollectorStore, threadPool: NIOThreadPool) -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        router.add(middleware: SecurityHeaders())
        router.get("health") { _, _ in JSONResponse.make(["status": "ok"]) }
        let api = router.group("api/v1").add(middleware: BearerAuthentication(store: store, threadPool: threadPool))
        AssetRoutes(store: store, threadPool: threadPool).add(to: api)
        return router
    }
}
