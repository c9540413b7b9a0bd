import DesksideAPI
import DesksideHelpdesk
import DesksideJSON
import DesksideStore
import Foundation
import Testing

/// `KnowledgeRepository` on both engines: the same calls give the same answers, full-text search
/// included (stems, accents, punctuation, ranking, hostile input).
@Suite struct KnowledgeConformanceTests {
    let now = Date(timeIntervalSince1970: 1_796_000_000)
    var nowText: String { ISO8601.format(secondsSince1970: now.timeIntervalSince1970) }

    @Test(arguments: Engine.allCases)
    func startersAreShippedWithTheirFaultCodes(_ engine: Engine) async throws {
        try await engine.withKnowledge { knowledge in
            let all = try await knowledge.articles(text: nil, faultCode: nil, limit: 500, offset: 0)
            #expect(all.total == StarterArticle.all.count + StarterArticle.windows.count)
            #expect(all.items.allSatisfy { $0.shipped && $0.author == "deskside" && $0.helpedCount == 0 })
            let disk = try await knowledge.articles(text: nil, faultCode: "disk.space.low", limit: 10, offset: 0)
            #expect(disk.items.map(\.title).contains("Disk almost full"))
            #expect(disk.items.allSatisfy { $0.faultCodes.contains("disk.space.low") })
            // By title, byte order, and the page holds what was asked.
            #expect(all.items.map(\.title) == all.items.map(\.title).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            let page = try await knowledge.articles(text: nil, faultCode: nil, limit: 3, offset: 2)
            #expect(page.items.map(\.id) == Array(all.items.map(\.id)[2..<5]))
            #expect(page.total == all.total)
        }
    }

    @Test(arguments: Engine.allCases)
    func anArticleIsStoredAsWritten(_ engine: Engine) async throws {
        try await engine.withKnowledge { knowledge in
            let fields = ArticleFields(title: "VPN drops every hour", body: "Renew the **certificate**.", tags: ["vpn", "network", "vpn"],
                                       categories: ["remote"], faultCodes: ["vpn.down", "cert.expiring", "vpn.down"])
            let article = try await knowledge.createArticle(fields, author: "tech1", now: now)
            #expect(article.title == "VPN drops every hour" && article.body == "Renew the **certificate**.")
            #expect(article.tags == ["network", "vpn"] && article.categories == ["remote"])
            #expect(article.faultCodes == ["cert.expiring", "vpn.down"])
            #expect(article.author == "tech1" && article.helpedCount == 0 && !article.shipped)
            #expect(article.createdAt == nowText && article.updatedAt == nowText)
            #expect(try await knowledge.article(id: article.id) == article)
            #expect(try await knowledge.article(id: article.id + 1000) == nil)
        }
    }

    @Test(arguments: Engine.allCases)
    func aMissingTitleOrBodyIsRefusedAndNothingStored(_ engine: Engine) async throws {
        try await engine.withKnowledge { knowledge in
            let before = try await knowledge.articles(text: nil, faultCode: nil, limit: 1, offset: 0).total
            await #expect(throws: HelpdeskError.invalid("title and body are required")) {
                try await knowledge.createArticle(ArticleFields(title: "No body"), author: "tech1", now: now)
            }
            #expect(try await knowledge.articles(text: nil, faultCode: nil, limit: 1, offset: 0).total == before)
        }
    }

    @Test(arguments: Engine.allCases)
    func anUpdateChangesOnlyWhatItGives(_ engine: Engine) async throws {
        try await engine.withKnowledge { knowledge in
            let starter = try #require(try await knowledge.articles(text: nil, faultCode: "disk.space.low", limit: 1, offset: 0).items.first)
            let later = now.addingTimeInterval(3600)
            let edited = try await knowledge.updateArticle(id: starter.id, ArticleFields(body: "Our own steps.", tags: ["storage"]), now: later)
            #expect(edited.title == starter.title && edited.body == "Our own steps." && edited.tags == ["storage"])
            #expect(edited.categories == starter.categories && edited.faultCodes == starter.faultCodes)
            #expect(!edited.shipped, "an edited starter article is the desk's own")
            #expect(edited.createdAt == starter.createdAt && edited.updatedAt == ISO8601.format(secondsSince1970: later.timeIntervalSince1970))
            let recoded = try await knowledge.updateArticle(id: starter.id, ArticleFields(faultCodes: ["disk.full"]), now: later)
            #expect(recoded.faultCodes == ["disk.full"])
            #expect(try await knowledge.articles(text: nil, faultCode: "disk.space.low", limit: 10, offset: 0).items.allSatisfy { $0.id != starter.id })
            await #expect(throws: HelpdeskError.notFound) {
                try await knowledge.updateArticle(id: 99_999, ArticleFields(title: "x"), now: later)
            }
        }
    }

    @Test(arguments: Engine.allCases)
    func aDeletedArticleIsGoneWithItsFaultCodes(_ engine: Engine) async throws {
        try await engine.withKnowledge { knowledge in
            let article = try await knowledge.createArticle(ArticleFields(title: "Toner", body: "Shake it.", faultCodes: ["printer.toner"]),
                                                            author: "tech1", now: now)
            try await knowledge.deleteArticle(id: article.id)
            #expect(try await knowledge.article(id: article.id) == nil)
            #expect(try await knowledge.articles(text: nil, faultCode: "printer.toner", limit: 10, offset: 0).total == 0)
            #expect(try await knowledge.articles(text: "toner", faultCode: nil, limit: 10, offset: 0).total == 0)
            await #expect(throws: HelpdeskError.notFound) { try await knowledge.deleteArticle(id: article.id) }
        }
    }

    @Test(arguments: Engine.allCases)
    func fullTextFindsStemsAccentsAndWordsInsidePunctuation(_ engine: Engine) async throws {
        try await engine.withKnowledge { knowledge in
            let printer = try await knowledge.createArticle(ArticleFields(title: "Printer jams", body: "Open tray two."), author: "t", now: now)
            let cafe = try await knowledge.createArticle(ArticleFields(title: "Café network", body: "Guest Wi-Fi."), author: "t", now: now)
            let code = try await knowledge.createArticle(ArticleFields(title: "Quota", body: "Raised by zorblax.quota.low checks."), author: "t", now: now)
            #expect(try await knowledge.articles(text: "printers jamming", faultCode: nil, limit: 10, offset: 0).items.map(\.id) == [printer.id])
            #expect(try await knowledge.articles(text: "cafe", faultCode: nil, limit: 10, offset: 0).items.map(\.id) == [cafe.id])
            #expect(try await knowledge.articles(text: "zorblax", faultCode: nil, limit: 10, offset: 0).items.map(\.id) == [code.id])
            // Every word must match.
            #expect(try await knowledge.articles(text: "printer cafe", faultCode: nil, limit: 10, offset: 0).total == 0)
        }
    }

    @Test(arguments: Engine.allCases)
    func aWordInTheTitleRanksAboveTagsAboveTheBody(_ engine: Engine) async throws {
        try await engine.withKnowledge { knowledge in
            let body = try await knowledge.createArticle(ArticleFields(title: "Other", body: "the gizmo again"), author: "t", now: now)
            let tag = try await knowledge.createArticle(ArticleFields(title: "Another", body: "nothing", tags: ["gizmo"]), author: "t", now: now)
            let title = try await knowledge.createArticle(ArticleFields(title: "Gizmo", body: "nothing"), author: "t", now: now)
            let found = try await knowledge.articles(text: "gizmo", faultCode: nil, limit: 10, offset: 0)
            #expect(found.items.map(\.id) == [title.id, tag.id, body.id])
            #expect(found.total == 3)
            let second = try await knowledge.articles(text: "gizmo", faultCode: nil, limit: 1, offset: 1)
            #expect(second.items.map(\.id) == [tag.id] && second.total == 3)
            // With a fault code too: both must hold.
            _ = try await knowledge.updateArticle(id: body.id, ArticleFields(faultCodes: ["gizmo.broken"]), now: now)
            #expect(try await knowledge.articles(text: "gizmo", faultCode: "gizmo.broken", limit: 10, offset: 0).items.map(\.id) == [body.id])
        }
    }

    @Test(arguments: Engine.allCases)
    func queriesOfEitherEnginesSyntaxAreOnlyWords(_ engine: Engine) async throws {
        try await engine.withKnowledge { knowledge in
            let article = try await knowledge.createArticle(ArticleFields(title: "Monitor flicker", body: "Swap the cable."), author: "t", now: now)
            for hostile in ["\"monitor", "monitor' | !cable", "monitor:* & (", "NEAR(monitor flicker)", "monitor OR nothing", "flicker -cable", "'); DROP TABLE article; --"] {
                let found = try await knowledge.articles(text: hostile, faultCode: nil, limit: 10, offset: 0)
                #expect(found.items.allSatisfy { $0.id == article.id }, "\(hostile)")
            }
            #expect(try await knowledge.articles(text: "monitor' | !cable", faultCode: nil, limit: 10, offset: 0).items.map(\.id) == [article.id])
            #expect(try await knowledge.articles(text: "!!! ***", faultCode: nil, limit: 1, offset: 0).total > 1, "no words: every article")
            #expect(try await knowledge.article(id: article.id) != nil)
        }
    }

    @Test(arguments: Engine.allCases)
    func suggestionsPutTheFaultsArticlesFirstThenTitleWords(_ engine: Engine) async throws {
        try await engine.withKnowledge { knowledge in
            let own = try await knowledge.createArticle(ArticleFields(title: "Our disk cleanup", body: "Run the script.", faultCodes: ["disk.space.low"]),
                                                        author: "t", now: now)
            let suggested = try await knowledge.suggestedArticles(faultCode: "disk.space.low", title: "Backup drive full", limit: 5)
            #expect(suggested.first?.id == own.id, "the desk's own before the shipped one")
            #expect(suggested.dropFirst().first?.title == "Disk almost full")
            #expect(Set(suggested.map(\.id)).count == suggested.count && suggested.count <= 5)
            let words = try await knowledge.suggestedArticles(faultCode: nil, title: "Our cleanup plan", limit: 5)
            #expect(words.first?.id == own.id, "any word of the title")
            #expect(try await knowledge.suggestedArticles(faultCode: nil, title: "zzzz qqqq", limit: 5).isEmpty)
            #expect(try await knowledge.suggestedArticles(faultCode: "disk.space.low", title: "", limit: 1).map(\.id) == [own.id])
        }
    }

    @Test(arguments: Engine.allCases)
    func cannedAnswersHaveUniqueTitles(_ engine: Engine) async throws {
        try await engine.withKnowledge { knowledge in
            let restart = try await knowledge.createCannedAnswer(title: "Restart", body: "Please restart and tell us.")
            let ask = try await knowledge.createCannedAnswer(title: "Asset tag", body: "Which tag is on the machine?")
            await #expect(throws: HelpdeskError.conflict("a canned answer is already titled Restart")) {
                try await knowledge.createCannedAnswer(title: "Restart", body: "again")
            }
            #expect(try await knowledge.cannedAnswers() == [ask, restart])
            #expect(try await knowledge.cannedAnswer(id: restart.id) == restart)
            try await knowledge.deleteCannedAnswer(id: restart.id)
            #expect(try await knowledge.cannedAnswers() == [ask])
            await #expect(throws: HelpdeskError.notFound) { try await knowledge.deleteCannedAnswer(id: restart.id) }
            #expect(try await knowledge.cannedAnswer(id: restart.id) == nil)
        }
    }
}
