import ArgumentParser

/// `deskside-agent`: the program every workstation runs.
public struct DesksideAgent: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "deskside-agent",
        abstract: "Deskside agent: reports this machine's hardware, software, updates and health.",
        version: AgentVersionString.value,
        subcommands: [InventoryCommand.self, ChecksCommand.self]
    )

    public init() {}
}

import DesksideProbes

enum AgentVersionString {
    static var value: String { AgentVersion.current }
}
