import Foundation

/// What a notification says, frozen when the change that causes it is written: every attempt sends
/// the same message (a receiver sees at most a duplicate with the same `id`, never a different
/// message for the same event). It is the body of a webhook as it is, and what a mail is drawn from.
public struct Notice: Codable, Sendable, Equatable {
    public struct Ticket: Codable, Sendable, Equatable {
        public var id: Int64
        /// `DS-123`, as the subject of a mail carries it.
        public var number: String
        public var title: String
        public var status: String
        public var priority: String
        public var tier: Int
        public var requester: String?
        public var assignee: String?

        public init(id: Int64, title: String, status: String, priority: String, tier: Int, requester: String?, assignee: String?) {
            self.id = id
            number = "DS-\(id)"
            self.title = title
            self.status = status
            self.priority = priority
            self.tier = tier
            self.requester = requester
            self.assignee = assignee
        }
    }

    public struct Asset: Codable, Sendable, Equatable {
        public var id: Int64
        public var hostname: String?

        public init(id: Int64, hostname: String?) {
            self.id = id
            self.hostname = hostname
        }
    }

    /// The event's id: the same for every recipient of one event, and for every attempt.
    public var id: String
    public var type: EventType
    public var at: String
    /// Who made the change (`system` for the collector's own).
    public var actor: String
    public var ticket: Ticket?
    public var asset: Asset?
    /// The public comment, the resolution notes, the reason of an escalation, a step's outcome.
    public var text: String?
    /// Machine-readable detail: a fault's code, a step's name and state, a new status.
    public var details: [String: String]

    public init(id: String, type: EventType, at: String, actor: String, ticket: Ticket? = nil, asset: Asset? = nil, text: String? = nil,
                details: [String: String] = [:]) {
        self.id = id
        self.type = type
        self.at = at
        self.actor = actor
        self.ticket = ticket
        self.asset = asset
        self.text = text
        self.details = details
    }
}
