import ArgumentParser
import DesksideAPI
import DesksideClient
import DesksideFiles
import DesksideJSON

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokens", abstract: "API tokens for automation, each with a role (admins).",
                                                    subcommands: [List.self, Create.self, Revoke.self])

    static let columns = [Column("id"), Column("name"), Column("role"), Column("created", "createdAt"), Column("revoked", "revokedAt")]

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API tokens (never their secrets).")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let tokens = try await api { try await client.call([APIToken].self, "GET", "/api-tokens") }
            output.list(try tokens.map(Output.document), columns: TokensCommand.columns, document: try Output.document(tokens))
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token; its secret goes to FILE (mode 0600), never to the terminal. Use it with DESKSIDE_TOKEN_FILE=FILE.")
        @Option var name: String
        @Option(help: "requester, technician, admin or auditor.") var role: Role
        @Option(help: "Where to write the secret (created, owner-only).") var to: String

        func run() async throws {
            let client = try Connection.client()
            let token = try await api { try await client.call(CreatedAPIToken.self, "POST", "/api-tokens", json: NewAPIToken(name: name, role: role)) }
            do {
                try DurableFile.write(Array((token.token + "\n").utf8), to: to, mode: 0o600)
            } catch {
                throw CLIError("the token was created (id \(token.id)) but \(to) could not be written: \(error); revoke it")
            }
            print("token \(token.id) (\(name), \(role.rawValue)) written to \(to)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API token: refused from its next request.")
        @Argument var id: Int64

        func run() async throws {
            let client = try Connection.client()
            _ = try await api { try await client.call("DELETE", "/api-tokens/\(id)") }
            print("revoked token \(id)")
        }
    }
}
