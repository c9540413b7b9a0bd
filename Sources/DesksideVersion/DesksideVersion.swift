/// The release of Deskside these programs belong to: what `--version` prints for the agent, the
/// collector and the CLI, what the agent reports in its inventory, and the packages' version
/// (scripts/package reads it from `deskside-agent --version`).
public enum DesksideVersion {
    public static let current = "0.1.0"
}
