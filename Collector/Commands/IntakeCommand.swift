import ArgumentParser
import DesksideCollectorHome
import DesksideIntake
import DesksideStoreSQLite
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `deskside-collector intake add|list|revoke|devices`: the sources FusionInventory, GLPI and OCS
/// agents report through (docs/interop.md).
struct IntakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Sources for FusionInventory, GLPI Agent and OCS agents, and the devices they report.",
        subcommands: [Add.self, List.self, Revoke.self, Devices.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a source and print its URL path (with its token) once.",
            discussion: "Point the agents' server URL at https://COLLECTOR:PORT/intake/TOKEN. With --basic-auth the collector also makes a password the agents must send."
        )

        @OptionGroup var options: DataOptions
        @Argument(help: "A name to recognise the source by (a site, a fleet).") var name: String
        @Option(help: ArgumentHelp("Also require HTTP Basic authentication with this user name; a password is generated.", valueName: "USER"))
        var basicAuth: String?

        func validate() throws {
            guard (1...64).contains(name.count), !name.contains(where: { $0.isNewline }) else { throw ValidationError("the name must be 1 to 64 characters on one line") }
            if let user = basicAuth, !(1...64).contains(user.count) || user.contains(":") { throw ValidationError("--basic-auth: 1 to 64 characters, no colon") }
        }

        func run() throws {
            let home = try CollectorHome.open(directory: options.data)
            let token = IntakeSecrets.newToken()
            let password = basicAuth.map { _ in IntakeSecrets.newPassword() }
            let salt = IntakeSecrets.newSalt()
            var basic: (user: String, salt: [UInt8], hash: String)?
            if let user = basicAuth, let password { basic = (user, salt, IntakeSecrets.passwordHash(password, salt: salt)) }
            do {
                let id = try home.store.createIntakeSource(name: name, tokenHash: IntakeSecrets.tokenHash(token), basic: basic, now: Date())
                print("source \(id) (\(name)): URL path /intake/\(token)")
                if let user = basicAuth, let password { print("user \(user), password \(password)") }
                print("shown once: keep them in the agents' configuration files, not on their command lines")
            } catch {
                throw CommandError("\(error)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sources (never their tokens or passwords).")
        @OptionGroup var options: DataOptions

        func run() throws {
            let home = try CollectorHome.open(directory: options.data)
            let rows = try home.store.intakeSources().map { source in
                [String(source.id), source.name, source.basicUser.map { "basic (\($0))" } ?? "token", source.createdAt,
                 source.revokedAt.map { "revoked \($0)" } ?? "active", String(source.devices), source.lastSeenAt ?? "never"]
            }
            print(Table.render(header: ["ID", "NAME", "AUTH", "CREATED", "STATE", "DEVICES", "LAST SEEN"], rows: rows))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a source: its token and password are refused from now on.")
        @OptionGroup var options: DataOptions
        @Argument(help: "The source's id, from `intake list`.") var id: Int64

        func run() throws {
            let home = try CollectorHome.open(directory: options.data)
            guard try home.store.revokeIntakeSource(id: id, now: Date()) else { throw CommandError("no active source with id \(id)") }
            print("source \(id) revoked")
        }
    }

    struct Devices: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Devices heard from, newest first, with their assets and conflicts.")
        @OptionGroup var options: DataOptions
        @Option(help: "Only the devices reporting for this asset.") var asset: Int64?

        func run() throws {
            let home = try CollectorHome.open(directory: options.data)
            let rows = try home.store.intakeDevices(assetID: asset).map { device in
                [String(device.id), device.source, device.protocol, device.deviceId, device.agentVersion ?? "", device.assetId.map(String.init) ?? "-",
                 device.lastSeenAt, device.lastInventoryAt ?? "never", device.conflict ?? ""]
            }
            print(Table.render(header: ["ID", "SOURCE", "PROTOCOL", "DEVICEID", "AGENT", "ASSET", "LAST SEEN", "LAST INVENTORY", "CONFLICT"], rows: rows))
        }
    }
}
