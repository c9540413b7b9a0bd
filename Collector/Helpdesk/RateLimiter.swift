#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Token buckets per key: `capacity` attempts at once, refilled at `refillPerSecond`. Idle keys are
/// forgotten so that a flood of addresses cannot grow it without bound.
public struct RateLimiter: Sendable {
    public let capacity: Double
    public let refillPerSecond: Double
    private var buckets: [String: (tokens: Double, at: Date)] = [:]
    static let maxKeys = 100_000

    public init(capacity: Double, refillPerSecond: Double) {
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
    }

    /// Whether `allow` would allow `key` now, taking nothing.
    public func wouldAllow(_ key: String, now: Date) -> Bool {
        guard let bucket = buckets[key] else { return capacity >= 1 }
        return min(capacity, bucket.tokens + max(0, now.timeIntervalSince(bucket.at)) * refillPerSecond) >= 1
    }

    public mutating func allow(_ key: String, now: Date) -> Bool {
        if buckets.count >= Self.maxKeys {
            // Forget full buckets first, then, if a flood of addresses still fills the table, the
            // least recently seen half: a hard bound on memory and on the cost of this sweep.
            buckets = buckets.filter { now.timeIntervalSince($0.value.at) * refillPerSecond + $0.value.tokens < capacity }
            if buckets.count >= Self.maxKeys / 2 {
                let keep = buckets.sorted { $0.value.at > $1.value.at }.prefix(Self.maxKeys / 2)
                buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
            }
        }
        let bucket = buckets[key] ?? (capacity, now)
        let tokens = min(capacity, bucket.tokens + max(0, now.timeIntervalSince(bucket.at)) * refillPerSecond)
        guard tokens >= 1 else {
            buckets[key] = (tokens, now)
            return false
        }
        buckets[key] = (tokens - 1, now)
        return true
    }
}
