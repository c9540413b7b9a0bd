import ArgumentParser
import DesksideCollectorHome

/// `deskside-collector ca status|rollover`: the CA agents pin, and its rollover (CollectorHome+Rollover).
struct CACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "The collector's certificate authority and its rollover.",
        subcommands: [Status.self, Rollover.self]
    )

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The CAs in use and how far a rollover has come.")
        @OptionGroup var options: DataOptions

        func run() throws {
            let home = try CollectorHome.open(directory: options.data)
            print(CACommand.describe(try home.rolloverStatus()))
        }
    }

    struct Rollover: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move agents to a new CA: prepare, then activate, then finish; restart the collector after each step.",
            discussion: """
                prepare   makes the next CA; from the collector's next start agents learn it and trust it.
                activate  once every agent trusts it: the collector switches to it, and agents renew their certificates.
                finish    once every agent has renewed: the old CA is no longer trusted.
                """
        )
        enum Step: String, ExpressibleByArgument, CaseIterable { case prepare, activate, finish }

        @OptionGroup var options: DataOptions
        @Argument(help: "prepare, activate or finish.") var step: Step
        @Flag(help: "Take the step although agents would be cut off (they must then be enrolled again).") var force = false

        func run() throws {
            let home = try CollectorHome.open(directory: options.data)
            do {
                switch step {
                case .prepare: try home.prepareRollover()
                case .activate: try home.activateRollover(force: force)
                case .finish: try home.finishRollover(force: force)
                }
            } catch let error as CollectorHome.HomeError {
                throw CommandError(error.description)
            }
            print(CACommand.describe(try home.rolloverStatus()))
            print("restart the collector for this step to take effect")
        }
    }

    static func describe(_ status: CollectorHome.RolloverStatus) -> String {
        var lines = ["current CA:  \(status.current)"]
        if let next = status.next { lines.append("next CA:     \(next)") }
        if let retired = status.retired { lines.append("retired CA:  \(retired)") }
        let progress = status.progress
        switch status.step {
        case .none:
            lines.append("rollover:    none")
        case .prepared:
            lines.append("rollover:    prepared; \(progress.trustingNext) of \(progress.agents) agents trust the next CA (activate when all do)")
        case .activated:
            lines.append("rollover:    activated; \(progress.agents - progress.onOtherCA) of \(progress.agents) agents hold a certificate of the current CA (finish when all do)")
        }
        return lines.joined(separator: "\n")
    }
}
