import DesksideAPI
import DesksideDesk
import DesksideStore
import DesksideHTTP
import DesksideHelpdesk
import DesksideStoreSQLite
import Foundation
import Hummingbird

/// Accounts (`/accounts`: create, role and tier, departure), API tokens (`/tokens`, admins) and
/// fault rules (`/fault-rules`). Who may change what is `Desk`'s: an auditor sees the lists, a
/// technician too, and only an admin's forms change anything.
struct AdminPages {
    let route: ConsoleRoute

    struct AccountsView {
        struct Row {
            var id: Int64
            var username: String
            var name: String
            var role: String
            var tier: String
            var status: String
            var locked: Bool
            var roles: [AssetPages.Choice]
            var departed: Bool
        }

        var chrome: Chrome
        var text: String
        var rows: [Row]
        var total: Int
        var roles: [String]
    }

    struct TokensView {
        struct Row {
            var id: Int64
            var name: String
            var role: String
            var created: String
            var revoked: String?
        }

        var chrome: Chrome
        var rows: [Row]
        var roles: [String]
        /// Shown once, after it was made.
        var secret: String?
    }

    struct RulesView {
        struct Row {
            var code: String
            var opensTicket: Bool
            var category: String
            var tier: Int
            var impacts: [AssetPages.Choice]
            var urgencies: [AssetPages.Choice]
        }

        var chrome: Chrome
        var rows: [Row]
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("accounts") { request, context in
            let query = AccountQuery(text: request.uri.queryParameters.get("q").map { String($0.prefix(200)) }, limit: 200)
            let page = try await route.callAsync(context) { desk, principal in try await desk.accounts(principal, query) }
            return route.page("accounts", AccountsView(
                chrome: Chrome(context, title: "Accounts", section: "accounts"), text: query.text ?? "",
                rows: page.items.map { account in
                    .init(id: account.id, username: account.username, name: account.name, role: account.role.rawValue, tier: account.tier.map(String.init) ?? "",
                          status: account.status.rawValue, locked: account.locked,
                          roles: Role.allCases.map { AssetPages.Choice(value: $0.rawValue, label: $0.rawValue, selected: $0 == account.role) },
                          departed: account.status == .departed)
                },
                total: page.total, roles: Role.allCases.map(\.rawValue)))
        }
        group.post("accounts") { request, context in
            try await route.postAsync(request, context) { desk, principal, form in
                guard let role = Role(rawValue: form.text("role") ?? "") else { throw ConsoleError.badForm("choose a role") }
                let password = form.text("password").flatMap { $0.isEmpty ? nil : $0 }
                _ = try await desk.createAccount(principal, .init(username: try form.required("username", "The username"), name: form.text("name") ?? "",
                                                            email: form.text("email"), department: form.text("department"), role: role,
                                                            tier: Int(form.text("tier") ?? "")), password: password)
                return "/accounts"
            }
        }
        group.post("accounts/:id") { request, context in
            let id = try context.id()
            return try await route.postAsync(request, context) { desk, principal, form in
                var fields = AccountFields()
                fields.role = form.text("role").flatMap(Role.init(rawValue:))
                fields.tier = Int(form.text("tier") ?? "")
                if form.flag("depart") { fields.status = .departed }
                _ = try await desk.updateAccount(principal, id: id, fields)
                return "/accounts"
            }
        }
        group.get("tokens") { _, context in
            try await Self.tokens(route, context, secret: nil)
        }
        group.post("tokens") { request, context in
            let form = try await ConsoleForm.read(request, context)
            let made = try await route.callAsync(context) { desk, principal in
                guard let role = Role(rawValue: form.text("role") ?? "") else { throw ConsoleError.badForm("choose a role") }
                return try await desk.createAPIToken(principal, name: try form.required("name", "The name"), role: role)
            }
            return try await Self.tokens(route, context, secret: made.token)
        }
        group.post("tokens/:id/revoke") { request, context in
            let id = try context.id()
            return try await route.postAsync(request, context) { desk, principal, _ in
                try await desk.revokeAPIToken(principal, id: id)
                return "/tokens"
            }
        }
        group.get("fault-rules") { _, context in
            let rules = try await route.callAsync(context) { desk, principal in try await desk.faultRules(principal) }
            return route.page("fault-rules", RulesView(chrome: Chrome(context, title: "Fault rules", section: "accounts"), rows: rules.map { rule in
                .init(code: rule.code, opensTicket: rule.opensTicket, category: rule.category, tier: rule.tier,
                      impacts: Level.allCases.map { AssetPages.Choice(value: $0.rawValue, label: $0.rawValue, selected: $0 == rule.impact) },
                      urgencies: Level.allCases.map { AssetPages.Choice(value: $0.rawValue, label: $0.rawValue, selected: $0 == rule.urgency) })
            }))
        }
        group.post("fault-rules") { request, context in
            try await route.postAsync(request, context) { desk, principal, form in
                guard let impact = Level(rawValue: form.text("impact") ?? ""), let urgency = Level(rawValue: form.text("urgency") ?? "") else {
                    throw ConsoleError.badForm("choose an impact and an urgency")
                }
                _ = try await desk.setFaultRule(principal, FaultRule(code: try form.required("code", "The fault code"), opensTicket: form.flag("opensTicket"),
                                                                     category: try form.required("category", "The category"), impact: impact,
                                                                     urgency: urgency, tier: try form.int("tier", "The tier")))
                return "/fault-rules"
            }
        }
    }

    static func tokens(_ route: ConsoleRoute, _ context: APIContext, secret: String?) async throws -> Response {
        let tokens = try await route.callAsync(context) { desk, principal in try await desk.apiTokens(principal) }
        return route.page("tokens", TokensView(chrome: Chrome(context, title: "API tokens", section: "accounts"),
                                               rows: tokens.map { .init(id: $0.id, name: $0.name, role: $0.role.rawValue, created: $0.createdAt, revoked: $0.revokedAt) },
                                               roles: Role.allCases.map(\.rawValue), secret: secret))
    }
}
