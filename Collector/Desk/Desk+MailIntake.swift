#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideHelpdesk
public import DesksideNotifications
import DesksideStoreSQLite

/// Mail to the help desk's address: a known requester's mail opens a ticket, a reply carrying
/// `[DS-n]` from the ticket's requester or from staff is a public comment on it (a resolved ticket is
/// reopened by its requester's reply), and anything else is refused. Nothing from a mail is ever
/// shown as HTML; attachments are kept up to a cap; a mail sent again (same Message-ID) is taken once.
extension Desk {
    public struct MailIntakeSettings: Sendable {
        /// A mail from an unknown address makes its sender a requester (off: it is refused).
        public var createRequesters = false
        /// The From address must be the envelope's sender (off where the relay rewrites senders, SRS).
        public var requireEnvelopeMatch = true
        public var limits = InboundMail.Limits()

        public init() {}
    }

    public enum MailOutcome: Sendable, Equatable {
        case opened(ticketID: Int64)
        case commented(ticketID: Int64)
        /// Taken and dropped: an automatic reply, a bounce, a mail taken before.
        case ignored(String)
        case refused(String)
    }

    public func receiveMail(_ bytes: [UInt8], envelopeFrom: String, settings: MailIntakeSettings) throws -> MailOutcome {
        let mail: InboundMail
        do {
            mail = try InboundMail(bytes, limits: settings.limits)
        } catch {
            return .refused("\(error)")
        }
        if mail.automatic || envelopeFrom.isEmpty { return .ignored("an automatic message") }
        if let id = mail.messageID, try store.mailSeen(messageID: id) { return .ignored("taken before") }
        guard let from = mail.from else { return .refused("the From header has no address") }
        if settings.requireEnvelopeMatch, envelopeFrom.lowercased() != from.description.lowercased() {
            return .refused("the From address is not the envelope's sender")
        }
        let now = clock()
        var sender = try store.accountPrincipal(email: from.description)
        if sender == nil, settings.createRequesters, mail.ticketNumber == nil {
            let username = try freeUsername(from)
            let account = try store.accounts.blocking.createAccount(.init(username: username, name: from.local, email: from.description, role: .requester),
                                                                    now: now)
            sender = Principal(role: .requester, accountID: account.id, tier: nil, actor: account.username)
        }
        guard let sender, sender.role != .auditor else { return .refused("\(from) is not a requester of this help desk") }
        let attachments = mail.attachments.map { CollectorStore.NewAttachment(filename: $0.filename, contentType: $0.contentType, bytes: $0.bytes) }
        var text = mail.ticketNumber == nil ? mail.text.trimmingCharacters(in: .whitespacesAndNewlines) : mail.reply
        if !mail.droppedAttachments.isEmpty {
            text += "\n\n(Not kept, over the size limit: " + mail.droppedAttachments.joined(separator: ", ") + ")"
        }
        text = String(text.prefix(TextLimits.comment))
        if let number = mail.ticketNumber, let ticket = try store.ticket(id: number),
           sender.role.worksTickets || ticket.requesterId == sender.accountID {
            if ticket.status == .closed {
                return try openTicket(title: "Follow-up to DS-\(number): " + ticket.title, text: text, sender: sender, attachments: attachments, mail: mail, now: now)
            }
            var changes: [TicketChange] = []
            if ticket.status == .resolved, ticket.requesterId == sender.accountID { changes.append(.reopen(reason: "the requester replied by mail")) }
            changes.append(.comment(body: text.isEmpty ? "(an empty reply)" : text, internal: false))
            _ = try store.changeTicketFromMail(ticketID: number, changes, attachments: attachments, messageID: mail.messageID, by: sender, now: now)
            return .commented(ticketID: number)
        }
        if mail.ticketNumber != nil { return .refused("\(from) may not comment on that ticket") }
        guard sender.role == .requester || sender.role.worksTickets else { return .refused("\(from) may not open tickets") }
        return try openTicket(title: mail.subject, text: text, sender: sender, attachments: attachments, mail: mail, now: now)
    }

    private func openTicket(title: String, text: String, sender: Principal, attachments: [CollectorStore.NewAttachment], mail: InboundMail,
                            now: Date) throws -> MailOutcome {
        let cleanTitle = String(HeaderText.clean(title).prefix(TextLimits.title))
        let new = CollectorStore.NewTicket(title: cleanTitle.isEmpty ? "(no subject)" : cleanTitle, description: text.isEmpty ? "(no text)" : text,
                                           requesterId: sender.accountID, category: "general", impact: .low, urgency: .medium, tier: 1, assetIds: [],
                                           source: "requester")
        let ticket = try store.openTicketFromMail(new, attachments: attachments, messageID: mail.messageID, actor: sender.actor, now: now)
        return .opened(ticketID: ticket.id)
    }

    /// A username for a new requester from their address: the local part, made unique.
    private func freeUsername(_ address: MailAddress) throws -> String {
        let base = String(address.local.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }.prefix(50))
        let stem = base.isEmpty ? "requester" : base
        var candidate = stem
        var suffix = 1
        while try store.accounts.blocking.account(username: candidate, now: clock()) != nil {
            suffix += 1
            candidate = "\(stem)\(suffix)"
        }
        return candidate
    }
}
