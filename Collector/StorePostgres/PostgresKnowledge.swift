#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAPI
public import DesksideStore
import DesksideHelpdesk
import Logging
import PostgresNIO

/// The knowledge base and canned answers on PostgreSQL: `article` with a weighted `tsvector` kept by
/// a trigger (the `deskside` text search configuration, see `PostgresMigrations.knowledge`) and a GIN
/// index, `article_fault`, `canned_answer`.
public struct PostgresKnowledge: KnowledgeRepository {
    let database: PostgresStore

    public init(_ database: PostgresStore) {
        self.database = database
    }

    /// An article's columns, in the order `article(_:)` decodes them.
    static let columns: PostgresQuery = """
        SELECT a.id, a.title, a.body, a.tags, a.categories,
               ARRAY(SELECT code FROM article_fault WHERE article_id = a.id ORDER BY code) AS fault_codes,
               a.helped_count, a.author, a.created_at, a.updated_at, a.shipped
        FROM article a
        """

    static func article(_ row: PostgresRow) throws -> Article {
        let (id, title, body, tags, categories, faultCodes, helped, author, created, updated, shipped) =
            try row.decode((Int64, String, String, [String], [String], [String], Int32, String, Date, Date, Bool).self)
        return Article(id: id, title: title, body: body, tags: tags, categories: categories, faultCodes: faultCodes, helpedCount: Int(helped),
                       author: author, createdAt: PostgresStore.text(created), updatedAt: PostgresStore.text(updated), shipped: shipped)
    }

    /// The tsquery of the words of `text` (every word, or any), or `nil` when it has none. The words
    /// are letters and digits only (`FullTextWords`), quoted, so no user input is tsquery syntax; the
    /// query is a bound parameter like any other value.
    static func tsquery(_ text: String, all: Bool) -> String? {
        let words = FullTextWords.split(text).map { "'\($0)'" }
        return words.isEmpty ? nil : words.joined(separator: all ? " & " : " | ")
    }

    /// The rank of a match: title 1.0, tags 0.5, categories 0.2, body 0.1 (the ratios of the SQLite
    /// store's bm25 weights); ties by id.
    static let rank = "ts_rank('{0.1, 0.2, 0.5, 1.0}', a.search, to_tsquery('deskside', $1)) DESC, a.id"

    static func insert(_ connection: PostgresConnection, logger: Logger, title: String, body: String, tags: [String], categories: [String],
                       faultCodes: Set<String>, author: String, now: Date, shipped: Bool) async throws -> Int64 {
        let rows = try await connection.rows("""
            INSERT INTO article (title, body, tags, categories, author, created_at, updated_at, shipped)
            VALUES (\(title), \(body), \(tags), \(categories), \(author), \(now), \(now), \(shipped)) RETURNING id
            """, logger: logger)
        let id = try rows[0].decode(Int64.self)
        try await setFaultCodes(connection, logger: logger, article: id, faultCodes)
        return id
    }

    static func setFaultCodes(_ connection: PostgresConnection, logger: Logger, article: Int64, _ codes: Set<String>) async throws {
        for code in codes.sorted() {
            try await connection.run("INSERT INTO article_fault (article_id, code) VALUES (\(article), \(code))", logger: logger)
        }
    }

    /// One article by id, in a transaction's connection.
    static func fetch(_ connection: PostgresConnection, logger: Logger, id: Int64) async throws -> Article? {
        try await connection.rows(byID(id), logger: logger).first.map(article)
    }

    static func byID(_ id: Int64) -> PostgresQuery {
        var query = columns
        query.sql += " WHERE a.id = $1"
        query.binds.append(id)
        return query
    }

    public func createArticle(_ fields: ArticleFields, author: String, now: Date) async throws -> Article {
        guard let title = fields.title, let body = fields.body else { throw HelpdeskError.invalid("title and body are required") }
        let logger = database.logger
        return try await database.transaction { connection in
            let id = try await Self.insert(connection, logger: logger, title: title, body: body, tags: ArticleFields.words(fields.tags) ?? [],
                                           categories: ArticleFields.words(fields.categories) ?? [], faultCodes: Set(fields.faultCodes ?? []),
                                           author: author, now: now, shipped: false)
            return try await Self.fetch(connection, logger: logger, id: id)!
        }
    }

    public func updateArticle(id: Int64, _ fields: ArticleFields, now: Date) async throws -> Article {
        let logger = database.logger
        return try await database.transaction { connection in
            guard let old = try await Self.fetch(connection, logger: logger, id: id) else { throw HelpdeskError.notFound }
            let tags = ArticleFields.words(fields.tags) ?? old.tags, categories = ArticleFields.words(fields.categories) ?? old.categories
            try await connection.run("""
                UPDATE article SET title = \(fields.title ?? old.title), body = \(fields.body ?? old.body), tags = \(tags),
                    categories = \(categories), updated_at = \(now), shipped = false
                WHERE id = \(id)
                """, logger: logger)
            if let codes = fields.faultCodes {
                try await connection.run("DELETE FROM article_fault WHERE article_id = \(id)", logger: logger)
                try await Self.setFaultCodes(connection, logger: logger, article: id, Set(codes))
            }
            return try await Self.fetch(connection, logger: logger, id: id)!
        }
    }

    public func deleteArticle(id: Int64) async throws {
        let rows = try await database.rows("DELETE FROM article WHERE id = \(id) RETURNING id")
        guard rows.count == 1 else { throw HelpdeskError.notFound }
    }

    public func article(id: Int64) async throws -> Article? {
        try await database.rows(Self.byID(id)).first.map(Self.article)
    }

    public func articles(text: String?, faultCode: String?, limit: Int, offset: Int) async throws -> (items: [Article], total: Int) {
        // $1: the tsquery (or NULL), $2: the fault code (or NULL), $3 and $4: the page.
        let match = text.flatMap { Self.tsquery($0, all: true) }
        let filter = """
             WHERE ($1::text IS NULL OR a.search @@ to_tsquery('deskside', $1))
               AND ($2::text IS NULL OR a.id IN (SELECT article_id FROM article_fault WHERE code = $2))
            """
        let order = match == nil ? "a.title COLLATE \"C\", a.id" : Self.rank
        var binds = PostgresBindings()
        binds.append(match)
        binds.append(faultCode)
        let logger = database.logger
        return try await database.transaction { connection in
            let total = try await connection.rows(PostgresQuery(unsafeSQL: "SELECT count(*) FROM article a" + filter, binds: binds), logger: logger)[0]
                .decode(Int64.self)
            var page = binds
            page.append(Int64(limit))
            page.append(Int64(offset))
            let items = try await connection.rows(PostgresQuery(unsafeSQL: Self.columns.sql + filter + " ORDER BY \(order) LIMIT $3 OFFSET $4",
                                                                binds: page), logger: logger).map(Self.article)
            return (items, Int(total))
        }
    }

    public func suggestedArticles(faultCode: String?, title: String, limit: Int) async throws -> [Article] {
        let logger = database.logger
        return try await database.transaction { connection in
            var linked = Self.columns
            linked.sql += """
                 WHERE a.id IN (SELECT article_id FROM article_fault WHERE code = $1)
                ORDER BY a.helped_count DESC, a.shipped, a.id LIMIT $2
                """
            linked.binds.append(faultCode)
            linked.binds.append(Int64(limit))
            var found = try await connection.rows(linked, logger: logger).map(Self.article)
            if found.count < limit, let match = Self.tsquery(title, all: false) {
                var binds = PostgresBindings()
                binds.append(match)
                binds.append(Int64(limit))
                let more = try await connection.rows(PostgresQuery(unsafeSQL: Self.columns.sql + """
                     WHERE a.search @@ to_tsquery('deskside', $1) ORDER BY \(Self.rank) LIMIT $2
                    """, binds: binds), logger: logger).map(Self.article)
                for article in more where found.count < limit && !found.contains(where: { $0.id == article.id }) { found.append(article) }
            }
            return found
        }
    }

    // MARK: - Canned answers

    static func cannedAnswer(_ row: PostgresRow) throws -> CannedAnswer {
        let (id, title, body) = try row.decode((Int64, String, String).self)
        return CannedAnswer(id: id, title: title, body: body)
    }

    public func createCannedAnswer(title: String, body: String) async throws -> CannedAnswer {
        do {
            let rows = try await database.rows("INSERT INTO canned_answer (title, body) VALUES (\(title), \(body)) RETURNING id, title, body")
            return try Self.cannedAnswer(rows[0])
        } catch HelpdeskError.conflict {
            throw HelpdeskError.conflict("a canned answer is already titled \(title)")
        }
    }

    public func cannedAnswers() async throws -> [CannedAnswer] {
        try await database.rows("SELECT id, title, body FROM canned_answer ORDER BY title COLLATE \"C\", id").map(Self.cannedAnswer)
    }

    public func cannedAnswer(id: Int64) async throws -> CannedAnswer? {
        try await database.rows("SELECT id, title, body FROM canned_answer WHERE id = \(id)").first.map(Self.cannedAnswer)
    }

    public func deleteCannedAnswer(id: Int64) async throws {
        let rows = try await database.rows("DELETE FROM canned_answer WHERE id = \(id) RETURNING id")
        guard rows.count == 1 else { throw HelpdeskError.notFound }
    }
}
