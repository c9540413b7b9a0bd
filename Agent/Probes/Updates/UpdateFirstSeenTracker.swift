#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideInventory

/// Remembers when each pending update (package, architecture, candidate version) was first seen,
/// because package lists carry no dates: the age of the oldest pending security update is the time
/// since the agent first saw it. Entries for updates no longer pending are forgotten.
public struct UpdateFirstSeenTracker: Sendable {
    private let file: StateFile<[String: Date]>

    public init(directory: String) { file = StateFile(directory: directory, name: "updates-first-seen.json") }

    static func key(_ update: PendingUpdate) -> String {
        update.name + ":" + update.architecture + "=" + update.candidateVersion
    }

    /// Sets `firstSeenAt` on each update and saves the new table.
    public func annotate(_ pending: [PendingUpdate], now: Date) -> [PendingUpdate] {
        let known = file.load() ?? [:]
        var table: [String: Date] = [:]
        let annotated = pending.map { update in
            var update = update
            let seen = known[Self.key(update)] ?? now
            table[Self.key(update)] = seen
            update.firstSeenAt = seen
            return update
        }
        if table != known { file.store(table) }
        return annotated
    }
}
