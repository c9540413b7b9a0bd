import DesksideJSON
import ArgumentParser
import DesksideChecks
import DesksideInventory
import DesksideProbes
#if canImport(FoundationEssentials)
import FoundationEssentials
#else

#endif

/// `deskside-agent checks`: runs the probes and the fault checks and prints the faults found.
struct ChecksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checks",
        abstract: "Print the faults found on this machine as JSON.",
        discussion: "Thresholds come from --policy (a JSON document; fields left out keep their defaults, listed in docs/inventory.md)."
    )

    @OptionGroup var probes: ProbeOptions

    @Option(name: .long, help: ArgumentHelp("Fault policy (JSON).", valueName: "FILE"))
    var policy: String?

    @Flag(name: .long, help: "Indent the JSON for people.")
    var pretty = false

    func run() throws {
        let faultPolicy = try loadPolicy()
        let configuration = probes.configuration()
        let inventory = InventoryProbe(configuration).collect()
        let faults = FaultChecker(policy: faultPolicy).faults(in: inventory, now: configuration.now())
        try JSONOutput.write(ChecksReport(faults: faults, notes: inventory.notes), pretty: pretty)
    }

    func loadPolicy() throws -> FaultPolicy {
        guard let policy else { return FaultPolicy() }
        let bytes: [UInt8]
        do {
            bytes = try SystemRoot("/").read(policy, limit: 1 << 20)
        } catch {
            throw ValidationError("cannot read the policy file \(policy): it \(error.message)")
        }
        do {
            return try JSONCoder.decode(FaultPolicy.self, from: bytes)
        } catch {
            throw ValidationError("the policy file \(policy) is not a valid policy: \(error)")
        }
    }
}

/// What `checks` prints: the faults, and the probes' notes so that a missing source is visible.
struct ChecksReport: Encodable {
    var faults: [Fault]
    var notes: [ProbeNote]
}
