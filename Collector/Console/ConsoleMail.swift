public import DesksideNotifications
import Mustache

/// Notification mails from the console's templates (`mail-text`, `mail-html`), with the same engine
/// and escaping as its pages: the text part is written as text (no HTML escaping), the HTML part
/// escapes every value. Links go through `/go/tickets/N`, which sends staff to the ticket's page and
/// a requester to the portal's.
public struct ConsoleMail: MailComposer {
    let library: MustacheLibrary
    /// The console's address as people reach it (`https://desk.example.com`); without it, mails carry no links.
    let baseURL: String?

    public init(baseURL: String?) throws {
        library = try ConsoleRenderer().library
        self.baseURL = baseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    struct View {
        struct Ticket {
            var number: String
            var title: String
            var status: String
            var priority: String
        }

        var subject: String
        var name: String
        var headline: String
        var text: String?
        var paragraphs: [String]
        var hasText: Bool
        var ticket: Ticket?
        var link: String?
        var rating: String?
        var preferences: String?
    }

    public func compose(_ notice: Notice, recipientName: String) -> (subject: String, text: String, html: String) {
        let subject = MailText.subject(notice)
        // Onboarding headlines are the step's text already.
        let onboarding = notice.type.family == "onboarding"
        let text = onboarding ? nil : notice.text.flatMap { $0.isEmpty ? nil : $0 }
        let view = View(subject: subject, name: recipientName.isEmpty ? "there" : recipientName, headline: MailText.headline(notice), text: text,
                        paragraphs: text.map { $0.components(separatedBy: "\n\n") } ?? [], hasText: text != nil,
                        ticket: notice.ticket.map { .init(number: $0.number, title: $0.title, status: $0.status, priority: $0.priority) },
                        link: baseURL.flatMap { base in notice.ticket.map { base + "/go/tickets/\($0.id)" } },
                        rating: notice.type == .ticketResolved ? baseURL.flatMap { base in notice.ticket.map { base + "/portal/tickets/\($0.id)#rate" } } : nil,
                        preferences: baseURL.map { $0 + "/preferences" })
        let values = TemplateValues.tree(view) ?? view
        return (subject, library.render(values, withTemplate: "mail-text") ?? "", library.render(values, withTemplate: "mail-html") ?? "")
    }
}
