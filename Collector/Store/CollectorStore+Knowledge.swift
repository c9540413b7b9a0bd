#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideHelpdesk
import GRDB

extension CollectorStore {
    /// A knowledge-base article: Markdown body, tags, categories, the fault codes it answers, and how
    /// many resolved tickets it helped.
    public struct Article: Codable, Sendable, Equatable {
        public var id: Int64
        public var title: String
        public var body: String
        public var tags: [String]
        public var categories: [String]
        public var faultCodes: [String]
        public var helpedCount: Int
        public var author: String
        public var createdAt: String
        public var updatedAt: String
        /// As Deskside shipped it (a starter article), until someone edits it.
        public var shipped: Bool
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
    }

    static let articleColumns = """
        article.id, article.title, article.body, article.tags, article.categories, article.helpedCount, article.author, article.createdAt,
        article.updatedAt, article.shipped, (SELECT group_concat(code, ' ') FROM articleFault WHERE articleId = article.id) AS faultCodes
        """

    static func article(_ row: Row) -> Article {
        func words(_ text: String?) -> [String] { (text ?? "").split(separator: " ").map(String.init) }
        return Article(id: row["id"], title: row["title"], body: row["body"], tags: words(row["tags"]), categories: words(row["categories"]),
                       faultCodes: words(row["faultCodes"]).sorted(), helpedCount: row["helpedCount"], author: row["author"],
                       createdAt: row["createdAt"], updatedAt: row["updatedAt"], shipped: row["shipped"])
    }

    /// Tags, categories and fault codes are single words (the desk checks), stored space-separated.
    static func words(_ values: [String]?) -> String? {
        guard let values else { return nil }
        return Array(Set(values)).sorted().joined(separator: " ")
    }

    public func createArticle(_ fields: ArticleFields, author: String, now: Date) throws -> Article {
        guard let title = fields.title, let body = fields.body else { throw HelpdeskError.invalid("title and body are required") }
        let time = Timestamp.text(now)
        return try pool.write { db in
            try db.execute(sql: "INSERT INTO article (title, body, tags, categories, author, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [title, body, Self.words(fields.tags) ?? "", Self.words(fields.categories) ?? "",
                                       author, time, time])
            let id = db.lastInsertedRowID
            try Self.setFaultCodes(db, article: id, fields.faultCodes ?? [])
            return try Self.fetchArticle(db, id: id)!
        }
    }

    public func updateArticle(id: Int64, _ fields: ArticleFields, now: Date) throws -> Article {
        try pool.write { db in
            guard let old = try Self.fetchArticle(db, id: id) else { throw HelpdeskError.notFound }
            try db.execute(sql: "UPDATE article SET title = ?, body = ?, tags = ?, categories = ?, updatedAt = ?, shipped = 0 WHERE id = ?",
                           arguments: [fields.title ?? old.title, fields.body ?? old.body,
                                       Self.words(fields.tags) ?? old.tags.joined(separator: " "),
                                       Self.words(fields.categories) ?? old.categories.joined(separator: " "),
                                       Timestamp.text(now), id])
            if let codes = fields.faultCodes {
                try db.execute(sql: "DELETE FROM articleFault WHERE articleId = ?", arguments: [id])
                try Self.setFaultCodes(db, article: id, codes)
            }
            return try Self.fetchArticle(db, id: id)!
        }
    }

    private static func setFaultCodes(_ db: Database, article: Int64, _ codes: [String]) throws {
        for code in Set(codes) {
            try db.execute(sql: "INSERT INTO articleFault (articleId, code) VALUES (?, ?)", arguments: [article, code])
        }
    }

    public func deleteArticle(id: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM article WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { throw HelpdeskError.notFound }
        }
    }

    public func article(id: Int64) throws -> Article? {
        try pool.read { db in try Self.fetchArticle(db, id: id) }
    }

    static func fetchArticle(_ db: Database, id: Int64) throws -> Article? {
        try Row.fetchOne(db, sql: "SELECT \(articleColumns) FROM article WHERE id = ?", arguments: [id]).map(article)
    }

    /// Articles matching the words of `text` (all of them, full-text, best first), or linked to
    /// `faultCode`, or all articles by title when neither is given.
    public func articles(text: String?, faultCode: String?, limit: Int, offset: Int) throws -> (items: [Article], total: Int) {
        let byCode = "(? IS NULL OR article.id IN (SELECT articleId FROM articleFault WHERE code = ?))"
        return try pool.read { db in
            if let text, let match = FullText.query(text, all: true) {
                let from = "FROM articleText JOIN article ON article.id = articleText.rowid WHERE articleText MATCH ? AND " + byCode
                let total = try Int.fetchOne(db, sql: "SELECT count(*) " + from, arguments: [match, faultCode, faultCode]) ?? 0
                let items = try Row.fetchAll(db, sql: "SELECT \(Self.articleColumns) \(from) ORDER BY bm25(articleText, 10.0, 1.0, 5.0, 2.0) LIMIT ? OFFSET ?",
                                             arguments: [match, faultCode, faultCode, limit, offset]).map(Self.article)
                return (items, total)
            }
            let from = "FROM article WHERE " + byCode
            let total = try Int.fetchOne(db, sql: "SELECT count(*) " + from, arguments: [faultCode, faultCode]) ?? 0
            let items = try Row.fetchAll(db, sql: "SELECT \(Self.articleColumns) \(from) ORDER BY title LIMIT ? OFFSET ?",
                                         arguments: [faultCode, faultCode, limit, offset]).map(Self.article)
            return (items, total)
        }
    }

    /// Articles to suggest on a ticket: those linked to its fault code first (most helpful first, the
    /// desk's own before the shipped starter articles), then the best full-text matches of its title
    /// (any of its words).
    public func suggestedArticles(ticketID: Int64, limit: Int = 5) throws -> [Article] {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT title, faultCode FROM ticket WHERE id = ?", arguments: [ticketID]) else { return [] }
            var found = try Row.fetchAll(db, sql: """
                SELECT \(Self.articleColumns) FROM article WHERE id IN (SELECT articleId FROM articleFault WHERE code = ?)
                ORDER BY helpedCount DESC, shipped, id LIMIT ?
                """, arguments: [row["faultCode"] as String?, limit]).map(Self.article)
            if found.count < limit, let match = FullText.query(row["title"], all: false) {
                let more = try Row.fetchAll(db, sql: """
                    SELECT \(Self.articleColumns) FROM articleText JOIN article ON article.id = articleText.rowid
                    WHERE articleText MATCH ? ORDER BY bm25(articleText, 10.0, 1.0, 5.0, 2.0) LIMIT ?
                    """, arguments: [match, limit]).map(Self.article)
                for article in more where found.count < limit && !found.contains(where: { $0.id == article.id }) { found.append(article) }
            }
            return found
        }
    }

    // MARK: - Canned answers

    public struct CannedAnswer: Codable, Sendable, Equatable {
        public var id: Int64
        public var title: String
        public var body: String
    }

    public func createCannedAnswer(title: String, body: String) throws -> CannedAnswer {
        try pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM cannedAnswer WHERE title = ?", arguments: [title]) == nil else {
                throw HelpdeskError.conflict("a canned answer is already titled \(title)")
            }
            try db.execute(sql: "INSERT INTO cannedAnswer (title, body) VALUES (?, ?)", arguments: [title, body])
            return CannedAnswer(id: db.lastInsertedRowID, title: title, body: body)
        }
    }

    public func cannedAnswers() throws -> [CannedAnswer] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, title, body FROM cannedAnswer ORDER BY title").map {
                CannedAnswer(id: $0["id"], title: $0["title"], body: $0["body"])
            }
        }
    }

    public func cannedAnswer(id: Int64) throws -> CannedAnswer? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, title, body FROM cannedAnswer WHERE id = ?", arguments: [id]).map {
                CannedAnswer(id: $0["id"], title: $0["title"], body: $0["body"])
            }
        }
    }

    public func deleteCannedAnswer(id: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM cannedAnswer WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { throw HelpdeskError.notFound }
        }
    }

    // MARK: - Fault rules

    /// Every fault code's rule: the stored ones, and the defaults of the known codes not stored.
    public func faultRules() throws -> [FaultRule] {
        try pool.read { db in
            let stored = try String.fetchAll(db, sql: "SELECT code FROM faultRule")
            return try Set(FaultRule.knownCodes + stored).sorted().map { try FaultRules.fetch(db, code: $0) ?? FaultRule.defaultRule(for: $0) }
        }
    }

    public func setFaultRule(_ rule: FaultRule) throws {
        try rule.validate()
        try pool.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO faultRule (code, opensTicket, category, impact, urgency, tier) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [rule.code, rule.opensTicket, rule.category, rule.impact.rawValue, rule.urgency.rawValue, rule.tier])
        }
    }
}

/// FTS5 queries built from user text: words only, each quoted, so no user input is FTS syntax.
enum FullText {
    /// `nil` when the text has no words. `all`: every word must match; otherwise any. `prefix`:
    /// each word matches words it begins (`print` finds `printer`). `joiners`: characters that do
    /// not split a word, as the index's tokenizer was told (`ws-0042`, `disk.space.low` in tickets).
    static func query(_ text: String, all: Bool, prefix: Bool = false, joiners: Set<Character> = []) -> String? {
        let words = text.split { !($0.isLetter || $0.isNumber || joiners.contains($0)) }
            .map { $0.drop { joiners.contains($0) } }.filter { !$0.isEmpty }
            .prefix(16).map { "\"\($0)\"" + (prefix ? "*" : "") }
        return words.isEmpty ? nil : words.joined(separator: all ? " AND " : " OR ")
    }
}
