@testable import DesksideHTTP
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

/// Sign-ins over the gate's limits are answered on the event loop and never reach the router; every
/// other request passes untouched.
@Suite struct SignInRefusalTests {
    static func login(_ channel: EmbeddedChannel, path: String = "/api/v1/login") throws {
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .post, scheme: "http", authority: "x", path: path)))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: #"{"username":"a","password":"b"}"#)))
        try channel.writeInbound(HTTPRequestPart.end(nil))
    }

    @Test func overTheLimitIsAnsweredHereAndWithinItPassesOn() throws {
        var settings = SignInGate.Settings()
        settings.perAddressPerMinute = 1
        let gate = SignInGate(settings: settings)
        let channel = EmbeddedChannel(handler: SignInRefusal(gate: gate))
        // Within the limit (the gate has taken nothing yet): the request goes on, whole.
        try Self.login(channel)
        #expect(try channel.readInbound(as: HTTPRequestPart.self).map { if case .head = $0 { true } else { false } } == true)
        #expect(try channel.readInbound(as: HTTPRequestPart.self) != nil)
        #expect(try channel.readInbound(as: HTTPRequestPart.self) != nil)
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
        // The gate takes the address's one token (as the route does); the next sign-in is refused here.
        _ = try? gate.admit(from: "unknown")
        try Self.login(channel, path: "/api/v1/login?next=1")
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil, "nothing reaches the router")
        guard case .head(let response) = try channel.readOutbound(as: HTTPResponsePart.self) else { Issue.record("no answer"); return }
        #expect(response.status == .tooManyRequests && response.headerFields[.retryAfter] == "60")
        #expect(response.headerFields[.cacheControl] == "no-store")
        // Other routes are not the gate's business.
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .get, scheme: "http", authority: "x", path: "/api/v1/tickets")))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) != nil)
    }
}
