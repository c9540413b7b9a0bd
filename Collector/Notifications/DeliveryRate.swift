/// How fast one channel sends: at most `perMinute` messages a minute, evenly spaced, no burst. Kind
/// to relays that limit senders (Exchange Online takes 30 messages a minute from one mailbox), and to
/// the collector's own agents: a thousand tickets opened at once go out over a minute or two instead
/// of taking the CPU their reports need. The default, 1,200 a minute per channel, is far above what a
/// help desk sends; a fault storm's tickets are summed up in one notice anyway.
public struct DeliveryRate: Sendable, Equatable {
    public static let standardPerMinute = 1200

    public let perMinute: Int
    /// When the next message may go, in seconds on the caller's monotonic clock.
    private var next: Double?

    public init(perMinute: Int = Self.standardPerMinute) {
        precondition(perMinute > 0, "a rate is at least one a minute")
        self.perMinute = perMinute
    }

    /// Seconds between two messages.
    public var interval: Double { 60 / Double(perMinute) }

    /// How many messages one round takes: about ten seconds' worth (so that an SMTP session is not
    /// kept waiting between messages for longer than relays allow), at most `limit`.
    public func roundSize(limit: Int) -> Int {
        max(1, min(limit, perMinute / 6))
    }

    /// Takes the next slot for a message about to go at `now`: the seconds to wait first (0 when
    /// the channel has been quiet for an interval or more: idle time is not saved up for a burst).
    public mutating func take(at now: Double) -> Double {
        let slot = max(next ?? now, now)
        next = slot + interval
        return slot - now
    }
}
