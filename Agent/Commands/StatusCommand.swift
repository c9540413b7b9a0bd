#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideJSON
import ArgumentParser
import DesksideAgentRuntime
import DesksideInventory
import DesksideSpool

/// `deskside-agent status`: enrollment, collector, last acknowledged report, spool.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show enrollment, the collector, the last acknowledged report and the spool."
    )

    @OptionGroup var state: StateOption

    func run() throws {
        let directory = try state.directory()
        guard let identity = try AgentIdentity.load(stateDirectory: directory) else {
            print("enrolled:        no (state directory \(directory))")
            throw ExitCode(1)
        }
        let session = SessionState.load(stateDirectory: directory)
        let spool = try ReportSpool(directory: directory + "/spool")
        let pending = spool.sequences()
        func time(_ date: Date?) -> String { date.map { ISO8601.format(secondsSince1970: $0.timeIntervalSince1970) } ?? "never" }
        print("""
            enrolled:        yes, agent \(identity.record.agentID) since \(time(identity.record.enrolledAt))
            collector:       \(identity.record.collector) (CA \(identity.record.caFingerprint))
            last ack:        \(session.acknowledgedSequence.map { "report \($0) at \(time(session.acknowledgedAt))" } ?? "none yet")
            last contact:    \(time(session.lastContactAt))
            spool:           \(pending.count) report(s) waiting\(pending.isEmpty ? "" : " (\(pending.first!)...\(pending.last!))")
            intervals:       heartbeat \(session.heartbeatSeconds) s, inventory \(session.reportIntervalSeconds) s
            """)
        if let refused = session.identityRefused {
            // Exit 3, as `run` does: the agent waits for an operator, not for the network.
            print("""
                identity:        REFUSED by the collector (\(refused)); re-enroll:
                                 \(AgentIdentity.enrollCommand(collector: identity.record.collector, caFingerprint: identity.record.caFingerprint, stateDirectory: directory))
                """)
            throw ExitCode(3)
        }
    }
}
