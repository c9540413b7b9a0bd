public import ArgumentParser
import DesksideVersion

/// `deskside-collector`: the server side of Deskside.
public struct DesksideCollector: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "deskside-collector",
        abstract: "Deskside collector: the asset register, enrollment and the agents' reports.",
        version: DesksideVersion.current,
        subcommands: [ServeCommand.self, TokenCommand.self, AgentsCommand.self, CACommand.self, IntakeCommand.self, BackupCommand.self, RestoreCommand.self, DoctorCommand.self]
    )

    public init() {}
}

/// `--data DIR`, shared by every command that opens the collector's data directory.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The collector's data directory (created on first use).", valueName: "DIR"))
    var data: String
}

/// A failure while running a command: printed as `Error: message`, without the usage text that
/// argument errors get.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
