import Synchronization

/// Ids of rows in the shared package-version dictionary. Rows are never deleted or changed, so an id
/// once committed stays right; ids enter the cache only after the transaction that found or inserted
/// them commits. A fleet built from a few images reports the same versions again and again: with the
/// cache, a full report of known packages costs no dictionary lookups.
final class PackageVersionCache: Sendable {
    struct Key: Hashable, Sendable {
        var manager, name, architecture, version, bodyHash: String
    }

    /// Past this many entries the cache starts again (a bound on memory, about 40 MB).
    static let capacity = 200_000
    private let table = Mutex<[Key: Int64]>([:])

    func id(_ key: Key) -> Int64? { table.withLock { $0[key] } }

    func remember(_ ids: [Key: Int64]) {
        guard !ids.isEmpty else { return }
        table.withLock { table in
            if table.count + ids.count > Self.capacity { table.removeAll(keepingCapacity: true) }
            table.merge(ids) { _, new in new }
        }
    }
}
