public import ArgumentParser
import DesksideAPI
import DesksideClient
import DesksideJSON
import DesksideVersion

/// `deskside`: the staff CLI, a client of the collector's REST API.
public struct Deskside: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "deskside",
        abstract: "Work the help desk from a terminal: assets, tickets, accounts, the knowledge base and reports.",
        discussion: """
            Sign in once with `deskside login`; the session token is kept in a file only you can read. For scripts, set \
            DESKSIDE_SERVER and DESKSIDE_TOKEN_FILE (a file holding an API token) instead. Lists print a table; add --json or --csv.
            """,
        version: DesksideVersion.current,
        subcommands: [LoginCommand.self, LogoutCommand.self, WhoAmICommand.self, AssetsCommand.self, TasksCommand.self, NotificationsCommand.self, WebhooksCommand.self, OnboardingCommand.self, OffboardingCommand.self, TemplatesCommand.self, ScriptsCommand.self, RunsCommand.self, TicketsCommand.self, AccountsCommand.self,
                      KnowledgeCommand.self, CannedCommand.self, ReportsCommand.self, FaultRulesCommand.self, TokensCommand.self]
    )

    public init() {}
}

/// The signed-in client, or a clear error.
enum Connection {
    static func client() throws -> APIClient {
        guard let credentials = try Credentials.load() else {
            throw ValidationError("not signed in: run deskside login (or set DESKSIDE_SERVER and DESKSIDE_TOKEN_FILE)")
        }
        return APIClient(server: credentials.server, token: credentials.token)
    }
}

/// Runs an API call, turning its error into a one-line message and exit status 1.
func api<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as APIClientError {
        throw CLIError(error.description)
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Paging options shared by the list commands.
struct PageOptions: ParsableArguments {
    @Option(help: "At most this many (1-500).") var limit = 50
    @Option(help: "Skip this many.") var offset = 0

    var query: [(String, String)] { [("limit", String(limit)), ("offset", String(offset))] }

    func footer(_ document: JSONValue) -> String? {
        guard let total = document["total"]?.text else { return nil }
        return "\(document["items"]?.elements.count ?? 0) of \(total)" + (offset > 0 ? " (from \(offset + 1))" : "")
    }
}

/// An account named by username or id (`me` for the signed-in account), as the API's id.
enum AccountReference {
    static func id(_ reference: String, client: APIClient) async throws -> Int64 {
        if let id = Int64(reference) { return id }
        if reference == "me" {
            guard let id = try await api({ try await client.call(Me.self, "GET", "/me") }).account?.id else {
                throw CLIError("this token belongs to no account")
            }
            return id
        }
        let found = try await api { try await client.call(Page<Account>.self, "GET", "/accounts", query: [("q", reference), ("limit", "500")]) }
        guard let match = found.items.first(where: { $0.username.lowercased() == reference.lowercased() }) else {
            throw CLIError("no account with the username \(reference)")
        }
        return match.id
    }
}
