import DesksideDesk
import DesksideHTTP
import DesksideProvisioning
import DesksideStoreSQLite
import Foundation
import Hummingbird

/// `GET /onboardings` and `GET /offboardings` (each with a bar per person and the form to start
/// one), `GET /onboardings/{id}` (either kind: each run's steps, retry or cancel a run, the
/// checklist), `POST /onboardings`, `POST /offboardings`, and ticking a checklist item.
struct OnboardingPages {
    let route: ConsoleRoute

    struct ListView {
        var chrome: Chrome
        var offboarding: Bool
        var rows: [OnboardingProgress]
        var templates: [String]
        /// From the asset page's "start an onboarding on this machine".
        var assetId: String
    }

    struct DetailView {
        struct Step {
            var number: Int
            var name: String
            var kind: String
            var state: String
            var attempts: Int
            var summary: String
        }

        struct Item {
            var id: Int64
            var onboarding: Int64
            var title: String
            var done: Bool
            var manual: Bool
            var by: String
        }

        struct Run {
            var id: Int64
            var state: String
            var hostname: String
            var steps: [Step]
            var failed: Bool
            var open: Bool
        }

        var chrome: Chrome
        var id: Int64
        var person: String
        var state: String
        var ticketId: Int64?
        var percent: Int
        var runs: [Run]
        var checklist: [Item]
        var started: Started?
        /// Whether the page reloads itself to follow the run (not the one with the secrets).
        var live: Bool
    }

    /// Shown once, right after the start: what to hand over.
    struct Started {
        var password: String?
        var token: String?
        var command: String?
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("offboardings") { _, context in
            let records = try await route.call(context) { desk, principal in try desk.provisionings(principal, kind: .offboarding, openOnly: false) }
            return route.page("onboardings", ListView(chrome: Chrome(context, title: "Offboarding", section: "onboardings"), offboarding: true,
                                                      rows: records.prefix(200).map(OnboardingProgress.init), templates: [], assetId: ""))
        }
        group.post("offboardings") { request, context in
            try await route.post(request, context) { desk, principal, form in
                "/onboardings/\(try desk.startOffboarding(principal, username: try form.required("account", "The username")).id)"
            }
        }
        group.post("runs/:id/retry") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, _ in
                "/onboardings/\(try desk.retryRun(principal, id: id).provisioningId ?? 0)"
            }
        }
        group.post("runs/:id/cancel") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, _ in
                "/onboardings/\(try desk.cancelRun(principal, id: id).provisioningId ?? 0)"
            }
        }
        group.get("onboardings") { request, context in
            let (records, templates) = try await route.call(context) { desk, principal in
                (try desk.provisionings(principal, kind: .onboarding, openOnly: false), try desk.templates(principal).map(\.template.name))
            }
            let board = records.prefix(200).map(OnboardingProgress.init)
            return route.page("onboardings", ListView(chrome: Chrome(context, title: "Onboarding", section: "onboardings"), offboarding: false,
                                                      rows: Array(board), templates: templates,
                                                     assetId: request.uri.queryParameters.get("assetId").flatMap { Int64($0) }.map(String.init) ?? ""))
        }
        group.post("onboardings") { request, context in
            let form = try await ConsoleForm.read(request, context)
            let started = try await route.call(context) { desk, principal in
                try desk.startOnboarding(principal, .init(account: try form.required("account", "The username"), name: form.text("name"), email: form.text("email"),
                                                          department: form.text("department"), template: try form.required("template", "The template"),
                                                          assetId: try form.id("assetId")))
            }
            return try await Self.detail(route, context, id: started.onboarding.id,
                                         started: Started(password: started.oneTimePassword, token: started.enrollmentToken, command: started.enrollCommand))
        }
        group.get("onboardings/:id") { _, context in
            try await Self.detail(route, context, id: try context.id(), started: nil)
        }
        group.post("onboardings/:id/checklist/:item") { request, context in
            let id = try context.id(), item = try context.id("item")
            return try await route.post(request, context) { desk, principal, form in
                _ = try desk.tickChecklist(principal, provisioningID: id, itemID: item, done: form.flag("done"))
                return "/onboardings/\(id)"
            }
        }
    }

    static func detail(_ route: ConsoleRoute, _ context: APIContext, id: Int64, started: Started?) async throws -> Response {
        let record = try await route.call(context) { desk, principal in try desk.provisioning(principal, id: id) }
        let kind = record.kind == .onboarding ? "Onboarding" : "Offboarding"
        let view = DetailView(
            chrome: Chrome(context, title: "\(kind) of \(record.name.isEmpty ? record.username : record.name)", section: "onboardings"),
            id: record.id, person: "\(record.name) (\(record.username))", state: record.state.rawValue, ticketId: record.ticketId,
            percent: OnboardingProgress.percent(record),
            runs: record.runs.map { run in
                DetailView.Run(id: run.id, state: run.state.rawValue, hostname: run.hostname ?? "the machine, once it enrolls",
                               steps: run.steps.enumerated().map { DetailView.Step(number: $0.offset + 1, name: $0.element.name, kind: $0.element.kind.rawValue,
                                                                                   state: $0.element.state.rawValue, attempts: $0.element.attempts,
                                                                                   summary: $0.element.summary ?? "") },
                               failed: run.state == .failed, open: !run.progress.isFinished)
            },
            checklist: record.checklist.map { DetailView.Item(id: $0.id, onboarding: record.id, title: $0.title, done: $0.done, manual: $0.runStepId == nil, by: $0.doneBy ?? "") },
            started: started, live: started == nil && (record.state == .waiting || record.state == .running))
        return route.page("onboarding", view)
    }
}
