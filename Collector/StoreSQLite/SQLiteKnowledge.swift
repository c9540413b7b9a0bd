#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAPI
public import DesksideStore
import DesksideHelpdesk
import GRDB

/// The knowledge base and canned answers on SQLite: articles with FTS5 (`articleText`, `porter
/// unicode61`, kept by triggers), their fault codes in `articleFault`.
public struct SQLiteKnowledge: KnowledgeRepository {
    let pool: DatabasePool

    /// An article's row, with its fault codes gathered.
    struct ArticleRow: Decodable, FetchableRecord {
        var id: Int64
        var title: String
        var body: String
        var tags: String
        var categories: String
        var faultCodes: String?
        var helpedCount: Int
        var author: String
        var createdAt: String
        var updatedAt: String
        var shipped: Bool

        static let columns = """
            article.id, article.title, article.body, article.tags, article.categories, article.helpedCount, article.author, article.createdAt,
            article.updatedAt, article.shipped, (SELECT group_concat(code, ' ') FROM articleFault WHERE articleId = article.id) AS faultCodes
            """

        var article: Article {
            func words(_ text: String?) -> [String] { (text ?? "").split(separator: " ").map(String.init) }
            return Article(id: id, title: title, body: body, tags: words(tags), categories: words(categories), faultCodes: words(faultCodes).sorted(),
                           helpedCount: helpedCount, author: author, createdAt: createdAt, updatedAt: updatedAt, shipped: shipped)
        }
    }

    /// FTS5's rank: a word in the title counts most, then tags, categories, the body (the columns'
    /// order in `articleText` is title, body, tags, categories); ties by id.
    static let rank = "bm25(articleText, 10.0, 1.0, 5.0, 2.0), article.id"

    /// Tags, categories and fault codes are single words (the desk checks), stored space-separated.
    static func text(_ words: [String]?) -> String? {
        ArticleFields.words(words)?.joined(separator: " ")
    }

    public func createArticle(_ fields: ArticleFields, author: String, now: Date) async throws -> Article {
        guard let title = fields.title, let body = fields.body else { throw HelpdeskError.invalid("title and body are required") }
        let time = Timestamp.text(now)
        return try await pool.write { db in
            try db.execute(sql: "INSERT INTO article (title, body, tags, categories, author, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [title, body, Self.text(fields.tags) ?? "", Self.text(fields.categories) ?? "", author, time, time])
            let id = db.lastInsertedRowID
            try Self.setFaultCodes(db, article: id, fields.faultCodes ?? [])
            return try Self.fetch(db, id: id)!
        }
    }

    public func updateArticle(id: Int64, _ fields: ArticleFields, now: Date) async throws -> Article {
        try await pool.write { db in
            guard let old = try Self.fetch(db, id: id) else { throw HelpdeskError.notFound }
            try db.execute(sql: "UPDATE article SET title = ?, body = ?, tags = ?, categories = ?, updatedAt = ?, shipped = 0 WHERE id = ?",
                           arguments: [fields.title ?? old.title, fields.body ?? old.body,
                                       Self.text(fields.tags) ?? old.tags.joined(separator: " "),
                                       Self.text(fields.categories) ?? old.categories.joined(separator: " "),
                                       Timestamp.text(now), id])
            if let codes = fields.faultCodes {
                try db.execute(sql: "DELETE FROM articleFault WHERE articleId = ?", arguments: [id])
                try Self.setFaultCodes(db, article: id, codes)
            }
            return try Self.fetch(db, id: id)!
        }
    }

    private static func setFaultCodes(_ db: Database, article: Int64, _ codes: [String]) throws {
        for code in Set(codes) {
            try db.execute(sql: "INSERT INTO articleFault (articleId, code) VALUES (?, ?)", arguments: [article, code])
        }
    }

    public func deleteArticle(id: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM article WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { throw HelpdeskError.notFound }
        }
    }

    public func article(id: Int64) async throws -> Article? {
        try await pool.read { db in try Self.fetch(db, id: id) }
    }

    static func fetch(_ db: Database, id: Int64) throws -> Article? {
        try ArticleRow.fetchOne(db, sql: "SELECT \(ArticleRow.columns) FROM article WHERE id = ?", arguments: [id])?.article
    }

    public func articles(text: String?, faultCode: String?, limit: Int, offset: Int) async throws -> (items: [Article], total: Int) {
        let byCode = "(? IS NULL OR article.id IN (SELECT articleId FROM articleFault WHERE code = ?))"
        return try await pool.read { db in
            if let text, let match = FullText.query(text, all: true) {
                let from = "FROM articleText JOIN article ON article.id = articleText.rowid WHERE articleText MATCH ? AND " + byCode
                let total = try Int.fetchOne(db, sql: "SELECT count(*) " + from, arguments: [match, faultCode, faultCode]) ?? 0
                let items = try ArticleRow.fetchAll(db, sql: "SELECT \(ArticleRow.columns) \(from) ORDER BY \(Self.rank) LIMIT ? OFFSET ?",
                                                    arguments: [match, faultCode, faultCode, limit, offset])
                return (items.map(\.article), total)
            }
            let from = "FROM article WHERE " + byCode
            let total = try Int.fetchOne(db, sql: "SELECT count(*) " + from, arguments: [faultCode, faultCode]) ?? 0
            let items = try ArticleRow.fetchAll(db, sql: "SELECT \(ArticleRow.columns) \(from) ORDER BY title, id LIMIT ? OFFSET ?",
                                                arguments: [faultCode, faultCode, limit, offset])
            return (items.map(\.article), total)
        }
    }

    public func suggestedArticles(faultCode: String?, title: String, limit: Int) async throws -> [Article] {
        try await pool.read { db in
            var found = try ArticleRow.fetchAll(db, sql: """
                SELECT \(ArticleRow.columns) FROM article WHERE id IN (SELECT articleId FROM articleFault WHERE code = ?)
                ORDER BY helpedCount DESC, shipped, id LIMIT ?
                """, arguments: [faultCode, limit]).map(\.article)
            if found.count < limit, let match = FullText.query(title, all: false) {
                let more = try ArticleRow.fetchAll(db, sql: """
                    SELECT \(ArticleRow.columns) FROM articleText JOIN article ON article.id = articleText.rowid
                    WHERE articleText MATCH ? ORDER BY \(Self.rank) LIMIT ?
                    """, arguments: [match, limit]).map(\.article)
                for article in more where found.count < limit && !found.contains(where: { $0.id == article.id }) { found.append(article) }
            }
            return found
        }
    }

    // MARK: - Canned answers

    struct CannedAnswerRow: Decodable, FetchableRecord {
        var id: Int64
        var title: String
        var body: String
        var answer: CannedAnswer { CannedAnswer(id: id, title: title, body: body) }
    }

    public func createCannedAnswer(title: String, body: String) async throws -> CannedAnswer {
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM cannedAnswer WHERE title = ?", arguments: [title]) == nil else {
                throw HelpdeskError.conflict("a canned answer is already titled \(title)")
            }
            try db.execute(sql: "INSERT INTO cannedAnswer (title, body) VALUES (?, ?)", arguments: [title, body])
            return CannedAnswer(id: db.lastInsertedRowID, title: title, body: body)
        }
    }

    public func cannedAnswers() async throws -> [CannedAnswer] {
        try await pool.read { db in
            try CannedAnswerRow.fetchAll(db, sql: "SELECT id, title, body FROM cannedAnswer ORDER BY title, id").map(\.answer)
        }
    }

    public func cannedAnswer(id: Int64) async throws -> CannedAnswer? {
        try await pool.read { db in
            try CannedAnswerRow.fetchOne(db, sql: "SELECT id, title, body FROM cannedAnswer WHERE id = ?", arguments: [id])?.answer
        }
    }

    public func deleteCannedAnswer(id: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM cannedAnswer WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { throw HelpdeskError.notFound }
        }
    }
}

extension CollectorStore {
    /// The knowledge base and canned answers in this database.
    public var knowledge: SQLiteKnowledge { SQLiteKnowledge(pool: pool) }
}
