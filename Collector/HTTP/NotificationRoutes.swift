#if canImport(FoundationEssentials)
import DesksideAPI
import FoundationEssentials
#else
import Foundation
#endif
import DesksideDesk
import DesksideHelpdesk
import DesksideJSON
import DesksideNotifications
import DesksideStoreSQLite
import HTTPTypes
import Hummingbird
import NIOCore

/// The outbox and its worker for staff (`GET /status`, `GET /notifications`, `POST /notifications/{id}/resend`),
/// webhooks for admins (`GET`, `POST /webhooks`, `DELETE /webhooks/{id}`), each person's mail
/// preferences (`GET`, `PUT /me/mail-preferences`), a ticket's attachments, and the HR system's
/// `POST /hooks/onboarding` (an API token and a signature with the hook's secret).
struct NotificationRoutes {
    let route: DeskRoute
    /// The secret the onboarding hook's signature is checked with; nil: the hook is off (404).
    let onboardingHookSecret: String?

    struct Status: Encodable, Sendable {
        var outbox: Desk.OutboxHealth
        /// How far back asset history goes.
        var history: CollectorStore.HistoryExtent
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route, secret = onboardingHookSecret
        group.get("status") { _, context in
            try await route.run(context) { desk, principal in
                try desk.requireReader(principal)
                return Status(outbox: try desk.outboxHealth(), history: try desk.store.historyExtent())
            }
        }
        group.get("notifications") { request, context in
            let parameters = try QueryParameters(request)
            let state = try parameters.value("state", CollectorStore.NotificationState.self)
            let limit = try parameters.limit, offset = try parameters.offset
            return try await route.list(parameters, context) { desk, principal in
                let (items, total) = try desk.notifications(principal, state: state, limit: limit, offset: offset)
                return Page(items: items, total: total, limit: limit, offset: offset)
            }
        }
        group.post("notifications/{id}/resend") { request, context in
            let id = try context.id()
            return try await route.run(request, context, TicketRoutes.Empty.self) { desk, principal, _ in try desk.resendNotification(principal, id: id) }
        }
        group.get("webhooks") { _, context in
            try await route.runAsync(context) { desk, principal in try await desk.webhooks(principal) }
        }
        group.post("webhooks") { request, context in
            try await route.runAsync(request, context, NewWebhook.self, status: .created) { desk, principal, body in
                try await desk.createWebhook(principal, url: body.url, events: body.events)
            }
        }
        group.delete("webhooks/{id}") { _, context in
            let id = try context.id()
            return try await route.runAsync(context) { desk, principal in
                try await desk.deleteWebhook(principal, id: id)
                return Done()
            }
        }
        group.get("me/mail-preferences") { _, context in
            try await route.runAsync(context) { desk, principal in MailPreferences(preferences: try await desk.mailPreferences(principal)) }
        }
        group.put("me/mail-preferences") { request, context in
            try await route.runAsync(request, context, MailPreferences.self) { desk, principal, body in
                MailPreferences(preferences: try await desk.setMailPreferences(principal, body.preferences))
            }
        }
        group.get("tickets/{id}/attachments/{attachment}") { _, context in
            let id = try context.id(), attachment = try context.id("attachment")
            guard let principal = context.principal else { throw APIError.unauthenticated }
            let desk = route.desk
            let (record, bytes) = try await route.threadPool.runIfActive { try desk.attachment(principal, ticketID: id, id: attachment) }
            return Attachments.download(record, bytes)
        }
        group.post("hooks/onboarding") { request, context in
            guard context.principal != nil, let signature = request.headers[HTTPField.Name(WebhookSignature.header)!] else {
                throw APIError(status: .unauthorized, code: "UNAUTHENTICATED", message: "an API token and the body's signature (\(WebhookSignature.header)) are required")
            }
            guard let secret else { throw APIError.notFound }
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: DeskRoute.bodyLimit)
            } catch {
                throw APIError(status: .contentTooLarge, code: "TOO_LARGE", message: "the body is larger than \(DeskRoute.bodyLimit) bytes")
            }
            let body = Array(buffer.readableBytesView)
            guard WebhookSignature.verify(signature, secret: secret, body: body, now: Date()) else {
                throw APIError(status: .unauthorized, code: "UNAUTHENTICATED", message: "the body's signature (\(WebhookSignature.header)) is missing, wrong or older than 5 minutes")
            }
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
                throw APIError(status: .unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE", message: "send JSON with Content-Type: application/json")
            }
            let onboarding: Desk.OnboardingRequest
            do {
                onboarding = try JSONCoder.decode(Desk.OnboardingRequest.self, from: body)
            } catch {
                throw APIError.badRequest("the body is not the JSON expected: \(error)")
            }
            return try await route.run(context, status: .created) { desk, principal in try desk.startOnboarding(principal, onboarding) }
        }
    }
}
