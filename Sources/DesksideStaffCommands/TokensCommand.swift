import ArgumentParser
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
            let document = try await api { try await client.call("GET", "/api-tokens") }
            output.list(document.elements, columns: TokensCommand.columns, document: document)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token; its secret goes to FILE (mode 0600), never to the terminal. Use it with DESKSIDE_TOKEN_FILE=FILE.")
        @Option var name: String
        @Option(help: "requester, technician, admin or auditor.") var role: String
        @Option(help: "Where to write the secret (created, owner-only).") var to: String

        func run() async throws {
            let client = try Connection.client()
            let token = try await api { try await client.call("POST", "/api-tokens", body: ["name": .string(name), "role": .string(role)]) }
            guard let secret = token["token"]?.text else { throw CLIError("the server's answer has no token") }
            do {
                try DurableFile.write(Array((secret + "\n").utf8), to: to, mode: 0o600)
            } catch {
                throw CLIError("the token was created (id \(token["id"]?.text ?? "?")) but \(to) could not be written: \(error); revoke it")
            }
            print("token \(token["id"]?.text ?? "?") (\(name), \(role)) written to \(to)")
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
