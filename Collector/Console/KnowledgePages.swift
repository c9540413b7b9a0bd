import DesksideDesk
import DesksideHTTP
import DesksideAPI
import Foundation
import Hummingbird

/// The knowledge base: `GET /knowledge` (search), `GET /knowledge/{id}` (the article, its Markdown
/// rendered by `Markdown` and the templates, so nothing in it runs), the forms to write, edit and
/// delete, and the canned answers (`GET|POST /canned`).
struct KnowledgePages {
    let route: ConsoleRoute

    struct ListView {
        struct Row {
            var id: Int64
            var title: String
            var tags: String
            var helped: Int
        }

        var chrome: Chrome
        var text: String
        var rows: [Row]
        var total: Int
    }

    struct ArticleView {
        var chrome: Chrome
        var id: Int64
        var markdown: Markdown
        var fields: [AssetView.Field]
    }

    struct EditView {
        var chrome: Chrome
        var action: String
        var title: String
        var body: String
        var tags: String
        var categories: String
        var faultCodes: String
        var existing: Bool
        var id: Int64
    }

    struct CannedView {
        struct Answer {
            var id: Int64
            var title: String
            var body: String
        }

        var chrome: Chrome
        var answers: [Answer]
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("knowledge") { request, context in
            let text = request.uri.queryParameters.get("q").map { String($0.prefix(200)) } ?? ""
            let page = try await route.callAsync(context) { desk, principal in
                try await desk.articles(principal, text: text.isEmpty ? nil : text, faultCode: nil, limit: 100, offset: 0)
            }
            return route.page("knowledge", ListView(chrome: Chrome(context, title: "Knowledge base", section: "knowledge"), text: text,
                                                    rows: page.items.map { .init(id: $0.id, title: $0.title, tags: $0.tags.joined(separator: ", "),
                                                                                 helped: $0.helpedCount) },
                                                    total: page.total))
        }
        group.get("knowledge/new") { _, context in
            route.page("article-edit", EditView(chrome: Chrome(context, title: "New article", section: "knowledge"), action: "/knowledge", title: "", body: "",
                                                tags: "", categories: "", faultCodes: "", existing: false, id: 0))
        }
        group.post("knowledge") { request, context in
            try await route.postAsync(request, context) { desk, principal, form in
                "/knowledge/\(try await desk.createArticle(principal, try Self.fields(form)).id)"
            }
        }
        group.get("knowledge/:id") { _, context in
            let id = try context.id()
            let article = try await route.callAsync(context) { desk, principal in try await desk.article(principal, id: id) }
            return route.page("article", ArticleView(
                chrome: Chrome(context, title: article.title, section: "knowledge"), id: article.id, markdown: Markdown(article.body),
                fields: [("Tags", article.tags), ("Categories", article.categories), ("Fault codes", article.faultCodes)]
                    .filter { !$0.1.isEmpty }.map { AssetView.Field(label: $0.0, value: $0.1.joined(separator: ", ")) }
                    + [AssetView.Field(label: "Solved tickets", value: "\(article.helpedCount)"), AssetView.Field(label: "Written by", value: article.author)]))
        }
        group.get("knowledge/:id/edit") { _, context in
            let id = try context.id()
            let article = try await route.callAsync(context) { desk, principal in try await desk.article(principal, id: id) }
            return route.page("article-edit", EditView(chrome: Chrome(context, title: "Edit: \(article.title)", section: "knowledge"),
                                                       action: "/knowledge/\(id)", title: article.title, body: article.body,
                                                       tags: article.tags.joined(separator: ", "), categories: article.categories.joined(separator: ", "),
                                                       faultCodes: article.faultCodes.joined(separator: ", "), existing: true, id: id))
        }
        group.post("knowledge/:id") { request, context in
            let id = try context.id()
            return try await route.postAsync(request, context) { desk, principal, form in
                _ = try await desk.updateArticle(principal, id: id, try Self.fields(form))
                return "/knowledge/\(id)"
            }
        }
        group.post("knowledge/:id/delete") { request, context in
            let id = try context.id()
            return try await route.postAsync(request, context) { desk, principal, _ in
                try await desk.deleteArticle(principal, id: id)
                return "/knowledge"
            }
        }
        group.get("canned") { _, context in
            let answers = try await route.callAsync(context) { desk, principal in try await desk.cannedAnswers(principal) }
            return route.page("canned", CannedView(chrome: Chrome(context, title: "Canned answers", section: "knowledge"),
                                                   answers: answers.map { .init(id: $0.id, title: $0.title, body: $0.body) }))
        }
        group.post("canned") { request, context in
            try await route.postAsync(request, context) { desk, principal, form in
                _ = try await desk.createCannedAnswer(principal, title: try form.required("title", "The title"), body: try form.required("body", "The text"))
                return "/canned"
            }
        }
        group.post("canned/:id/delete") { request, context in
            let id = try context.id()
            return try await route.postAsync(request, context) { desk, principal, _ in
                try await desk.deleteCannedAnswer(principal, id: id)
                return "/canned"
            }
        }
    }

    static func fields(_ form: ConsoleForm) throws -> ArticleFields {
        func list(_ name: String) -> [String] {
            (form.text(name) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return .init(title: try form.required("title", "The title"), body: try form.required("body", "The text"), tags: list("tags"),
                     categories: list("categories"), faultCodes: list("faultCodes"))
    }
}
