public import ArgumentParser
import DesksideVersion

/// `deskside-agent`: the program every workstation runs.
public struct DesksideAgent: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "deskside-agent",
        abstract: "Deskside agent: reports this machine's hardware, software, updates and health.",
        version: DesksideVersion.current,
        subcommands: [InventoryCommand.self, ChecksCommand.self, EnrollCommand.self, RunCommand.self, StatusCommand.self, DoctorCommand.self]
    )

    public init() {}
}
