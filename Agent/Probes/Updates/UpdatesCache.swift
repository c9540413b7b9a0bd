public import DesksideInventory

/// Keeps the last computed pending updates with the fingerprint of the files they came from, so that
/// the lists (tens of megabytes) are read again only after `apt update` or a package change.
public struct UpdatesCache: Sendable {
    struct Entry: Codable {
        var fingerprint: [String]
        var updates: Updates?
        var notes: [ProbeNote]
    }

    private let file: StateFile<Entry>

    public init(directory: String) { file = StateFile(directory: directory, name: "updates-cache.json") }

    /// The cached result when its fingerprint matches.
    public func load(fingerprint: [String]) -> (updates: Updates?, notes: [ProbeNote])? {
        guard let entry = file.load(), entry.fingerprint == fingerprint else { return nil }
        return (entry.updates, entry.notes)
    }

    /// Saves a result; failures are ignored (the cache is an optimization, never a source of truth).
    public func store(fingerprint: [String], updates: Updates?, notes: [ProbeNote]) {
        file.store(Entry(fingerprint: fingerprint, updates: updates, notes: notes))
    }
}
