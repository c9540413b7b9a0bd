#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideJSON
import ArgumentParser
import DesksideAgentRuntime
import DesksideAgentTasks
import DesksideInventory
import DesksideProbes
import NIOPosix

/// `deskside-agent run`: stays connected to the collector and reports.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Report to the collector: a full inventory first, then deltas, heartbeats, and again soon after packages change.",
        discussion: "With --once: send what is due, wait for the acknowledgement, exit 0 (1 when it could not be delivered; the report stays spooled)."
    )

    @OptionGroup var state: StateOption

    @Option(name: .long, help: ArgumentHelp("Read the system under DIR instead of / (a copy of a machine's files).", valueName: "DIR"))
    var root: String = "/"

    @Option(name: .long, help: ArgumentHelp("With --root: filesystem space per mount point from FILE (see deskside-agent inventory --help).", valueName: "FILE"))
    var space: String?

    @Flag(name: .long, help: "Send what is due, wait for the acknowledgement, and exit.")
    var once = false

    @Option(name: .long, help: ArgumentHelp(
        "Task kinds this machine runs: 'default' (all but script.run), 'none', 'all', or a comma-separated list of kinds; 'default,script.run' adds, '-reboot' removes.",
        valueName: "LIST"))
    var tasks = "default"

    @Option(name: .long, help: ArgumentHelp("Run tasks on the machine under DIR instead of / (a throwaway root, for tests).", valueName: "DIR"))
    var taskRoot = "/"

    func validate() throws {
        guard SystemRoot(root).isDirectory("/") else { throw ValidationError("--root \(root) is not a directory") }
        if let space { _ = try SpaceFile.source(space, root: root) }
        do { _ = try TaskSettings.allowList(tasks) } catch { throw ValidationError("\(error)") }
        guard taskRoot.hasPrefix("/"), SystemRoot(taskRoot).isDirectory("/") else { throw ValidationError("--task-root \(taskRoot) is not an absolute path to a directory") }
    }

    func run() async throws {
        // A collector that goes away mid-write is a connection error, never a reason to die.
        signal(SIGPIPE, SIG_IGN)
        let directory = try state.directory()
        guard let identity = try AgentIdentity.load(stateDirectory: directory) else {
            throw RuntimeError("this agent is not enrolled (no identity in \(directory)); run deskside-agent enroll first")
        }
        var options = AgentRunner.Options(
            stateDirectory: directory, probe: InventoryProbe.Configuration(root: SystemRoot(root), space: try space.map { try SpaceFile.source($0, root: root) },
                                                stateDirectory: directory),
            once: once, log: { line in StandardStreams.error("\(ISO8601.format(secondsSince1970: Date().timeIntervalSince1970)) deskside-agent: \(line)\n") })
        if once { options.responseTimeoutSeconds = 60 }
        options.tasks = TaskSettings(allowed: try TaskSettings.allowList(tasks), root: taskRoot)
        let runner = try AgentRunner(options: options, identity: identity, group: MultiThreadedEventLoopGroup.singleton)
        switch await runner.run() {
        case .delivered(let count):
            print("delivered: \(count) report(s) acknowledged by the collector at \(identity.record.collector)")
        case .undelivered(let reason):
            StandardStreams.error("deskside-agent: not delivered: \(reason); the report stays in the spool\n")
            throw ExitCode(1)
        case .identityRejected(let reason):
            StandardStreams.error("deskside-agent: the collector does not accept this agent: \(reason); enroll it again\n")
            throw ExitCode(3)
        }
    }
}
