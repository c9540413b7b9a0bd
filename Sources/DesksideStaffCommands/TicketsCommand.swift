import ArgumentParser
import DesksideClient
import DesksideJSON

struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets", abstract: "Tickets: list, show, create, and work them.",
        subcommands: [List.self, Show.self, Create.self, Comment.self, Assign.self, Escalate.self, Start.self, Wait.self, Resolve.self,
                      Close.self, Reopen.self, Rate.self, Prioritize.self])

    static let columns = [Column("id"), Column("priority"), Column("status"), Column("tier"), Column("assignee"), Column("requester"),
                          Column("category"), Column("due", "resolutionDueAt"), Column("title")]

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tickets (by priority; storms' member tickets are folded under their summary).")
        @Option(help: "Statuses, comma-separated: new,assigned,inProgress,waiting,resolved,closed.") var status: String?
        @Flag(help: "Open tickets only.") var open = false
        @Option var tier: Int?
        @Option(help: "critical, high, medium or low.") var priority: String?
        @Option(help: "me, none, or an account id.") var assignee: String?
        @Option(help: "Requester's account id.") var requester: Int64?
        @Option(help: "Tickets linked to this asset id.") var asset: Int64?
        @Option var category: String?
        @Option(help: "Tickets opened by this fault code.") var faultCode: String?
        @Option(help: "The member tickets of this storm.") var storm: Int64?
        @Flag(help: "SLA breached.") var breached = false
        @Option(help: "Text in the title or description.") var search: String?
        @Option(help: "priority, created, updated or due.") var sort: String?
        @Flag(help: "Newest or latest first.") var descending = false
        @OptionGroup var page: PageOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var query = page.query
            let optional: [(String, String?)] = [("status", status), ("tier", tier.map(String.init)), ("priority", priority), ("assignee", assignee),
                                                 ("requester", requester.map(String.init)), ("asset", asset.map(String.init)), ("category", category),
                                                 ("faultCode", faultCode), ("storm", storm.map(String.init)), ("q", search), ("sort", sort)]
            for case (let name, let value?) in optional { query.append((name, value)) }
            if open { query.append(("open", "true")) }
            if breached { query.append(("breached", "true")) }
            if descending { query.append(("order", "desc")) }
            let client = try Connection.client()
            let document = try await api { try await client.call("GET", "/tickets", query: query) }
            output.list(document["items"]?.elements ?? [], columns: TicketsCommand.columns, document: document, footer: page.footer(document))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One ticket: fields, timeline, the faults behind it, suggested articles.")
        @Argument var id: Int64
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let detail = try await api { try await client.call("GET", "/tickets/\(id)") }
            let fields = TicketsCommand.columns + [Column("impact"), Column("urgency"), Column("assets", "assetIds"), Column("fault", "faultCode"),
                                                   Column("response due", "responseDueAt"), Column("responded", "firstResponseAt"),
                                                   Column("breached", "resolutionBreached"), Column("resolution"), Column("rating"),
                                                   Column("description")]
            if output.json || output.csv { return output.record(detail, fields: fields.map { Column($0.header, "ticket." + $0.path.joined(separator: ".")) }) }
            output.record(detail["ticket"] ?? .null, fields: fields)
            Section.print("timeline", detail["timeline"]?.elements ?? [], [Column("at"), Column("who", "actor"), Column("what", "kind"),
                                                                          Column("from", "oldValue"), Column("to", "newValue"), Column("text", "body")])
            Section.print("faults", detail["faults"]?.elements ?? [], [Column("code"), Column("subject"), Column("summary")])
            Section.print("suggested articles", detail["suggestedArticles"]?.elements ?? [], [Column("id"), Column("title"), Column("helped", "helpedCount")])
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a ticket.")
        @Option var title: String
        @Option var description = ""
        @Option(help: "Requester: username or account id (staff only; a requester's tickets are their own).") var requester: String?
        @Option(help: "Linked asset ids.") var asset: [Int64] = []
        @Option var category: String?
        @Option(help: "high, medium or low.") var impact: String?
        @Option(help: "high, medium or low.") var urgency: String?
        @Option var tier: Int?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            var body: [String: BodyValue] = ["title": .string(title), "description": .string(description), "assetIds": .ints(asset)]
            if let requester { body["requesterId"] = .int(try await AccountReference.id(requester, client: client)) }
            if let category { body["category"] = .string(category) }
            if let impact { body["impact"] = .string(impact) }
            if let urgency { body["urgency"] = .string(urgency) }
            if let tier { body["tier"] = .int(Int64(tier)) }
            let ticket = try await api { try await client.call("POST", "/tickets", body: body) }
            output.record(ticket, fields: TicketsCommand.columns)
        }
    }

    /// The ticket's fields after a change.
    static func change(_ id: Int64, _ path: String, _ body: [String: BodyValue], _ output: OutputOptions) async throws {
        let client = try Connection.client()
        let ticket = try await api { try await client.call("POST", "/tickets/\(id)/\(path)", body: body) }
        output.record(ticket, fields: columns)
    }

    struct Comment: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a public comment, an internal note (--internal), or a canned answer (--canned ID).")
        @Argument var id: Int64
        @Option(help: "The text.") var body: String?
        @Option(help: "Insert this canned answer instead.") var canned: Int64?
        @Flag(help: "Staff only; the requester does not see it.") var `internal` = false
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if (body == nil) == (canned == nil) { throw ValidationError("give --body or --canned") }
        }

        func run() async throws {
            if let canned {
                try await TicketsCommand.change(id, "canned-answers", ["id": .int(canned), "internal": .bool(`internal`)], output)
            } else {
                try await TicketsCommand.change(id, "comments", ["body": .string(body ?? ""), "internal": .bool(`internal`)], output)
            }
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assign to a technician (username, id, me), or back to the queue (none).")
        @Argument var id: Int64
        @Option var to: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let account: BodyValue = to == "none" ? .null : .int(try await AccountReference.id(to, client: try Connection.client()))
            try await TicketsCommand.change(id, "assign", ["accountId": account], output)
        }
    }

    struct Escalate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "To the next tier; who and why are recorded.")
        @Argument var id: Int64
        @Option var reason: String
        @OptionGroup var output: OutputOptions
        func run() async throws { try await TicketsCommand.change(id, "escalate", ["reason": .string(reason)], output) }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Work started (in progress).")
        @Argument var id: Int64
        @OptionGroup var output: OutputOptions
        func run() async throws { try await TicketsCommand.change(id, "status", ["status": .string("inProgress")], output) }
    }

    struct Wait: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Waiting on the requester.")
        @Argument var id: Int64
        @OptionGroup var output: OutputOptions
        func run() async throws { try await TicketsCommand.change(id, "status", ["status": .string("waiting")], output) }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve with notes (required); --article for the articles that helped.")
        @Argument var id: Int64
        @Option var notes: String
        @Option(help: "Knowledge-base article ids that helped.") var article: [Int64] = []
        @OptionGroup var output: OutputOptions
        func run() async throws { try await TicketsCommand.change(id, "resolve", ["notes": .string(notes), "articleIds": .ints(article)], output) }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a resolved ticket.")
        @Argument var id: Int64
        @OptionGroup var output: OutputOptions
        func run() async throws { try await TicketsCommand.change(id, "close", [:], output) }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reopen a resolved or closed ticket (back to in progress).")
        @Argument var id: Int64
        @Option var reason = ""
        @OptionGroup var output: OutputOptions
        func run() async throws { try await TicketsCommand.change(id, "reopen", ["reason": .string(reason)], output) }
    }

    struct Rate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The requester's satisfaction, 1 to 5; closes the ticket.")
        @Argument var id: Int64
        @Option var rating: Int
        @Option var comment = ""
        @OptionGroup var output: OutputOptions
        func run() async throws { try await TicketsCommand.change(id, "rate", ["rating": .int(Int64(rating)), "comment": .string(comment)], output) }
    }

    struct Prioritize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "prioritize", abstract: "New impact and urgency; priority and due times follow.")
        @Argument var id: Int64
        @Option var impact: String
        @Option var urgency: String
        @OptionGroup var output: OutputOptions
        func run() async throws { try await TicketsCommand.change(id, "priority", ["impact": .string(impact), "urgency": .string(urgency)], output) }
    }
}
