import Foundation
/// What happened, as a notification names it: the `type` of a webhook's payload, the kinds an
/// account chooses to receive by e-mail, the patterns a webhook subscribes to (`ticket.*`).
public enum EventType: String, Codable, Sendable, CaseIterable {
    case ticketOpened = "ticket.opened"
    case ticketCommented = "ticket.commented"
    case ticketWaiting = "ticket.waiting"
    case ticketAssigned = "ticket.assigned"
    case ticketEscalated = "ticket.escalated"
    case ticketResolved = "ticket.resolved"
    case ticketReopened = "ticket.reopened"
    /// 80 % of the time to a target has passed (`SLAState.riskShare`).
    case ticketSLAAtRisk = "ticket.sla.atRisk"
    case ticketSLABreached = "ticket.sla.breached"
    case faultStorm = "fault.storm"
    case faultOpened = "fault.opened"
    case faultCleared = "fault.cleared"
    case assetCreated = "asset.created"
    case assetAssigned = "asset.assigned"
    case assetStatus = "asset.status"
    /// Assets checked out to a person, who is asked to confirm receipt.
    case assetHandover = "asset.handover"
    case onboardingStepFinished = "onboarding.step.finished"
    case onboardingStepFailed = "onboarding.step.failed"
    case onboardingFinished = "onboarding.finished"
    case taskFinished = "task.finished"

    /// The kinds that go to people by e-mail; the others are for webhooks (a fault on every report
    /// of every machine is for a monitoring system, not an inbox).
    public var mailable: Bool {
        switch self {
        case .faultOpened, .faultCleared, .assetCreated, .assetAssigned, .assetStatus, .taskFinished: false
        default: true
        }
    }

    /// The first part of the name: `ticket`, `fault`, `asset`, `onboarding`, `task`.
    public var family: Substring { rawValue.prefix { $0 != "." } }

    /// Whether a subscription pattern covers this type: `*`, a family (`ticket.*`), or the type itself.
    public func matches(_ pattern: String) -> Bool {
        pattern == "*" || pattern == rawValue || (pattern.hasSuffix(".*") && rawValue.hasPrefix(pattern.dropLast()))
    }

    /// A pattern a subscription may hold: one that matches at least one type.
    public static func isPattern(_ pattern: String) -> Bool {
        allCases.contains { $0.matches(pattern) }
    }
}
