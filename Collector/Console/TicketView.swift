import DesksideAPI
import DesksideDesk
import DesksideHTTP
import DesksideHelpdesk

/// The ticket page's view, for staff and (through the portal's template) for its requester.
struct TicketView {
    struct Event {
        var at: String
        var actor: String
        var what: String
        var body: String?
        var isInternal: Bool
    }

    struct Fault {
        var assetId: Int64
        var code: String
        var subject: String
        var summary: String
        var facts: [AssetView.Field]
    }

    struct Link {
        var id: Int64
        var title: String
    }

    var chrome: Chrome
    var id: Int64
    var title: String
    var description: String
    var fields: [AssetView.Field]
    var open: Bool
    var resolved: Bool
    var rated: Bool
    var events: [Event]
    var faults: [Fault]
    var articles: [Link]
    var hasFaults: Bool
    var hasArticles: Bool
    /// Files that came by mail: downloads, never shown in the page.
    var attachments: [Download]

    struct Download {
        var href: String
        var title: String
    }
    var assets: [Int64]
    var canned: [Link]
    var impacts: [AssetPages.Choice]
    var urgencies: [AssetPages.Choice]

    static let messages = ["comment": "Your comment is added.", "note": "The internal note is added.", "assigned": "The ticket is assigned.",
                           "escalated": "The ticket is escalated.", "priority": "The priority is changed.", "resolved": "The ticket is resolved.",
                           "reopened": "The ticket is open again.", "rated": "Thank you for your rating.", "created": "Your ticket is open; we will answer here.",
                           "accepted": "Thank you: your receipt is recorded."]

    init(_ context: APIContext, _ detail: Desk.TicketDetail, canned: [CannedAnswer], done: String?, section: String = "tickets") {
        let ticket = detail.ticket
        chrome = Chrome(context, title: "DS-\(ticket.id): \(ticket.title)", section: section, flash: done.flatMap { Self.messages[$0] })
        id = ticket.id
        title = ticket.title
        description = ticket.description
        fields = [
            ("Status", ticket.status.rawValue), ("Priority", "\(ticket.priority.rawValue) (impact \(ticket.impact.rawValue), urgency \(ticket.urgency.rawValue))"),
            ("Tier", "\(ticket.tier)"), ("Requester", ticket.requester ?? ""), ("Assigned to", ticket.assignee ?? "nobody"),
            ("Category", ticket.category), ("Opened", ticket.createdAt), ("Resolution due", ticket.resolutionDueAt + (ticket.resolutionBreached ? " (breached)" : "")),
            ("Resolution", ticket.resolution ?? ""), ("Rating", ticket.rating.map { "\($0) of 5" + (ticket.ratingComment.map { ": " + $0 } ?? "") } ?? ""),
        ].filter { !$0.1.isEmpty }.map { AssetView.Field(label: $0.0, value: $0.1) }
        open = ticket.status.isOpen
        resolved = ticket.status == .resolved
        rated = ticket.rating != nil
        events = detail.timeline.map { event in
            let what: String = switch event.kind {
            case "comment": event.internal ? "internal note" : "comment"
            default: [event.kind, event.field, event.oldValue.map { "from \($0)" }, event.newValue.map { "to \($0)" }].compactMap { $0 }.joined(separator: " ")
            }
            return Event(at: event.at, actor: event.actor, what: what, body: event.body, isInternal: event.internal)
        }
        faults = detail.faults.map { fault in
            Fault(assetId: ticket.assetIds.first ?? 0, code: fault.code, subject: fault.subject, summary: fault.summary,
                  facts: fault.facts.sorted { $0.key < $1.key }.map { AssetView.Field(label: $0.key, value: $0.value.description) })
        }
        articles = detail.suggestedArticles.map { Link(id: $0.id, title: $0.title) }
        hasFaults = !faults.isEmpty
        hasArticles = !articles.isEmpty
        attachments = detail.attachments.map {
            Download(href: "/tickets/\($0.ticketId)/attachments/\($0.id)", title: "\($0.filename) (\(AssetView.bytes(UInt64($0.size))))")
        }
        assets = ticket.assetIds
        self.canned = canned.map { Link(id: $0.id, title: $0.title) }
        impacts = Level.allCases.map { AssetPages.Choice(value: $0.rawValue, label: $0.rawValue, selected: $0 == ticket.impact) }
        urgencies = Level.allCases.map { AssetPages.Choice(value: $0.rawValue, label: $0.rawValue, selected: $0 == ticket.urgency) }
    }
}
