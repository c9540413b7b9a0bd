#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideInventory

/// Remembers since when each installed package version has had an update pending, because package
/// lists carry no dates: the age of the oldest pending security update is how long the machine has
/// been behind. Keyed by the installed version, not the candidate, so that a package whose fixes keep
/// coming (a browser, the kernel) still ages while it stays un-updated. Entries for updates no longer
/// pending are forgotten.
public struct UpdateFirstSeenTracker: Sendable {
    private let file: StateFile<[String: Date]>

    public init(directory: String) { file = StateFile(directory: directory, name: "updates-first-seen.json") }

    static func key(_ update: PendingUpdate) -> String {
        update.name + ":" + update.architecture + "=" + update.installedVersion
    }

    /// Sets `firstSeenAt` on each update and saves the new table; with `forgetOthers` false, entries
    /// for updates not in `pending` are kept.
    public func annotate(_ pending: [PendingUpdate], now: Date, forgetOthers: Bool = true) -> [PendingUpdate] {
        let known = file.load() ?? [:]
        var table: [String: Date] = forgetOthers ? [:] : known
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
