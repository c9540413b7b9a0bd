import ArgumentParser
import DesksideClient
import DesksideJSON

struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "accounts", abstract: "People: requesters, technicians, admins, auditors.",
                                                    subcommands: [List.self, Show.self, Create.self, Update.self, SetPassword.self])

    static let columns = [Column("id"), Column("username"), Column("name"), Column("role"), Column("tier"), Column("status"), Column("department"),
                          Column("email"), Column("locked")]

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @Option(help: "Text in the username, name, e-mail or department.") var search: String?
        @Option(help: "requester, technician, admin or auditor.") var role: String?
        @Option(help: "onboarding, active or departed.") var status: String?
        @OptionGroup var page: PageOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var query = page.query
            for case (let name, let value?) in [("q", search), ("role", role), ("status", status)] { query.append((name, value)) }
            let client = try Connection.client()
            let document = try await api { try await client.call("GET", "/accounts", query: query) }
            output.list(document["items"]?.elements ?? [], columns: AccountsCommand.columns, document: document, footer: page.footer(document))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One account (username or id).")
        @Argument var account: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let id = try await AccountReference.id(account, client: client)
            let found = try await api { try await client.call("GET", "/accounts/\(id)") }
            output.record(found, fields: AccountsCommand.columns + [Column("manager", "managerId"), Column("location"), Column("created", "createdAt")])
        }
    }

    /// The fields create and update share.
    struct Fields: ParsableArguments {
        @Option var name: String?
        @Option var email: String?
        @Option var department: String?
        @Option(help: "Manager: username or account id.") var manager: String?
        @Option var location: String?
        @Option(help: "onboarding, active or departed.") var status: String?
        @Option(help: "requester, technician, admin or auditor.") var role: String?
        @Option(help: "A technician's tier: 1, 2 or 3.") var tier: Int?

        func body(client: APIClient) async throws -> [String: BodyValue] {
            var body: [String: BodyValue] = [:]
            for case (let key, let value?) in [("name", name), ("email", email), ("department", department), ("location", location),
                                               ("status", status), ("role", role)] {
                body[key] = .string(value)
            }
            if let tier { body["tier"] = .int(Int64(tier)) }
            if let manager { body["managerId"] = .int(try await AccountReference.id(manager, client: client)) }
            return body
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account (admins). With --with-password, its password is read from standard input or asked for.")
        @Option var username: String
        @OptionGroup var fields: Fields
        @Flag(help: "Set a sign-in password (read from standard input, never an argument).") var withPassword = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            var body = try await fields.body(client: client)
            body["username"] = .string(username)
            if withPassword { body["password"] = .string(try LoginCommand.readPassword()) }
            let account = try await api { try await client.call("POST", "/accounts", body: body) }
            output.record(account, fields: AccountsCommand.columns)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an account (admins); a new role or tier ends its sessions.")
        @Argument var account: String
        @OptionGroup var fields: Fields
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let id = try await AccountReference.id(account, client: client)
            let body = try await fields.body(client: client)
            let updated = try await api { try await client.call("PATCH", "/accounts/\(id)", body: body) }
            output.record(updated, fields: AccountsCommand.columns)
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Set a password: yours (the current one, then the new one), or anyone's as an admin (the new one only).",
            discussion: "Passwords are asked for, or read from standard input one per line; never arguments.")
        @Argument var account: String = "me"

        func run() async throws {
            let client = try Connection.client()
            let id = try await AccountReference.id(account, client: client)
            var body: [String: BodyValue] = [:]
            if account == "me" { body["currentPassword"] = .string(try LoginCommand.readPassword(prompt: "Current password: ")) }
            body["password"] = .string(try LoginCommand.readPassword(prompt: "New password: "))
            _ = try await api { try await client.call("PUT", "/accounts/\(id)/password", body: body) }
            print("password set; the account's sessions have ended")
        }
    }
}
