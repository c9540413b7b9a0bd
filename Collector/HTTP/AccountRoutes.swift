#if canImport(FoundationEssentials)
import DesksideAPI
import FoundationEssentials
#else
import Foundation
#endif
import DesksideDesk
import DesksideHelpdesk
import DesksideStoreSQLite
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

    struct NewAccount: Decodable, Sendable {
        var username: String
        var name: String
        var email: String?
        var department: String?
        var managerId: Int64?
        var location: String?
        var status: String?
        var role: Role
        var tier: Int?
        var password: String?

        var fields: CollectorStore.AccountFields {
            .init(username: username, name: name, email: email, department: department, managerId: managerId, location: location,
                  status: status, role: role, tier: tier)
        }
    }

    struct Password: Decodable, Sendable {
        var password: String
        /// Required when changing your own password (admins setting someone's need not).
        var currentPassword: String?
    }

    struct NewToken: Decodable, Sendable {
        var name: String
        var role: Role
    }

    /// Routes that need no token: signing in, through `signIn` (rate limits and the password pool).
    func addPublic(to group: RouterGroup<APIContext>, signIn: SignInGate) {
        let route = self.route
        let gate = signIn
        group.post("login") { request, context -> Response in
            let login = try await DeskRoute.decode(Login.self, from: request)
            let desk = route.desk
            let session = try await gate.run(from: context.peerAddress) { try desk.login(username: login.username, password: login.password) }
            return JSONResponse.make(session)
        }
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.post("logout") { _, context -> Response in
            let secret = context.secret ?? ""
            return try await route.run(context) { desk, _ in try desk.logout(secret: secret); return Done() }
        }
        group.get("me") { _, context in
            try await route.run(context) { desk, principal in
                Me(actor: principal.actor, role: principal.role, tier: principal.tier, account: try desk.me(principal))
            }
        }
        group.get("accounts") { request, context in
            let parameters = try QueryParameters(request)
            var query = CollectorStore.AccountQuery()
            query.text = parameters.string("q")
            query.role = try parameters.value("role", Role.self)
            query.status = try parameters.value("status", AccountStatus.self)?.rawValue
            query.limit = try parameters.limit
            query.offset = try parameters.offset
            return try await route.list(parameters, context) { [query] desk, principal in
                let (items, total) = try desk.accounts(principal, query)
                return Page(items: items, total: total, limit: query.limit, offset: query.offset)
            }
        }
        group.post("accounts") { request, context in
            try await route.run(request, context, NewAccount.self, status: .created) { desk, principal, body in
                try desk.createAccount(principal, body.fields, password: body.password)
            }
        }
        group.get("accounts/{id}") { _, context in
            let id = try context.id()
            return try await route.run(context) { desk, principal in try desk.account(principal, id: id) }
        }
        group.patch("accounts/{id}") { request, context in
            let id = try context.id()
            return try await route.run(request, context, CollectorStore.AccountFields.self) { desk, principal, fields in
                try desk.updateAccount(principal, id: id, fields)
            }
        }
        group.get("api-tokens") { _, context in
            try await route.run(context) { desk, principal in try desk.apiTokens(principal) }
        }
        group.post("api-tokens") { request, context in
            try await route.run(request, context, NewToken.self, status: .created) { desk, principal, body in
                try desk.createAPIToken(principal, name: body.name, role: body.role)
            }
        }
        group.delete("api-tokens/{id}") { _, context in
            let id = try context.id()
            return try await route.run(context) { desk, principal in try desk.revokeAPIToken(principal, id: id); return Done() }
        }
        group.put("accounts/{id}/password") { request, context in
            let id = try context.id()
            return try await route.run(request, context, Password.self) { desk, principal, body in
                try desk.setPassword(principal, accountID: id, password: body.password, currentPassword: body.currentPassword)
                return Done()
            }
        }
    }

    struct Me: Encodable, Sendable {
        var actor: String
        var role: Role
        var tier: Int?
        var account: CollectorStore.Account?
    }
}
