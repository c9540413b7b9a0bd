import ArgumentParser
import DesksideClient
import DesksideJSON

/// `deskside tasks run|list|show|cancel`: one-off tasks on machines.
struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "Tasks on machines: install packages, create or lock accounts, apply updates, refresh the inventory.",
        subcommands: [Run.self, List.self, Show.self, Cancel.self])

    static let columns = [Column("id"), Column("asset", "assetId"), Column("hostname"), Column("kind"), Column("state"), Column("summary"),
                          Column("by", "requestedBy"), Column("created", "createdAt"), Column("finished", "finishedAt")]

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a task on one or more assets.",
            discussion: """
                KIND is one of account.create, account.lock, account.groups, packages.install, packages.remove, updates.apply, hostname.set,
                inventory.refresh, reboot, script.run (a script of the library, on agents whose --tasks allow it). Examples:
                  deskside tasks run --asset 12 packages.install --package htop
                  deskside tasks run --assets os=Debian,package=openssh-server updates.apply
                  deskside tasks run --asset 12 account.create --username jdupont --full-name 'Jean Dupont' --group sudo --one-time-password
                """)
        @Argument(help: "The task kind.") var kind: String
        @Option(name: .customLong("asset"), help: "An asset id (repeat for several).") var assets: [Int64] = []
        @Option(name: .customLong("assets"), help: ArgumentHelp("Every asset matching a filter of the asset list: NAME=VALUE,… with q, hostname, serial, owner, os, package.", valueName: "FILTER"))
        var filter: String?
        @Option(name: .customLong("package"), help: "A package (repeat for several).") var packages: [String] = []
        @Option var username: String?
        @Option var fullName: String?
        @Option(name: .customLong("group"), help: "A supplementary group (repeat for several).") var groups: [String] = []
        @Flag(help: "account.groups: remove the account from every supplementary group.") var noGroups = false
        @Option var shell: String?
        @Option var home: String?
        @Flag(help: "account.create: a one-time password, made by the collector and shown once, to be changed at first sign-in.") var oneTimePassword = false
        @Option var hostname: String?
        @Flag(help: "updates.apply: every pending update, not only the security ones.") var all = false
        @Option(help: "reboot: minutes before the restart.") var delay: Int?
        @Option(help: "reboot: the message shown to people signed in.") var message: String?
        @Option(help: "script.run: the library script's name.") var script: String?
        @Option(name: .customLong("argument"), help: "script.run: an argument for the script (repeat for several).") var scriptArguments: [String] = []
        @Option(help: "All parameters as a JSON object (instead of the options above).") var parameters: String?
        @Option(help: "Time limit in seconds (default 300, at most 3600).") var timeout: Int?
        @Option(help: "How long the task may wait for an offline machine: 30m, 12h, 7d (default 1d).") var expires: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            var ids = assets
            if let filter { ids += try await Self.matching(filter, client: client) }
            guard !ids.isEmpty else { throw ValidationError("name the assets: --asset ID (repeatable) or --assets FILTER") }
            var body: [String: BodyValue] = ["kind": .string(kind), "assetIds": .ints(ids), "parameters": .json(try taskParameters())]
            if let timeout { body["timeoutSeconds"] = .int(Int64(timeout)) }
            if let expires { body["expiresInMinutes"] = .int(try Duration.minutes(expires)) }
            let queued = try await api { try await client.call("POST", "/tasks", body: body) }
            output.list(queued["tasks"]?.elements ?? [], columns: TasksCommand.columns, document: queued, footer: nil)
            if case .string(let password)? = queued["oneTimePassword"], !output.json {
                print("\none-time password (shown once; it must be changed at first sign-in): \(password)")
            }
        }

        /// The parameters from the options, or `--parameters` as given.
        func taskParameters() throws -> JSONValue {
            if let parameters {
                do { return try JSONParser.parse(Array(parameters.utf8)) } catch { throw ValidationError("--parameters is not JSON: \(error)") }
            }
            var members: [(key: String, value: JSONValue)] = []
            if !packages.isEmpty { members.append(("packages", .array(packages.map { .string($0) }))) }
            if let username { members.append(("username", .string(username))) }
            if let fullName { members.append(("fullName", .string(fullName))) }
            if !groups.isEmpty || noGroups { members.append(("groups", .array(groups.map { .string($0) }))) }
            if let shell { members.append(("shell", .string(shell))) }
            if let home { members.append(("home", .string(home))) }
            if oneTimePassword { members.append(("password", .object([("mode", .string("oneTime"))]))) }
            if let hostname { members.append(("hostname", .string(hostname))) }
            if kind == "updates.apply" { members.append(("securityOnly", .bool(!all))) }
            if let delay { members.append(("delayMinutes", .number(String(delay)))) }
            if let message { members.append(("message", .string(message))) }
            if let script { members.append(("name", .string(script))) }
            if !scriptArguments.isEmpty { members.append(("arguments", .array(scriptArguments.map { .string($0) }))) }
            return .object(members)
        }

        /// The ids of every asset the filter matches (the asset list's parameters), at most 500.
        static func matching(_ filter: String, client: APIClient) async throws -> [Int64] {
            var query: [(String, String)] = [("limit", "500")]
            for pair in filter.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, ["q", "hostname", "serial", "owner", "os", "package"].contains(parts[0]) else {
                    throw ValidationError("--assets: '\(pair)' is not NAME=VALUE with q, hostname, serial, owner, os or package")
                }
                query.append((parts[0], parts[1]))
            }
            let document = try await api { try await client.call("GET", "/assets", query: query) }
            let ids = (document["items"]?.elements ?? []).compactMap { item -> Int64? in
                if case .number(let text)? = item["id"] { return Int64(text) }
                return nil
            }
            guard !ids.isEmpty else { throw ValidationError("--assets \(filter) matches no asset") }
            return ids
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tasks, newest first.")
        @Option(help: "Tasks of one asset.") var asset: Int64?
        @Option(help: "queued, sent, succeeded, failed, timedOut, refused, unknown, expired, cancelled.") var state: String?
        @Flag(help: "Only tasks not finished (queued or sent).") var open = false
        @OptionGroup var page: PageOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var query = page.query
            if let asset { query.append(("assetId", String(asset))) }
            if let state { query.append(("state", state)) }
            if open { query.append(("open", "true")) }
            let client = try Connection.client()
            let document = try await api { try await client.call("GET", "/tasks", query: query) }
            output.list(document["items"]?.elements ?? [], columns: TasksCommand.columns, document: document, footer: page.footer(document))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One task: parameters, result and the end of its output.")
        @Argument var id: Int64
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let task = try await api { try await client.call("GET", "/tasks/\(id)") }
            output.record(task, fields: TasksCommand.columns + [Column("exit code", "exitCode"), Column("refusal"), Column("changed"),
                                                               Column("timeout", "timeoutSeconds"), Column("sent", "sentAt"), Column("started", "startedAt")])
            guard !output.json, !output.csv else { return }
            print("\nparameters: " + String(decoding: JSONSerializer.serialize(task["parameters"] ?? .null), as: UTF8.self))
            for (title, key) in [("standard output", "stdoutTail"), ("standard error", "stderrTail")] {
                if case .string(let text)? = task[key], !text.isEmpty { print("\n\(title) (last part):\n\(text)") }
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a queued task (one already sent runs to its end).")
        @Argument var id: Int64
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let task = try await api { try await client.call("POST", "/tasks/\(id)/cancel", body: [:]) }
            output.record(task, fields: TasksCommand.columns)
        }
    }
}
