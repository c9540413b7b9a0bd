import DesksideAPI
import DesksideHelpdesk
import DesksideJSON
import DesksideStore
import Foundation
import Testing

/// `SubscriptionRepository` on both engines: webhooks kept as subscribed (never their secret) and
/// removed, mail opt-outs replaced as a whole, for accounts that exist.
@Suite struct SubscriptionConformanceTests {
    let now = Date(timeIntervalSince1970: 1_796_000_000)

    @Test(arguments: Engine.allCases)
    func webhooksAreKeptAsSubscribedAndRemoved(_ engine: Engine) async throws {
        try await engine.withRepositories { repositories in
            let subscriptions = repositories.subscriptions
            #expect(try await subscriptions.webhooks() == [])
            let first = try await subscriptions.createWebhook(url: "https://hooks.example.com/desk", events: ["ticket.*", "fault.storm"],
                                                              secret: "whsec_0123456789abcdef", actor: "ann", now: now)
            #expect(first == Webhook(id: first.id, url: "https://hooks.example.com/desk", events: ["ticket.*", "fault.storm"], active: true,
                                     createdBy: "ann", createdAt: ISO8601.format(secondsSince1970: now.timeIntervalSince1970)))
            let second = try await subscriptions.createWebhook(url: "https://chat.example.com/in", events: ["*"], secret: "whsec_fedcba9876543210",
                                                               actor: "ann", now: now)
            #expect(try await subscriptions.webhooks() == [first, second])
            #expect(try await subscriptions.deleteWebhook(id: first.id))
            #expect(try await !subscriptions.deleteWebhook(id: first.id))
            #expect(try await subscriptions.webhooks() == [second])
        }
    }

    @Test(arguments: Engine.allCases)
    func mailOptOutsAreReplacedAsAWholeForAccountsThatExist(_ engine: Engine) async throws {
        try await engine.withRepositories { repositories in
            let subscriptions = repositories.subscriptions
            let jd = try await repositories.accounts.createAccount(AccountFields(username: "jd", name: "J D", role: .requester), passwordHash: nil,
                                                                   now: now)
            #expect(try await subscriptions.mailOptOuts(accountID: jd.id) == [])
            try await subscriptions.setMailOptOuts(accountID: jd.id, ["ticket.commented", "sla.breached"])
            #expect(try await subscriptions.mailOptOuts(accountID: jd.id) == ["sla.breached", "ticket.commented"])
            try await subscriptions.setMailOptOuts(accountID: jd.id, ["ticket.resolved"])
            #expect(try await subscriptions.mailOptOuts(accountID: jd.id) == ["ticket.resolved"])
            await #expect(throws: HelpdeskError.notFound) { try await subscriptions.setMailOptOuts(accountID: jd.id + 100, ["ticket.resolved"]) }
            try await subscriptions.setMailOptOuts(accountID: jd.id, [])
            #expect(try await subscriptions.mailOptOuts(accountID: jd.id) == [])
        }
    }
}
