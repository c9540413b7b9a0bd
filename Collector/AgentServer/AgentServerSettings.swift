public import DesksideInventory
public import DesksideTransport

/// How the agent server behaves; all but `maxFrameLength` can be set in the collector's config file.
public struct AgentServerSettings: Sendable {
    public var listen = Endpoint(host: "0.0.0.0", port: 7443)
    /// How often an idle agent pings; revocation closes a connection within this time.
    public var heartbeatSeconds = 60
    /// How often an agent collects its inventory when nothing triggers it sooner.
    public var reportIntervalSeconds = 3600
    /// From accept to the end of the TLS handshake, and again from there to the first message.
    public var handshakeTimeoutSeconds = 10
    /// A connection with nothing received for this long is closed: three missed heartbeats (at
    /// least 30 s) unless set.
    public var idleTimeoutSeconds: Int {
        get { idleTimeoutSet ?? max(heartbeatSeconds * 3, 30) }
        set { idleTimeoutSet = newValue }
    }
    private var idleTimeoutSet: Int?
    /// Connections beyond this are closed as soon as they are accepted. The collector raises its
    /// open-file limit at start and refuses a cap that the limit cannot hold.
    public var maxConnections = 20_000
    /// Connections from one address that have not yet shown a certificate of the CA (handshaking or
    /// enrolling); more are closed as soon as they are accepted.
    public var maxPendingPerAddress = 64
    /// Reports per agent per minute (a burst of as many is allowed); pings are not counted.
    public var reportsPerMinute = 60
    /// The largest frame accepted, before decompression.
    public var maxFrameLength = 8 << 20
    public var policy = FaultPolicy()
    /// An agent whose clock (in its `hello`) is further than this from the collector's gets the
    /// `clock.skewed` fault; it still connects (certificates are valid from a day back).
    public var clockSkewToleranceSeconds = 300
    /// At shutdown, connected agents are told to come back after N / this seconds (at least 5), N the
    /// number connected: a restart's reconnections arrive at about this rate, not all at once.
    public var reconnectsPerSecond = 200

    public init() {}
}
