#if canImport(Glibc)
import Glibc
#endif
import DesksideInventory
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Remembers when each pending update (package, architecture, candidate version) was first seen,
/// because package lists carry no dates: the age of the oldest pending security update is the time
/// since the agent first saw it. Entries for updates no longer pending are forgotten.
public struct UpdateFirstSeenTracker: Sendable {
    public let path: String

    public init(directory: String) {
        path = directory.hasSuffix("/") ? directory + "updates-first-seen.json" : directory + "/updates-first-seen.json"
    }

    static func key(_ update: PendingUpdate) -> String {
        update.name + ":" + update.architecture + "=" + update.candidateVersion
    }

    /// Sets `firstSeenAt` on each update and saves the new table.
    public func annotate(_ pending: [PendingUpdate], now: Date) -> [PendingUpdate] {
        let known = (FileManager.default.contents(atPath: path)).flatMap { try? JSONCoder.decode([String: Date].self, from: Array($0)) } ?? [:]
        var table: [String: Date] = [:]
        let annotated = pending.map { update in
            var update = update
            let key = Self.key(update)
            let seen = known[key] ?? now
            table[key] = seen
            update.firstSeenAt = seen
            return update
        }
        if table != known, let bytes = try? JSONCoder.encode(table) {
            let data = Data(bytes)
            let temporary = path + ".tmp"
            if FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) {
                _ = rename(temporary, path)
            }
        }
        return annotated
    }
}
