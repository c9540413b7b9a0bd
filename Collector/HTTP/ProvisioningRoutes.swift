import DesksideAPI
import DesksideDesk
import DesksideHelpdesk
import DesksideProvisioning
import DesksideStoreSQLite
import Hummingbird

/// Templates (`/templates`, admins write), onboardings and offboardings with their checklists
/// (`/onboardings`, `/offboardings`), runs (`/runs/{id}`, retry, cancel), and the script library
/// (`/scripts/{name}`, admins write).
struct ProvisioningRoutes {
    let route: DeskRoute

    struct Tick: Decodable, Sendable { var done: Bool }
    struct Offboarding: Decodable, Sendable { var account: String }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("templates") { _, context in
            try await route.run(context) { desk, principal in try desk.templates(principal) }
        }
        group.post("templates") { request, context in
            try await route.run(request, context, Template.self, status: .created) { desk, principal, template in
                try desk.saveTemplate(principal, template, .create)
            }
        }
        group.get("templates/{name}") { _, context in
            let name = try context.name()
            return try await route.run(context) { desk, principal in try desk.template(principal, name: name) }
        }
        group.put("templates/{name}") { request, context in
            let name = try context.name()
            return try await route.run(request, context, Template.self) { desk, principal, template in
                guard template.name == name else { throw HelpdeskError.unprocessable("the template's name is \(template.name), not \(name) as the path says") }
                return try desk.saveTemplate(principal, template, .replace)
            }
        }

        group.get("scripts") { _, context in
            try await route.runAsync(context) { desk, principal in try await desk.scripts(principal) }
        }
        group.get("scripts/{name}") { _, context in
            let name = try context.name()
            return try await route.runAsync(context) { desk, principal in try await desk.script(principal, name: name) }
        }
        group.put("scripts/{name}") { request, context in
            let name = try context.name()
            return try await route.runAsync(request, context, ScriptFields.self) { desk, principal, script in
                try await desk.saveScript(principal, name: name, description: script.description ?? "", body: script.body)
            }
        }
        group.delete("scripts/{name}") { _, context in
            let name = try context.name()
            return try await route.runAsync(context) { desk, principal in
                try await desk.deleteScript(principal, name: name)
                return Done()
            }
        }

        for kind in [CollectorStore.ProvisioningKind.onboarding, .offboarding] {
            let path = kind.rawValue + "s"
            group.get(RouterPath(path)) { request, context in
                let open = try QueryParameters(request).flag("open")
                return try await route.run(context) { desk, principal in try desk.provisionings(principal, kind: kind, openOnly: open) }
            }
            group.get(RouterPath(path + "/{id}")) { _, context in
                let id = try context.id()
                return try await route.run(context) { desk, principal in
                    let record = try desk.provisioning(principal, id: id)
                    guard record.kind == kind else { throw HelpdeskError.notFound }
                    return record
                }
            }
            group.post(RouterPath(path + "/{id}/checklist/{item}")) { request, context in
                let id = try context.id()
                let item = try context.id("item")
                return try await route.run(request, context, Tick.self) { desk, principal, tick in
                    guard try desk.provisioning(principal, id: id).kind == kind else { throw HelpdeskError.notFound }
                    return try desk.tickChecklist(principal, provisioningID: id, itemID: item, done: tick.done)
                }
            }
        }
        group.post("onboardings") { request, context in
            try await route.run(request, context, Desk.OnboardingRequest.self, status: .created) { desk, principal, body in
                try desk.startOnboarding(principal, body)
            }
        }
        group.post("offboardings") { request, context in
            try await route.run(request, context, Offboarding.self, status: .created) { desk, principal, body in
                try desk.startOffboarding(principal, username: body.account)
            }
        }

        group.get("runs/{id}") { _, context in
            let id = try context.id()
            return try await route.run(context) { desk, principal in try desk.run(principal, id: id) }
        }
        group.post("runs/{id}/retry") { request, context in
            let id = try context.id()
            return try await route.run(request, context, TicketRoutes.Empty.self) { desk, principal, _ in try desk.retryRun(principal, id: id) }
        }
        group.post("runs/{id}/cancel") { request, context in
            let id = try context.id()
            return try await route.run(request, context, TicketRoutes.Empty.self) { desk, principal, _ in try desk.cancelRun(principal, id: id) }
        }
    }
}

extension APIContext {
    /// The path's `{name}`: a template's name, or `notFound`.
    func name() throws -> String {
        guard let name = parameters.get("name"), !name.isEmpty, name.utf8.count <= 64 else { throw HelpdeskError.notFound }
        return name
    }
}
