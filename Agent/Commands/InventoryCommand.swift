import ArgumentParser
import DesksideInventory
import DesksideProbes

/// `deskside-agent inventory`: prints this machine's inventory as JSON (schema in docs/inventory.md).
struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Print this machine's inventory as JSON."
    )

    @OptionGroup var probes: ProbeOptions

    @Flag(name: .long, help: "Indent the JSON for people.")
    var pretty = false

    func run() throws {
        let inventory = InventoryProbe(probes.configuration()).collect()
        try JSONOutput.write(inventory, pretty: pretty)
    }
}
