#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOConcurrencyHelpers

/// Agents' last contact, kept in memory and handed to the store in batches: a heartbeat costs no
/// database write.
final class LastSeen: Sendable {
    private let times = NIOLockedValueBox<[String: Date]>([:])

    func touch(_ agentID: String) {
        let now = Date()
        times.withLockedValue { $0[agentID] = now }
    }

    /// The contacts since the last drain.
    func drain() -> [String: Date] {
        times.withLockedValue { table in
            defer { table.removeAll(keepingCapacity: true) }
            return table
        }
    }
}
