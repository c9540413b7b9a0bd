import Foundation
/// The words of a notification mail that do not depend on the template: the subject, which carries
/// the ticket's number so that a reply finds its ticket (`[DS-123]`), and the one-line headline.
public enum MailText {
    public static func subject(_ notice: Notice) -> String {
        guard let ticket = notice.ticket else { return "Deskside: " + headline(notice) }
        let prefix = switch notice.type {
        case .ticketResolved: "Resolved: "
        case .ticketWaiting: "Waiting for you: "
        case .ticketAssigned: "Assigned to you: "
        case .ticketEscalated: "Escalated: "
        case .ticketReopened: "Reopened: "
        case .ticketSLAAtRisk: "At risk: "
        case .ticketSLABreached: "Target missed: "
        case .faultStorm: "Fault storm: "
        case .onboardingStepFailed: "Step failed: "
        default: ""
        }
        return "[\(ticket.number)] " + prefix + ticket.title
    }

    public static func headline(_ notice: Notice) -> String {
        let number = notice.ticket?.number ?? ""
        return switch notice.type {
        case .ticketOpened: "Ticket \(number) is open; reply to this mail to add to it."
        case .ticketCommented: "\(notice.actor) commented on \(number)."
        case .ticketWaiting: "\(number) is waiting for your answer."
        case .ticketAssigned: "\(number) is assigned to you."
        case .ticketEscalated: "\(number) was escalated to tier \(notice.ticket?.tier ?? 0)."
        case .ticketResolved: "\(number) is resolved. Tell us how it went."
        case .ticketReopened: "\(number) was reopened."
        case .ticketSLAAtRisk: "\(number) is close to its \(notice.details["target"] ?? "") target."
        case .ticketSLABreached: "\(number) missed its \(notice.details["target"] ?? "") target."
        case .faultStorm: "Many machines report \(notice.details["faultCode"] ?? "the same fault") at once (\(number))."
        case .onboardingStepFinished, .onboardingStepFailed, .onboardingFinished: notice.text ?? "The onboarding moved on."
        case .faultOpened: "A fault appeared on \(notice.asset?.hostname ?? "a machine")."
        case .faultCleared: "A fault cleared on \(notice.asset?.hostname ?? "a machine")."
        case .assetCreated: "A new machine reported: \(notice.asset?.hostname ?? "?")."
        case .assetAssigned: "\(notice.asset?.hostname ?? "A machine") changed hands."
        case .assetStatus: "\(notice.asset?.hostname ?? "A machine") is now \(notice.details["new"] ?? "?")."
        case .assetHandover: "You received \(notice.details["count"] ?? "some") item(s) from the IT desk; please confirm receipt in the portal: \(notice.text?.replacingOccurrences(of: "\n", with: ", ") ?? "")."
        case .taskFinished: "A task on \(notice.asset?.hostname ?? "a machine") ended: \(notice.details["state"] ?? "?")."
        }
    }
}

/// Turns a notice into a mail's subject and bodies (the console's templates do: `ConsoleMail`).
public protocol MailComposer: Sendable {
    func compose(_ notice: Notice, recipientName: String) -> (subject: String, text: String, html: String)
}
