public import DesksideHelpdesk
public import DesksideAPI
public import DesksideStoreSQLite

extension Desk {
    /// Everyone signed in reads the knowledge base (requesters help themselves); staff write it.
    public func articles(_ principal: Principal, text: String?, faultCode: String?, limit: Int, offset: Int) async throws -> (items: [Article], total: Int) {
        try await knowledge.articles(text: text, faultCode: faultCode, limit: limit, offset: offset)
    }

    public func article(_ principal: Principal, id: Int64) async throws -> Article {
        guard let article = try await knowledge.article(id: id) else { throw HelpdeskError.notFound }
        return article
    }

    public func createArticle(_ principal: Principal, _ fields: ArticleFields) async throws -> Article {
        try requireStaff(principal)
        guard fields.title != nil, fields.body != nil else { throw HelpdeskError.invalid("title and body are required") }
        try Self.check(fields)
        return try await knowledge.createArticle(fields, author: principal.actor, now: clock())
    }

    public func updateArticle(_ principal: Principal, id: Int64, _ fields: ArticleFields) async throws -> Article {
        try requireStaff(principal)
        try Self.check(fields)
        return try await knowledge.updateArticle(id: id, fields, now: clock())
    }

    public func deleteArticle(_ principal: Principal, id: Int64) async throws {
        try requireStaff(principal)
        try await knowledge.deleteArticle(id: id)
    }

    static func check(_ fields: ArticleFields) throws {
        if let title = fields.title { try TextLimits.check(title, 1...TextLimits.title, "a title is 1 to \(TextLimits.title) characters") }
        if let body = fields.body { try TextLimits.check(body, 0...TextLimits.article, "the body is longer than \(TextLimits.article) characters") }
        for (name, words) in [("tags", fields.tags), ("categories", fields.categories), ("faultCodes", fields.faultCodes)] {
            for word in words ?? [] where !TextLimits.isWord(word) || TextLimits.length(word) > TextLimits.word {
                throw HelpdeskError.invalid("each of \(name) is one word of 1 to \(TextLimits.word) characters")
            }
        }
    }

    // MARK: - Canned answers

    public func cannedAnswers(_ principal: Principal) async throws -> [CannedAnswer] {
        try requireReader(principal)
        return try await knowledge.cannedAnswers()
    }

    public func createCannedAnswer(_ principal: Principal, title: String, body: String) async throws -> CannedAnswer {
        try requireStaff(principal)
        guard (1...TextLimits.title).contains(TextLimits.length(title)), (1...TextLimits.comment).contains(TextLimits.length(body)) else {
            throw HelpdeskError.invalid("a canned answer has a title (1 to \(TextLimits.title) characters) and a body (1 to \(TextLimits.comment))")
        }
        return try await knowledge.createCannedAnswer(title: title, body: body)
    }

    public func deleteCannedAnswer(_ principal: Principal, id: Int64) async throws {
        try requireStaff(principal)
        try await knowledge.deleteCannedAnswer(id: id)
    }

    /// A canned answer inserted as a comment on a ticket (public unless `internal`).
    public func insertCannedAnswer(_ principal: Principal, id: Int64, ticketID: Int64, internal isInternal: Bool) async throws -> CollectorStore.Ticket {
        try requireStaff(principal)
        _ = try await blocking { try self.visibleTicket(principal, id: ticketID) }   // an unknown ticket is 404; an unknown answer, 422
        guard let answer = try await knowledge.cannedAnswer(id: id) else { throw HelpdeskError.unprocessable("no canned answer \(id)") }
        return try await blocking { try self.change(principal, ticketID: ticketID, .comment(body: answer.body, internal: isInternal)) }
    }

    // MARK: - Fault rules

    /// Every code's rule: those an admin set, and the defaults of the known codes.
    public func faultRules(_ principal: Principal) async throws -> [FaultRule] {
        try requireReader(principal)
        return FaultRule.listed(stored: try await faultRuleStore.storedFaultRules())
    }

    public func setFaultRule(_ principal: Principal, _ rule: FaultRule) async throws {
        try requireAdmin(principal)
        try rule.validate()
        try await faultRuleStore.setFaultRule(rule)
        try await audit(actor: principal.actor, action: "faultRule.set", allowed: true, detail: rule.code, at: clock())
    }
}
