// The knowledge base's resources, as the API sends and takes them (`/articles`, `/canned-answers`),
// and as the store's `KnowledgeRepository` exchanges them.

/// A knowledge-base article: Markdown body, tags, categories, the fault codes it answers, and how
/// many resolved tickets it helped.
public struct Article: Codable, Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var body: String
    /// Single words, sorted, each once.
    public var tags: [String]
    public var categories: [String]
    public var faultCodes: [String]
    public var helpedCount: Int
    public var author: String
    public var createdAt: String
    public var updatedAt: String
    /// As Deskside shipped it (a starter article), until someone edits it.
    public var shipped: Bool

    public init(id: Int64, title: String, body: String, tags: [String], categories: [String], faultCodes: [String], helpedCount: Int,
                author: String, createdAt: String, updatedAt: String, shipped: Bool) {
        self.id = id
        self.title = title
        self.body = body
        self.tags = tags
        self.categories = categories
        self.faultCodes = faultCodes
        self.helpedCount = helpedCount
        self.author = author
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.shipped = shipped
    }
}

/// The fields of an article a caller sets; `nil` leaves a field as it is on update.
public struct ArticleFields: Codable, Sendable, Equatable {
    public var title: String?
    public var body: String?
    public var tags: [String]?
    public var categories: [String]?
    public var faultCodes: [String]?

    public init(title: String? = nil, body: String? = nil, tags: [String]? = nil, categories: [String]? = nil, faultCodes: [String]? = nil) {
        self.title = title
        self.body = body
        self.tags = tags
        self.categories = categories
        self.faultCodes = faultCodes
    }

    /// Tags, categories and fault codes as stored: each once, sorted (the desk checks they are single words).
    public static func words(_ values: [String]?) -> [String]? {
        values.map { Array(Set($0)).sorted() }
    }
}

/// A reply a technician inserts into a ticket instead of typing it again.
public struct CannedAnswer: Codable, Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var body: String

    public init(id: Int64, title: String, body: String) {
        self.id = id
        self.title = title
        self.body = body
    }
}

/// `POST /canned-answers`.
public struct NewCannedAnswer: Codable, Sendable, Equatable {
    public var title: String
    public var body: String

    public init(title: String, body: String) {
        self.title = title
        self.body = body
    }
}
