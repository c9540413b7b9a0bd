import Hummingbird

/// The request context of the collector's HTTP server: who is calling, once authenticated.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller's role (`admin`, `technician`, `auditor`, `requester`), set by ``BearerAuthentication``.
    public var role: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        role = nil
    }
}
