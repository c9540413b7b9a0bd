import ArgumentParser
import DesksideAPI
import DesksideClient
import DesksideJSON

/// `deskside notifications list|resend|status` and `deskside webhooks list|add|remove`.
struct NotificationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications", abstract: "The outbox: mails and webhooks sent, waiting and failed for good; send a failed one again.",
        subcommands: [List.self, Resend.self, Status.self])

    static let columns = [Column("id"), Column("event", "type"), Column("channel"), Column("to", "recipient"), Column("ticket", "ticketId"), Column("state"),
                          Column("attempts"), Column("next attempt", "nextAttemptAt"), Column("last error", "lastError"), Column("made", "createdAt")]

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List notifications, newest first.")
        @Flag(help: "Only those that failed for good (the dead letters).") var failed = false
        @Option(help: "pending, sent or failed.") var state: String?
        @OptionGroup var page: PageOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var query = page.query
            if failed { query.append(("state", "failed")) } else if let state { query.append(("state", state)) }
            let client = try Connection.client()
            let document = try await api { try await client.call("GET", "/notifications", query: query) }
            output.list(document["items"]?.elements ?? [], columns: NotificationsCommand.columns, document: document, footer: page.footer(document))
        }
    }

    struct Resend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a failed notification again (its attempts start over).")
        @Argument var id: Int64
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let record = try await api { try await client.call("POST", "/notifications/\(id)/resend", body: [:]) }
            output.record(record, fields: NotificationsCommand.columns)
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How much is waiting, how much failed, and when the delivery worker last ran.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let status = try await api { try await client.call("GET", "/status") }
            output.record(status["outbox"] ?? .null, fields: [Column("waiting", "pending"), Column("failed"), Column("oldest waiting", "oldestPendingAt"),
                                                              Column("worker last ran", "workerLastRunAt"), Column("worker stopped", "workerStale"),
                                                              Column("mail", "mail")])
        }
    }
}

struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks", abstract: "Webhooks (admins): signed JSON posts of ticket, fault, asset, onboarding and task events.",
        subcommands: [List.self, Add.self, Remove.self])

    static let columns = [Column("id"), Column("url"), Column("events"), Column("by", "createdBy"), Column("made", "createdAt")]

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the webhooks.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let webhooks = try await api { try await client.call([Webhook].self, "GET", "/webhooks") }
            output.list(try webhooks.map(Output.document), columns: WebhooksCommand.columns, document: try Output.document(webhooks), footer: nil)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Subscribe a URL to events; prints the signing secret once.",
            discussion: "Example: deskside webhooks add https://chat.example.com/hooks/desk --event 'ticket.*' --event fault.storm")
        @Argument var url: String
        @Option(name: .customLong("event"), help: "An event pattern: ticket.*, fault.*, asset.*, onboarding.*, task.*, an event type, or * (repeat for several).")
        var events: [String] = []
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard !events.isEmpty else { throw ValidationError("name the events: --event 'ticket.*' (repeatable)") }
            let client = try Connection.client()
            let made = try await api { try await client.call(CreatedWebhook.self, "POST", "/webhooks", json: NewWebhook(url: url, events: events)) }
            // With --json the answer is printed whole, its secret included: it is shown this once.
            output.record(try output.json ? Output.document(made) : Output.document(made.webhook), fields: WebhooksCommand.columns)
            if !output.json { print("\nsigning secret (shown once): \(made.secret)") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a webhook and what still waits for it.")
        @Argument var id: Int64

        func run() async throws {
            let client = try Connection.client()
            _ = try await api { try await client.call(Done.self, "DELETE", "/webhooks/\(id)") }
            print("removed webhook \(id)")
        }
    }
}
