import HTTPTypes
public import Hummingbird
import NIOCore
public import NIOPosix

/// `POST /intake/TOKEN` (and GLPI Agent's `GET ...?action=getConfig`): the body is read whole, up to
/// the cap, before anything is answered, also a 401, because the agents resend on the same
/// connection (interop/PROTOCOL.md §1.1); then the service runs on the thread pool.
public struct IntakeRoutes: Sendable {
    public let service: IntakeService
    public let threadPool: NIOThreadPool

    public init(service: IntakeService, threadPool: NIOThreadPool) {
        self.service = service
        self.threadPool = threadPool
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.post("intake/:token") { request, context in try await self.respond(request, context, getConfig: false) }
        router.get("intake/:token") { request, context in try await self.respond(request, context, getConfig: true) }
    }

    func respond<Context: RequestContext>(_ request: Request, _ context: Context, getConfig: Bool) async throws -> Response {
        if getConfig && request.uri.queryParameters.get("action") != "getConfig" {
            return Response(status: .methodNotAllowed, headers: [.allow: "POST"])
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: service.settings.maxBodyBytes)
        } catch {
            return Response(status: .contentTooLarge, headers: [.contentType: "text/plain; charset=utf-8", .connection: "close"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "the request is larger than \(service.settings.maxBodyBytes) bytes\n")))
        }
        let intake = IntakeService.Request(token: context.parameters.get("token") ?? "", authorization: request.headers[.authorization],
                                           body: Array(buffer: body), glpiAgentID: request.headers[HTTPField.Name("GLPI-Agent-ID")!],
                                           userAgent: request.headers[.userAgent], getConfig: getConfig)
        let service = self.service
        let reply = try await threadPool.runIfActive { service.handle(intake) }
        var headers: HTTPFields = [.contentType: reply.contentType, .cacheControl: "no-store"]
        if let challenge = reply.challenge { headers[.wwwAuthenticate] = challenge }
        return Response(status: HTTPResponse.Status(code: reply.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}
