#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideHelpdesk
import GRDB

/// Mail to the help desk, written in one transaction each: the ticket it opens or the change it makes,
/// its attachments, and its Message-ID (a mail the relay sends again is taken once).
extension CollectorStore {
    /// A file that came with a mail.
    public struct NewAttachment: Sendable {
        public var filename: String
        public var contentType: String
        public var bytes: [UInt8]

        public init(filename: String, contentType: String, bytes: [UInt8]) {
            self.filename = filename
            self.contentType = contentType
            self.bytes = bytes
        }
    }

    public struct AttachmentRecord: Codable, Sendable, Equatable {
        public var id: Int64
        public var ticketId: Int64
        public var filename: String
        public var contentType: String
        public var size: Int
        public var createdAt: String
    }

    /// Whether a mail with this Message-ID was taken already (and the ticket it went to).
    public func mailSeen(messageID: String) throws -> Bool {
        try pool.read { db in try Int.fetchOne(cached: db, sql: "SELECT 1 FROM inboundMail WHERE messageId = ?", arguments: [messageID]) != nil }
    }

    /// A new ticket from a mail.
    public func openTicketFromMail(_ new: NewTicket, attachments: [NewAttachment], messageID: String?, actor: String, now: Date) throws -> Ticket {
        try pool.write { db in
            let id = try Self.insertTicket(db, new, faultCode: nil, stormId: nil, actor: actor, body: nil, now: now, levels: helpdesk.serviceLevels)
            try Self.keepMail(db, ticketID: id, attachments: attachments, messageID: messageID, now: now)
            return try Self.fetchTicket(db, id: id)!
        }
    }

    /// Changes to a ticket from a mail (a reopening, then the comment), by `principal`.
    public func changeTicketFromMail(ticketID: Int64, _ changes: [TicketChange], attachments: [NewAttachment], messageID: String?, by principal: Principal,
                                     now: Date) throws -> Ticket {
        try pool.write { db in
            for change in changes {
                guard let ticket = try Self.fetchTicket(db, id: ticketID) else { throw HelpdeskError.notFound }
                try Self.apply(change, to: ticket, db: db, actor: principal.actor, isStaff: principal.role.worksTickets, now: now, levels: helpdesk.serviceLevels)
            }
            try Self.keepMail(db, ticketID: ticketID, attachments: attachments, messageID: messageID, now: now)
            return try Self.fetchTicket(db, id: ticketID)!
        }
    }

    private static func keepMail(_ db: Database, ticketID: Int64, attachments: [NewAttachment], messageID: String?, now: Date) throws {
        let time = Timestamp.text(now)
        for attachment in attachments {
            try db.run("INSERT INTO ticketAttachment (ticketId, filename, contentType, size, data, createdAt) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [ticketID, attachment.filename, attachment.contentType, attachment.bytes.count, Data(attachment.bytes), time])
        }
        if let messageID {
            try db.run("INSERT OR IGNORE INTO inboundMail (messageId, ticketId, receivedAt) VALUES (?, ?, ?)", arguments: [messageID, ticketID, time])
        }
    }

    public func attachments(ticketID: Int64) throws -> [AttachmentRecord] {
        try pool.read { db in
            try Row.fetchAll(cached: db, sql: "SELECT id, ticketId, filename, contentType, size, createdAt FROM ticketAttachment WHERE ticketId = ? ORDER BY id",
                             arguments: [ticketID]).map(Self.attachment)
        }
    }

    /// An attachment and its bytes.
    public func attachment(id: Int64, ticketID: Int64) throws -> (AttachmentRecord, [UInt8])? {
        try pool.read { db in
            try Row.fetchOne(cached: db, sql: "SELECT id, ticketId, filename, contentType, size, createdAt, data FROM ticketAttachment WHERE id = ? AND ticketId = ?",
                             arguments: [id, ticketID]).map { (Self.attachment($0), Array($0["data"] as Data)) }
        }
    }

    static func attachment(_ row: Row) -> AttachmentRecord {
        AttachmentRecord(id: row["id"], ticketId: row["ticketId"], filename: row["filename"], contentType: row["contentType"], size: row["size"],
                         createdAt: row["createdAt"])
    }

    /// The account whose address this is (any case), with its principal.
    public func accountPrincipal(email: String) throws -> Principal? {
        try pool.read { db in
            guard let row = try Row.fetchOne(cached: db, sql: """
                SELECT id, username, role, tier FROM account WHERE lower(email) = lower(?) AND email != '' AND status != 'departed' ORDER BY id LIMIT 1
                """, arguments: [email]), let role = Role(rawValue: row["role"]) else { return nil }
            return Principal(role: role, accountID: row["id"], tier: row["tier"], actor: row["username"])
        }
    }
}
