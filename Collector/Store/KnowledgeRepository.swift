#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAPI

/// The knowledge base and the canned answers, as each engine stores them (`SQLiteKnowledge` on GRDB,
/// `PostgresKnowledge` on postgres-nio). Each call is one transaction; the rules (who may write, the
/// limits of a title or a word) are the desk's and are checked before a call. Both engines pass the
/// same conformance suite (Tests/DesksideStoreConformanceTests).
///
/// Errors are the help desk's: `HelpdeskError.notFound` for an id that does not exist,
/// `.invalid` for a missing title or body, `.conflict` for a canned answer's title already taken.
public protocol KnowledgeRepository: Sendable {
    func createArticle(_ fields: ArticleFields, author: String, now: Date) async throws -> Article
    /// Changes the fields given, marks the article as no longer shipped, and replaces its fault codes
    /// when `fields.faultCodes` is given.
    func updateArticle(id: Int64, _ fields: ArticleFields, now: Date) async throws -> Article
    func deleteArticle(id: Int64) async throws
    func article(id: Int64) async throws -> Article?
    /// Articles matching every word of `text` (full-text, stemmed, best first: a word in the title
    /// counts most, then tags, categories, the body), or linked to `faultCode`, or both; all articles
    /// by title when neither is given. `total` counts every match, not only this page.
    func articles(text: String?, faultCode: String?, limit: Int, offset: Int) async throws -> (items: [Article], total: Int)
    /// Articles to suggest on a ticket: those linked to its fault code first (most helpful first, the
    /// desk's own before the shipped starter articles), then the best full-text matches of any word
    /// of its title.
    func suggestedArticles(faultCode: String?, title: String, limit: Int) async throws -> [Article]

    /// Canned answers' titles are unique.
    func createCannedAnswer(title: String, body: String) async throws -> CannedAnswer
    /// By title.
    func cannedAnswers() async throws -> [CannedAnswer]
    func cannedAnswer(id: Int64) async throws -> CannedAnswer?
    func deleteCannedAnswer(id: Int64) async throws
}
