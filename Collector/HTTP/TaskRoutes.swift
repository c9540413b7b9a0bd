import DesksideAPI
import DesksideDesk
import DesksideHelpdesk
import DesksideStoreSQLite
import Hummingbird

/// `POST /tasks` (one kind on one or more assets), `GET /tasks` (paged; by asset, state, open),
/// `GET /tasks/{id}` (with the output tails), `POST /tasks/{id}/cancel`.
struct TaskRoutes {
    let route: DeskRoute

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.post("tasks") { request, context in
            try await route.run(request, context, Desk.TaskRequest.self, status: .created) { desk, principal, body in
                try desk.runTask(principal, body)
            }
        }
        group.get("tasks") { request, context in
            let parameters = try QueryParameters(request)
            var query = CollectorStore.TaskQuery()
            query.assetID = try parameters.id("assetId")
            query.state = try parameters.value("state", CollectorStore.TaskState.self)
            if try parameters.given("open") != nil { query.open = try parameters.flag("open") }
            query.limit = try parameters.limit
            query.offset = try parameters.offset
            return try await route.list(parameters, context) { [query] desk, principal in
                let (items, total) = try desk.tasks(principal, query)
                return Page(items: items, total: total, limit: query.limit, offset: query.offset)
            }
        }
        group.get("tasks/{id}") { _, context in
            let id = try context.id()
            return try await route.run(context) { desk, principal in try desk.task(principal, id: id) }
        }
        group.post("tasks/{id}/cancel") { request, context in
            let id = try context.id()
            return try await route.run(request, context, TicketRoutes.Empty.self) { desk, principal, _ in try desk.cancelTask(principal, id: id) }
        }
    }
}
