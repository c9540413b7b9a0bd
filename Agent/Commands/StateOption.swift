import ArgumentParser

/// `--state DIR` for the commands that need the agent's identity and session.
struct StateOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The agent's state directory: identity, spool, session (default: /var/lib/deskside-agent as root, ~/.local/state/deskside-agent otherwise).", valueName: "DIR"))
    var state: String?

    func directory() throws -> String {
        if let state { return state }
        guard let standard = ProbeOptions.defaultStateDirectory() else {
            throw ValidationError("no state directory: give --state DIR (HOME is not set)")
        }
        return standard
    }
}
