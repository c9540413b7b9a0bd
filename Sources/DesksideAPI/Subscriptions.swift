// Who hears of the desk's events: webhooks (`/webhooks`, admins) and each person's mail preferences
// (`/me/mail-preferences`), as the API sends and takes them and as the store's
// `SubscriptionRepository` exchanges them.

/// A URL the collector posts signed events to.
public struct Webhook: Codable, Sendable, Equatable {
    public var id: Int64
    public var url: String
    /// Event type patterns (`ticket.*`, `fault.storm`, `*`), as given.
    public var events: [String]
    public var active: Bool
    public var createdBy: String
    public var createdAt: String

    public init(id: Int64, url: String, events: [String], active: Bool, createdBy: String, createdAt: String) {
        self.id = id
        self.url = url
        self.events = events
        self.active = active
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// A webhook to subscribe (`POST /webhooks`).
public struct NewWebhook: Codable, Sendable, Equatable {
    public var url: String
    public var events: [String]

    public init(url: String, events: [String]) {
        self.url = url
        self.events = events
    }
}

/// A new webhook and its signing secret, shown this once.
public struct CreatedWebhook: Codable, Sendable, Equatable {
    public var webhook: Webhook
    public var secret: String

    public init(webhook: Webhook, secret: String) {
        self.webhook = webhook
        self.secret = secret
    }
}

/// One kind of mail and whether the caller receives it.
public struct MailPreference: Codable, Sendable, Equatable {
    public var type: String
    public var mailed: Bool

    public init(type: String, mailed: Bool) {
        self.type = type
        self.mailed = mailed
    }
}

/// The caller's mail preferences (`GET|PUT /me/mail-preferences`).
public struct MailPreferences: Codable, Sendable, Equatable {
    public var preferences: [MailPreference]

    public init(preferences: [MailPreference]) {
        self.preferences = preferences
    }
}
