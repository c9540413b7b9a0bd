public import DesksideTasks

/// The machine's own say over tasks: which kinds it runs, where, and within what memory. Set on the
/// agent's command line (its systemd unit), never by the collector.
public struct TaskSettings: Sendable, Equatable {
    /// Kinds this agent runs; a signed task of another kind is refused.
    public var allowed: Set<TaskKind>
    /// The root that tasks change: `/`, or a throwaway tree in tests (`--task-root`). Package and
    /// account tools are told to work inside it (`useradd --root`, `dpkg --root`, apt's `Dir`).
    public var root: String
    /// The address-space limit of each program a task runs.
    public var memoryLimitBytes: UInt64

    public init(allowed: Set<TaskKind> = TaskKind.allowedByDefault, root: String = "/", memoryLimitBytes: UInt64 = 4 << 30) {
        self.allowed = allowed
        self.root = root
        self.memoryLimitBytes = memoryLimitBytes
    }

    public var isLiveSystem: Bool { root == "/" }

    /// Reads `--tasks`: `default` (every kind but `script.run`), `none`, `all`, or a comma-separated
    /// list of kinds, where `default,script.run` adds to the default and `-reboot` takes away.
    public static func allowList(_ text: String) throws(TaskValidationError) -> Set<TaskKind> {
        var allowed = Set<TaskKind>()
        for item in text.split(separator: ",").map({ $0.trimmingWhitespace() }) where !item.isEmpty {
            switch item {
            case "default": allowed.formUnion(TaskKind.allowedByDefault)
            case "all": allowed.formUnion(TaskKind.allCases)
            case "none": allowed.removeAll()
            default:
                let removing = item.hasPrefix("-")
                guard let kind = TaskKind(rawValue: removing ? String(item.dropFirst()) : item) else {
                    throw TaskValidationError(field: "--tasks", reason: "'\(item)' is not a task kind (\(TaskKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                if removing { allowed.remove(kind) } else { allowed.insert(kind) }
            }
        }
        return allowed
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
