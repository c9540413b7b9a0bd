/// How widely a problem hurts (impact) and how soon it must be fixed (urgency), each high, medium or
/// low; together they give the priority, by the matrix below (ITIL's, as GLPI and most desks use it):
///
/// | impact \ urgency | high | medium | low |
/// |---|---|---|---|
/// | high | critical | high | medium |
/// | medium | high | medium | low |
/// | low | medium | low | low |
public enum Level: String, Codable, Sendable, CaseIterable {
    case high, medium, low

    var rank: Int {
        switch self {
        case .high: 0
        case .medium: 1
        case .low: 2
        }
    }
}

public enum Priority: String, Codable, Sendable, CaseIterable, Comparable {
    case critical, high, medium, low

    public init(impact: Level, urgency: Level) {
        switch impact.rank + urgency.rank {
        case 0: self = .critical
        case 1: self = .high
        case 2: self = .medium
        default: self = .low
        }
    }

    /// Critical first.
    public var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rank < rhs.rank }
}
