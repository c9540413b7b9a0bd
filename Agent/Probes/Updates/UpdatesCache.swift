#if canImport(Glibc)
import Glibc
#endif
import DesksideInventory
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Keeps the last computed pending updates with the fingerprint of the files they came from, so that
/// the lists (tens of megabytes) are read again only after `apt update` or a package change.
public struct UpdatesCache: Sendable {
    /// Host path of the cache file.
    public let path: String

    public init(directory: String) {
        path = directory.hasSuffix("/") ? directory + "updates-cache.json" : directory + "/updates-cache.json"
    }

    struct Entry: Codable {
        var fingerprint: [String]
        var updates: Updates?
        var notes: [ProbeNote]
    }

    /// The cached result when its fingerprint matches.
    public func load(fingerprint: [String]) -> (updates: Updates?, notes: [ProbeNote])? {
        guard let data = FileManager.default.contents(atPath: path),
              let entry = try? JSONCoder.decode(Entry.self, from: Array(data)),
              entry.fingerprint == fingerprint else { return nil }
        return (entry.updates, entry.notes)
    }

    /// Saves a result; failures are ignored (the cache is an optimization, never a source of truth).
    public func store(fingerprint: [String], updates: Updates?, notes: [ProbeNote]) {
        guard let bytes = try? JSONCoder.encode(Entry(fingerprint: fingerprint, updates: updates, notes: notes)) else { return }
        let data = Data(bytes)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else { return }
        _ = rename(temporary, path)
    }
}
