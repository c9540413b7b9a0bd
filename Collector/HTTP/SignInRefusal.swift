#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Refuses `POST /api/v1/login` with `429` on the HTTP server's event loop, before the request reaches
/// the router, when ``SignInGate`` would refuse it anyway (the address or everyone over the rate, or
/// too many checks waiting). A flood of sign-in guesses then costs the collector a header parse and a
/// small answer on the lower-priority HTTP thread, not a trip through Hummingbird's request handling
/// on the threads that the report path shares. Requests the gate would admit go on as before, and the
/// gate decides again (it alone takes tokens), so a race between the two can only refuse.
final class SignInRefusal: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let gate: SignInGate
    /// Swallowing the rest of a refused request (its body and end).
    private var refusing = false

    init(gate: SignInGate) { self.gate = gate }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let request) where request.method == .post && ["/api/v1/login", "/login"].contains(request.path.map({ String($0.prefix { $0 != "?" }) }) ?? "")
            && gate.wouldRefuse(from: context.channel.remoteAddress?.ipAddress ?? "unknown"):
            refusing = true
        case .head:
            refusing = false
            context.fireChannelRead(data)
        case .body where refusing:
            break
        case .end where refusing:
            refusing = false
            Self.refusal().forEach { context.write(wrapOutboundOut($0), promise: nil) }
            context.flush()
        case .body, .end:
            context.fireChannelRead(data)
        }
    }

    /// The same answer as the gate's refusal through the router, with the same security headers.
    static func refusal() -> [HTTPResponsePart] {
        let body = ByteBuffer(string: #"{"error":{"code":"TOO_MANY_SIGN_INS","message":"too many sign-in attempts; try again in a minute"}}"#)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentLength] = String(body.readableBytes)
        headers[.retryAfter] = "60"
        for (name, value) in SecurityHeaders.fields { headers[name] = value }
        return [.head(HTTPResponse(status: .tooManyRequests, headerFields: headers)), .body(body), .end(nil)]
    }
}
