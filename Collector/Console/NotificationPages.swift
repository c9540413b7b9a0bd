import DesksideDesk
import DesksideHTTP
import DesksideHelpdesk
import DesksideNotifications
import DesksideStoreSQLite
import Hummingbird

/// The outbox for staff (the worker's health, the notifications, dead letters sent again), webhooks
/// for admins, everyone's mail preferences, and `/go/tickets/N`, where mails link to: a ticket's page
/// for staff, its portal page for its requester.
struct NotificationPages {
    let route: ConsoleRoute

    struct ListView {
        struct Row {
            var id: Int64
            var created: String
            var type: String
            var recipient: String
            var ticket: Int64?
            var state: String
            var attempts: Int
            var error: String
            var failed: Bool
        }

        var chrome: Chrome
        var lastRun: String
        var stale: Bool
        var pending: Int
        var oldest: String?
        var failed: Int
        var mail: String
        var states: [AssetPages.Choice]
        var rows: [Row]
        var range: String
        var previous: String?
        var next: String?
    }

    struct WebhooksView {
        struct Row {
            var id: Int64
            var url: String
            var events: String
            var created: String
        }

        var chrome: Chrome
        var rows: [Row]
        var secret: String?
    }

    struct PreferencesView {
        struct Row {
            var type: String
            var label: String
            var mailed: Bool
        }

        var chrome: Chrome
        var rows: [Row]
    }

    static let labels: [EventType: String] = [
        .ticketOpened: "a ticket is opened (mine, or in my queue)", .ticketCommented: "someone comments publicly on a ticket",
        .ticketWaiting: "a ticket waits for my answer", .ticketAssigned: "a ticket is assigned to me", .ticketEscalated: "a ticket is escalated to my tier",
        .ticketResolved: "my ticket is resolved", .ticketReopened: "a ticket is reopened", .ticketSLAAtRisk: "a ticket is close to its target",
        .ticketSLABreached: "a ticket missed its target", .faultStorm: "many machines report the same fault",
        .onboardingStepFinished: "an onboarding step is done", .onboardingStepFailed: "an onboarding step failed", .onboardingFinished: "an onboarding ended", .assetHandover: "assets were handed to me",
    ]

    /// Pages every signed-in person has (the portal's requesters too).
    func addPersonal(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("preferences") { request, context in
            let preferences = try await route.callAsync(context) { desk, principal in try await desk.mailPreferences(principal) }
            return route.page("preferences", PreferencesView(
                chrome: Chrome(context, title: "Mail preferences", section: nil, flash: request.uri.queryParameters.get("done") == nil ? nil : "Your choices are saved."),
                rows: preferences.map { .init(type: $0.type, label: EventType(rawValue: $0.type).flatMap { Self.labels[$0] } ?? $0.type, mailed: $0.mailed) }))
        }
        group.post("preferences") { request, context in
            try await route.postAsync(request, context) { desk, principal, form in
                let kinds = try await desk.mailPreferences(principal)
                _ = try await desk.setMailPreferences(principal, kinds.map { .init(type: $0.type, mailed: form.flag("mail-" + $0.type)) })
                return "/preferences?done=saved"
            }
        }
        group.get("go/tickets/:id") { _, context in
            let id = try context.id()
            let staff = try await route.callAsync(context) { desk, principal in
                _ = try await desk.ticket(principal, id: id)
                return principal.role.readsEverything
            }
            return ConsoleRenderer.redirect(staff ? "/tickets/\(id)" : "/portal/tickets/\(id)")
        }
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("notifications") { request, context in
            let parameters = request.uri.queryParameters
            let state = parameters.get("state").flatMap { CollectorStore.NotificationState(rawValue: String($0)) }
            let offset = min(max(Int(parameters.get("offset") ?? "0") ?? 0, 0), 10_000_000)
            let (health, page) = try await route.call(context) { desk, principal in
                (try desk.outboxHealth(), try desk.notifications(principal, state: state, limit: 50, offset: offset))
            }
            func link(_ offset: Int) -> String { "/notifications?" + Address.query(["state": state?.rawValue ?? "", "offset": "\(offset)"].filter { !$0.value.isEmpty }) }
            let first = page.items.isEmpty ? 0 : offset + 1
            return route.page("notifications", ListView(
                chrome: Chrome(context, title: "Notifications", section: "notifications",
                               flash: parameters.get("done") == nil ? nil : "The notification goes again within a minute."),
                lastRun: health.workerLastRunAt ?? "never", stale: health.workerStale, pending: health.pending, oldest: health.oldestPendingAt,
                failed: health.failed, mail: health.mail ? "sent through the configured relay" : "not configured (notifications.mail)",
                states: [("failed", "Failed for good"), ("pending", "Waiting"), ("sent", "Sent")].map {
                    AssetPages.Choice(value: $0.0, label: $0.1, selected: state?.rawValue == $0.0)
                },
                rows: page.items.map { .init(id: $0.id, created: $0.createdAt, type: $0.type, recipient: $0.recipient, ticket: $0.ticketId, state: $0.state.rawValue,
                                             attempts: $0.attempts, error: $0.lastError ?? "", failed: $0.state == .failed) },
                range: "\(first)–\(offset + page.items.count) of \(page.total)",
                previous: offset > 0 ? link(max(0, offset - 50)) : nil, next: offset + page.items.count < page.total ? link(offset + page.items.count) : nil))
        }
        group.post("notifications/:id/resend") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, _ in
                _ = try desk.resendNotification(principal, id: id)
                return "/notifications?state=pending&done=resent"
            }
        }
        group.get("webhooks") { _, context in
            try await Self.webhooks(route, context, secret: nil)
        }
        group.post("webhooks") { request, context in
            let form = try await ConsoleForm.read(request, context)
            let made = try await route.callAsync(context) { desk, principal in
                let events = (form.text("events") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                return try await desk.createWebhook(principal, url: try form.required("url", "The URL"), events: events)
            }
            return try await Self.webhooks(route, context, secret: made.secret)
        }
        group.post("webhooks/:id/delete") { request, context in
            let id = try context.id()
            return try await route.postAsync(request, context) { desk, principal, _ in
                try await desk.deleteWebhook(principal, id: id)
                return "/webhooks"
            }
        }
    }

    static func webhooks(_ route: ConsoleRoute, _ context: APIContext, secret: String?) async throws -> Response {
        let hooks = try await route.callAsync(context) { desk, principal in try await desk.webhooks(principal) }
        return route.page("webhooks", WebhooksView(chrome: Chrome(context, title: "Webhooks", section: "notifications"),
                                                   rows: hooks.map { .init(id: $0.id, url: $0.url, events: $0.events.joined(separator: ", "), created: $0.createdAt) },
                                                   secret: secret))
    }
}
