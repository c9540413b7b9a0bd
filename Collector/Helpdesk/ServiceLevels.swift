#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Response and resolution targets per priority, in minutes of wall-clock time. A ticket's due times
/// are set when it opens (and when its priority changes); a response is a technician's first public
/// comment or a move to `inProgress`. A ticket still unanswered when its response target passes is
/// escalated to the next tier.
public struct ServiceLevels: Codable, Sendable, Equatable {
    public struct Target: Codable, Sendable, Equatable {
        public var responseMinutes: Int
        public var resolutionMinutes: Int

        public init(responseMinutes: Int, resolutionMinutes: Int) {
            self.responseMinutes = responseMinutes
            self.resolutionMinutes = resolutionMinutes
        }
    }

    public var critical = Target(responseMinutes: 15, resolutionMinutes: 4 * 60)
    public var high = Target(responseMinutes: 60, resolutionMinutes: 8 * 60)
    public var medium = Target(responseMinutes: 4 * 60, resolutionMinutes: 3 * 24 * 60)
    public var low = Target(responseMinutes: 8 * 60, resolutionMinutes: 5 * 24 * 60)
    /// Resolved tickets the requester has not rated close on their own after this many days.
    public var autoCloseDays = 7

    public init() {}

    enum CodingKeys: String, CodingKey { case critical, high, medium, low, autoCloseDays }

    /// Keys left out keep their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ServiceLevels()
        critical = try container.decodeIfPresent(Target.self, forKey: .critical) ?? defaults.critical
        high = try container.decodeIfPresent(Target.self, forKey: .high) ?? defaults.high
        medium = try container.decodeIfPresent(Target.self, forKey: .medium) ?? defaults.medium
        low = try container.decodeIfPresent(Target.self, forKey: .low) ?? defaults.low
        autoCloseDays = try container.decodeIfPresent(Int.self, forKey: .autoCloseDays) ?? defaults.autoCloseDays
    }

    public func target(_ priority: Priority) -> Target {
        switch priority {
        case .critical: critical
        case .high: high
        case .medium: medium
        case .low: low
        }
    }

    /// Response and resolution due times for a ticket of `priority` opened (or re-prioritised) at `start`.
    public func dueTimes(_ priority: Priority, from start: Date) -> (response: Date, resolution: Date) {
        let target = target(priority)
        return (start.addingTimeInterval(Double(target.responseMinutes) * 60), start.addingTimeInterval(Double(target.resolutionMinutes) * 60))
    }

    /// Every target positive, the response no later than the resolution.
    public func validate() throws {
        for priority in Priority.allCases {
            let target = target(priority)
            guard target.responseMinutes > 0, target.resolutionMinutes >= target.responseMinutes else {
                throw HelpdeskError.invalid("service level for \(priority.rawValue): the response target must be positive and no longer than the resolution target")
            }
        }
        guard autoCloseDays > 0 else { throw HelpdeskError.invalid("autoCloseDays must be positive") }
    }
}
