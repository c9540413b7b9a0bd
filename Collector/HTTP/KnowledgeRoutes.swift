import DesksideAPI
import DesksideDesk
import DesksideHelpdesk
import Hummingbird

/// `GET|POST /articles` (full-text `q`, `faultCode`), `GET|PATCH|DELETE /articles/{id}`,
/// `GET|POST /canned-answers`, `DELETE /canned-answers/{id}`, `GET /fault-rules`, `PUT /fault-rules/{code}`.
struct KnowledgeRoutes {
    let route: DeskRoute

    struct Rule: Decodable, Sendable {
        var opensTicket: Bool
        var category: String
        var impact: Level
        var urgency: Level
        var tier: Int
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("articles") { request, context in
            let parameters = try QueryParameters(request)
            let (text, code, limit, offset) = (parameters.string("q"), parameters.string("faultCode"), try parameters.limit, try parameters.offset)
            return try await route.listAsync(parameters, context) { desk, principal in
                let (items, total) = try await desk.articles(principal, text: text, faultCode: code, limit: limit, offset: offset)
                return Page(items: items, total: total, limit: limit, offset: offset)
            }
        }
        group.post("articles") { request, context in
            try await route.runAsync(request, context, ArticleFields.self, status: .created) { desk, principal, fields in
                try await desk.createArticle(principal, fields)
            }
        }
        group.get("articles/{id}") { _, context in
            let id = try context.id()
            return try await route.runAsync(context) { desk, principal in try await desk.article(principal, id: id) }
        }
        group.patch("articles/{id}") { request, context in
            let id = try context.id()
            return try await route.runAsync(request, context, ArticleFields.self) { desk, principal, fields in
                try await desk.updateArticle(principal, id: id, fields)
            }
        }
        group.delete("articles/{id}") { _, context in
            let id = try context.id()
            return try await route.runAsync(context) { desk, principal in try await desk.deleteArticle(principal, id: id); return Done() }
        }
        group.get("canned-answers") { _, context in
            try await route.runAsync(context) { desk, principal in try await desk.cannedAnswers(principal) }
        }
        group.post("canned-answers") { request, context in
            try await route.runAsync(request, context, NewCannedAnswer.self, status: .created) { desk, principal, body in
                try await desk.createCannedAnswer(principal, title: body.title, body: body.body)
            }
        }
        group.delete("canned-answers/{id}") { _, context in
            let id = try context.id()
            return try await route.runAsync(context) { desk, principal in try await desk.deleteCannedAnswer(principal, id: id); return Done() }
        }
        group.get("fault-rules") { _, context in
            try await route.runAsync(context) { desk, principal in try await desk.faultRules(principal) }
        }
        group.put("fault-rules/{code}") { request, context in
            guard let code = context.parameters.get("code"), code.count <= 64, !code.isEmpty else { throw HelpdeskError.notFound }
            return try await route.runAsync(request, context, Rule.self) { desk, principal, body in
                let rule = FaultRule(code: code, opensTicket: body.opensTicket, category: body.category, impact: body.impact,
                                     urgency: body.urgency, tier: body.tier)
                try await desk.setFaultRule(principal, rule)
                return rule
            }
        }
    }
}
