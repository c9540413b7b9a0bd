import ArgumentParser
import DesksideCollectorHome
import DesksideStoreSQLite
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `deskside-collector agents list|revoke`: enrolled agents.
struct AgentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents",
        abstract: "List and revoke enrolled agents.",
        subcommands: [List.self, Revoke.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List enrolled agents.")
        @OptionGroup var options: DataOptions

        func run() throws {
            let home = try CollectorHome.open(directory: options.data)
            let rows = try home.store.agents().map { agent in
                [agent.uuid, agent.hostname ?? "-", agent.enrolledAt, agent.revokedAt.map { "revoked \($0)" } ?? "active",
                 agent.lastSequence.map(String.init) ?? "-"]
            }
            print(Table.render(header: ["AGENT", "HOSTNAME", "ENROLLED", "STATE", "LAST REPORT"], rows: rows))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an agent: its reports are refused from now on.")
        @OptionGroup var options: DataOptions
        @Argument(help: "The agent's id, from `agents list`.") var agent: String

        func run() throws {
            let home = try CollectorHome.open(directory: options.data)
            guard try home.store.revokeAgent(uuid: agent, now: Date()) else { throw CommandError("no agent \(agent)") }
            print("agent \(agent) revoked")
        }
    }
}

/// A plain text table for people; values from agents are shown with control characters escaped, so
/// that a hostile hostname cannot rewrite the terminal.
enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        let cells = [header] + rows.map { $0.map(escape) }
        let widths = header.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        return cells.map { row in
            zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                .trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.hasSuffix(" ") { result.removeLast() }
        return result
    }
}
