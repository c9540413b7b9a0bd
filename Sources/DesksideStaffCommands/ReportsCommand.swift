import ArgumentParser
import DesksideClient
import DesksideJSON

struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reports", abstract: "Help-desk and asset reports.",
                                                    subcommands: [Technicians.self, Categories.self, Models.self, Weekly.self, Audit.self])

    struct Period: ParsableArguments {
        @Option(help: "Tickets opened in the last N days.") var days: Int?
        var query: [(String, String)] { days.map { [("days", String($0))] } ?? [] }
    }

    static func list(_ path: String, _ period: Period, _ columns: [Column], _ output: OutputOptions) async throws {
        let client = try Connection.client()
        let document = try await api { try await client.call("GET", "/reports/\(path)", query: period.query) }
        output.list(document.elements, columns: columns, document: document)
    }

    static let volume = [Column("key"), Column("opened"), Column("resolved"), Column("median minutes to resolve", "medianResolutionMinutes")]

    struct Technicians: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Per technician: assigned, resolved, median times, satisfaction (default 30 days).")
        @OptionGroup var period: Period
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await ReportsCommand.list("technicians", period, [
                Column("technician", "username"), Column("tier"), Column("assigned"), Column("resolved"),
                Column("median first response (min)", "medianFirstResponseMinutes"), Column("median resolution (min)", "medianResolutionMinutes"),
                Column("rating", "averageRating"), Column("ratings"),
            ], output)
        }
    }

    struct Categories: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Per category: volume and time to resolve (default 30 days).")
        @OptionGroup var period: Period
        @OptionGroup var output: OutputOptions
        func run() async throws { try await ReportsCommand.list("categories", period, ReportsCommand.volume, output) }
    }

    struct Models: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Per asset model: volume and time to resolve (default 30 days).")
        @OptionGroup var period: Period
        @OptionGroup var output: OutputOptions
        func run() async throws { try await ReportsCommand.list("models", period, ReportsCommand.volume, output) }
    }

    struct Weekly: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Opened, resolved and breached per week (default 84 days).")
        @OptionGroup var period: Period
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await ReportsCommand.list("weekly", period, [Column("week"), Column("opened"), Column("resolved"), Column("breached")], output)
        }
    }

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assets by OS and model, missing security updates, silent agents, unassigned.")
        @Option(help: "Silent: not heard from for N days (default: the fault loop's silentAgentDays).") var silentDays: Int?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let report = try await api { try await client.call("GET", "/reports/audit", query: silentDays.map { [("silentDays", String($0))] } ?? []) }
            output.record(report, fields: [Column("assets"), Column("missing security updates", "missingSecurityUpdates"),
                                           Column("silent agents", "silentAgents"), Column("silent days", "silentDays"), Column("unassigned")])
            if output.json || output.csv { return }
            Section.print("by OS", report["byOS"]?.elements ?? [], [Column("os", "key"), Column("assets")])
            Section.print("by model", report["byModel"]?.elements ?? [], [Column("model", "key"), Column("assets")])
        }
    }
}

struct FaultRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fault-rules", abstract: "What each fault code does to the help desk.",
                                                    subcommands: [List.self, Set.self])

    static let columns = [Column("code"), Column("opens ticket", "opensTicket"), Column("category"), Column("impact"), Column("urgency"), Column("tier")]

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every fault code's rule.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let document = try await api { try await client.call("GET", "/fault-rules") }
            output.list(document.elements, columns: FaultRulesCommand.columns, document: document)
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a fault code's rule (admins).")
        @Argument var code: String
        @Option(help: "true or false.") var opensTicket: Bool
        @Option var category: String
        @Option var impact: String
        @Option var urgency: String
        @Option var tier: Int
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let rule = try await api {
                try await client.call("PUT", "/fault-rules/\(code)", body: ["opensTicket": .bool(opensTicket), "category": .string(category),
                                                                              "impact": .string(impact), "urgency": .string(urgency), "tier": .int(Int64(tier))])
            }
            output.record(rule, fields: FaultRulesCommand.columns)
        }
    }
}
