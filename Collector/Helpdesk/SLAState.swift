#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Where an open ticket stands against its resolution target: on track, at risk once 80 % of the
/// time to its target has passed, or breached.
public enum SLAState: String, Codable, Sendable, CaseIterable {
    case onTrack, atRisk, breached

    /// The share of the time to target after which a ticket is at risk.
    public static let riskShare = 0.8

    public init(createdAt: Date, dueAt: Date, breached: Bool, now: Date) {
        if breached || now >= dueAt {
            self = .breached
        } else if now.timeIntervalSince(createdAt) >= Self.riskShare * dueAt.timeIntervalSince(createdAt) {
            self = .atRisk
        } else {
            self = .onTrack
        }
    }
}
