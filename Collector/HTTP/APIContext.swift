public import DesksideHelpdesk
public import Hummingbird

/// The request context of the collector's HTTP server: who is calling, once authenticated.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller, set by ``BearerAuthentication`` from a session or API token.
    public var principal: Principal?
    /// The bearer secret the caller presented (logout ends that session).
    public var secret: String?
    /// The peer's IP address (sign-in is rate-limited per address).
    public let peerAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        secret = nil
        peerAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
