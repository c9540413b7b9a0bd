public import ArgumentParser
public import DesksideAPI
import DesksideClient
import DesksideJSON

extension Role: ExpressibleByArgument {}
extension AccountStatus: ExpressibleByArgument {}

struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "accounts", abstract: "People: requesters, technicians, admins, auditors.",
                                                    subcommands: [List.self, Show.self, Create.self, Update.self, SetPassword.self])

    static let columns = [Column("id"), Column("username"), Column("name"), Column("role"), Column("tier"), Column("status"), Column("department"),
                          Column("email"), Column("locked")]

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @Option(help: "Text in the username, name, e-mail or department.") var search: String?
        @Option(help: "requester, technician, admin or auditor.") var role: Role?
        @Option(help: "onboarding, active or departed.") var status: AccountStatus?
        @OptionGroup var page: PageOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var query = page.query
            for case (let name, let value?) in [("q", search), ("role", role?.rawValue), ("status", status?.rawValue)] { query.append((name, value)) }
            let client = try Connection.client()
            let found = try await api { try await client.call(Page<Account>.self, "GET", "/accounts", query: query) }
            let document = try Output.document(found)
            output.list(try found.items.map(Output.document), columns: AccountsCommand.columns, document: document, footer: page.footer(document))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One account (username or id).")
        @Argument var account: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let id = try await AccountReference.id(account, client: client)
            let found = try await api { try await client.call(Account.self, "GET", "/accounts/\(id)") }
            output.record(try Output.document(found), fields: AccountsCommand.columns + [Column("manager", "managerId"), Column("location"), Column("created", "createdAt")])
        }
    }

    /// The fields create and update share.
    struct Fields: ParsableArguments {
        @Option var name: String?
        @Option var email: String?
        @Option var department: String?
        @Option(help: "Manager: username or account id.") var manager: String?
        @Option var location: String?
        @Option(help: "onboarding, active or departed.") var status: AccountStatus?
        @Option(help: "requester, technician, admin or auditor.") var role: Role?
        @Option(help: "A technician's tier: 1, 2 or 3.") var tier: Int?

        func body(client: APIClient) async throws -> AccountFields {
            var managerId: Int64?
            if let manager { managerId = try await AccountReference.id(manager, client: client) }
            return AccountFields(name: name, email: email, department: department, managerId: managerId, location: location, status: status,
                                 role: role, tier: tier)
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
            let given = try await fields.body(client: client)
            guard let name = given.name, let role = given.role else { throw ValidationError("an account needs --name and --role") }
            let body = NewAccount(username: username, name: name, email: given.email, department: given.department, managerId: given.managerId,
                                  location: given.location, status: given.status, role: role, tier: given.tier,
                                  password: withPassword ? try LoginCommand.readPassword() : nil)
            let account = try await api { try await client.call(Account.self, "POST", "/accounts", json: body) }
            output.record(try Output.document(account), fields: AccountsCommand.columns)
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
            let updated = try await api { try await client.call(Account.self, "PATCH", "/accounts/\(id)", json: body) }
            output.record(try Output.document(updated), fields: AccountsCommand.columns)
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
            let current = account == "me" ? try LoginCommand.readPassword(prompt: "Current password: ") : nil
            let body = NewPassword(password: try LoginCommand.readPassword(prompt: "New password: "), currentPassword: current)
            _ = try await api { try await client.call(Done.self, "PUT", "/accounts/\(id)/password", json: body) }
            print("password set; the account's sessions have ended")
        }
    }
}
