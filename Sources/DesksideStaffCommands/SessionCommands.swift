#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import DesksideClient
import DesksideJSON

/// `deskside login`: signs in with a password and keeps the session token in an owner-only file.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Sign in; the password is asked for (or read from standard input when it is not a terminal).")

    @Option(help: "The collector's HTTP address.") var server = "http://127.0.0.1:8080"
    @Option(help: "Your username.") var username: String

    func run() async throws {
        let password = try Self.readPassword()
        let client = APIClient(server: server, token: nil)
        let session = try await api {
            try await client.call("POST", "/login", body: ["username": .string(username), "password": .string(password)])
        }
        guard let token = session["token"]?.text else { throw CLIError("the server's answer has no token") }
        let credentials = Credentials(server: server, token: token, username: username, expiresAt: session["expiresAt"]?.text)
        try credentials.save()
        print("signed in as \(username) (\(session["account"]?["role"]?.text ?? "?")) until \(credentials.expiresAt ?? "?"); token kept in \(Credentials.path)")
    }

    static func readPassword(prompt: String = "Password: ") throws -> String {
        if isatty(0) == 1 {
            guard let pointer = getpass(prompt) else { throw CLIError("no password") }
            return String(cString: pointer)
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw CLIError("no password on standard input") }
        return line
    }
}

struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "End the session and forget its token.")

    func run() async throws {
        let client = try Connection.client()
        do {
            _ = try await client.call("POST", "/logout")
        } catch let error as APIClientError where error.status != 401 {
            // The session may still be valid on the server: keep the token so that logout can be retried.
            throw CLIError("could not end the session (\(error)); the token is kept in \(Credentials.path)")
        }
        Credentials.remove()
        print("signed out")
    }
}

struct WhoAmICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Who the stored token signs in as.")
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = try Connection.client()
        let me = try await api { try await client.call("GET", "/me") }
        output.record(me, fields: [Column("actor"), Column("role"), Column("tier"), Column("name", "account.name"), Column("email", "account.email")])
    }
}
