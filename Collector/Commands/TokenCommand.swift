import ArgumentParser
import DesksideCollectorHome
import DesksideStoreSQLite
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `deskside-collector token create|list|revoke`: enrollment tokens.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke enrollment tokens.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print its secret once.",
            discussion: "Give the secret to agents in a file (deskside-agent enroll --token-file), never on a command line."
        )

        @OptionGroup var options: DataOptions
        @Option(help: "A name to recognise the token by.") var name = "enrollment"
        @Flag(help: "The token enrolls one agent only.") var oneTime = false
        @Option(help: ArgumentHelp("Expire after this many days.", valueName: "DAYS")) var expiresInDays: Int?

        func validate() throws {
            if let days = expiresInDays, days <= 0 || days > 3650 { throw ValidationError("--expires-in-days must be between 1 and 3650") }
        }

        func run() throws {
            let home = try CollectorHome.open(directory: options.data)
            let now = Date()
            let token = try home.store.createEnrollmentToken(name: name, reusable: !oneTime,
                                                             expiresAt: expiresInDays.map { now + Double($0) * 86400 }, now: now)
            print(token.secret)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var options: DataOptions

        func run() throws {
            let home = try CollectorHome.open(directory: options.data)
            let rows = try home.store.enrollmentTokens().map { token in
                [String(token.id), token.name, token.reusable ? "reusable" : "one-time", token.createdAt, token.expiresAt ?? "never",
                 token.revokedAt.map { "revoked \($0)" } ?? "active", String(token.useCount)]
            }
            print(Table.render(header: ["ID", "NAME", "KIND", "CREATED", "EXPIRES", "STATE", "USES"], rows: rows))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: it enrolls nobody from now on.")
        @OptionGroup var options: DataOptions
        @Argument(help: "The token's id, from `token list`.") var id: Int64

        func run() throws {
            let home = try CollectorHome.open(directory: options.data)
            guard try home.store.revokeEnrollmentToken(id: id, now: Date()) else { throw CommandError("no token with id \(id)") }
            print("token \(id) revoked")
        }
    }
}
