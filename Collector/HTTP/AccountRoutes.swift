#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideAPI
import DesksideDesk
import DesksideHelpdesk
import DesksideStore
import Hummingbird

/// Signing in and out, and the accounts:
/// `POST /login` (no token needed), `POST /logout`, `GET /me`,
/// `GET|POST /accounts`, `GET|PATCH /accounts/{id}`, `PUT /accounts/{id}/password`,
/// `GET|POST /api-tokens`, `DELETE /api-tokens/{id}` (admins).
struct AccountRoutes {
    let route: DeskRoute

    struct Login: Decodable, Sendable {
        var username: String
        var password: String
    }

    /// Routes that need no token: signing in, through `signIn` (rate limits and the password pool).
    func addPublic(to group: RouterGroup<APIContext>, signIn: SignInGate) {
        let route = self.route
        let gate = signIn
        group.post("login") { request, context -> Response in
            let login = try await DeskRoute.decode(Login.self, from: request)
            let desk = route.desk
            let session = try await gate.run(from: context.peerAddress) { checkRunner in
                try await desk.login(username: login.username, password: login.password, checkRunner: checkRunner)
            }
            return JSONResponse.make(session)
        }
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.post("logout") { _, context -> Response in
            let secret = context.secret ?? ""
            return try await route.runAsync(context) { desk, _ in try await desk.logout(secret: secret); return Done() }
        }
        group.get("me") { _, context in
            try await route.runAsync(context) { desk, principal in
                Me(actor: principal.actor, role: principal.role, tier: principal.tier, account: try await desk.me(principal))
            }
        }
        group.get("accounts") { request, context in
            let parameters = try QueryParameters(request)
            var query = AccountQuery()
            query.text = parameters.string("q")
            query.role = try parameters.value("role", Role.self)
            query.status = try parameters.value("status", AccountStatus.self)
            query.limit = try parameters.limit
            query.offset = try parameters.offset
            return try await route.listAsync(parameters, context) { [query] desk, principal in
                let (items, total) = try await desk.accounts(principal, query)
                return Page(items: items, total: total, limit: query.limit, offset: query.offset)
            }
        }
        group.post("accounts") { request, context in
            try await route.runAsync(request, context, NewAccount.self, status: .created) { desk, principal, body in
                try await desk.createAccount(principal, body.fields, password: body.password)
            }
        }
        group.get("accounts/{id}") { _, context in
            let id = try context.id()
            return try await route.runAsync(context) { desk, principal in try await desk.account(principal, id: id) }
        }
        group.patch("accounts/{id}") { request, context in
            let id = try context.id()
            return try await route.runAsync(request, context, AccountFields.self) { desk, principal, fields in
                try await desk.updateAccount(principal, id: id, fields)
            }
        }
        group.get("api-tokens") { _, context in
            try await route.runAsync(context) { desk, principal in try await desk.apiTokens(principal) }
        }
        group.post("api-tokens") { request, context in
            try await route.runAsync(request, context, NewAPIToken.self, status: .created) { desk, principal, body in
                try await desk.createAPIToken(principal, name: body.name, role: body.role)
            }
        }
        group.delete("api-tokens/{id}") { _, context in
            let id = try context.id()
            return try await route.runAsync(context) { desk, principal in try await desk.revokeAPIToken(principal, id: id); return Done() }
        }
        group.put("accounts/{id}/password") { request, context in
            let id = try context.id()
            return try await route.runAsync(request, context, NewPassword.self) { desk, principal, body in
                try await desk.setPassword(principal, accountID: id, password: body.password, currentPassword: body.currentPassword)
                return Done()
            }
        }
    }
}
