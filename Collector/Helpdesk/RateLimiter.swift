#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
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
    public func wouldAllow(_ key: String, now: Date) -> Bool { tokens(key, now: now) >= 1 }

    /// The tokens in `key`'s bucket now, refilled since it was last touched.
    private func tokens(_ key: String, now: Date) -> Double {
        guard let bucket = buckets[key] else { return capacity }
        return min(capacity, bucket.tokens + max(0, now.timeIntervalSince(bucket.at)) * refillPerSecond)
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
        let available = tokens(key, now: now)
        guard available >= 1 else {
            buckets[key] = (available, now)
            return false
        }
        buckets[key] = (available - 1, now)
        return true
    }
}
