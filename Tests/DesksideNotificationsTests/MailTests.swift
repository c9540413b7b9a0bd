@testable import DesksideNotifications
import Foundation
import Testing

/// Mail out (headers that no ticket text can break, bodies that no line can break) and mail in (the
/// text of a plain, an alternative and an HTML-only mail, encodings, attachments, and the limits).
@Suite struct MailTests {
    static let date = Date(timeIntervalSince1970: 1_796_606_467)  // Mon, 07 Dec 2026 01:21:07 +0000

    static func message(subject: String, name: String = "Deskside") throws -> String {
        let message = MailMessage(from: try #require(MailAddress("desk@example.com")), fromName: name, to: try #require(MailAddress("jd@example.com")),
                                  subject: subject, messageID: "n-1@example.com", thread: "ticket-7@example.com", date: date,
                                  text: "Hello\n.\nFrom here", html: "<p>Hello</p>", headers: [("X-Deskside-Event", "ticket.opened")])
        return String(decoding: message.bytes(), as: UTF8.self)
    }

    static func headers(_ text: String) -> [String] {
        Array(text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n"))
    }

    /// SECURITY-TESTS 48: a CR/LF in a ticket's title or a person's name injects no header.
    @Test func lineBreaksInTextCannotAddAHeader() throws {
        let text = try Self.message(subject: "[DS-7] Disk full\r\nBcc: all@example.com\nX-Evil: 1", name: "Eve\r\nBcc: x@example.com")
        let headers = Self.headers(text)
        #expect(!headers.contains { $0.hasPrefix("Bcc:") || $0.hasPrefix("X-Evil:") })
        #expect(headers.contains("Subject: [DS-7] Disk full Bcc: all@example.com X-Evil: 1"))
        #expect(headers.contains { $0.hasPrefix("From: \"Eve Bcc: x@example.com\" <desk@example.com>") })
        #expect(headers.contains("Date: Mon, 07 Dec 2026 01:21:07 +0000"))
        #expect(headers.contains("Message-ID: <n-1@example.com>") && headers.contains("References: <ticket-7@example.com>"))
        #expect(text.split(separator: "\r\n", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= 78 })
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends in CRLF")
    }

    @Test func textThatIsNotASCIIIsEncodedWords() throws {
        let text = try Self.message(subject: "Écran noir sur le portable de José — urgent, très urgent, vraiment très urgent")
        let subject = Self.headers(text).drop { !$0.hasPrefix("Subject:") }.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(subject.count > 1 && subject.allSatisfy { $0.utf8.count <= 78 })
        #expect(MIMEWords.decode(subject.joined().replacingOccurrences(of: "Subject: ", with: ""))
                == "Écran noir sur le portable de José — urgent, très urgent, vraiment très urgent")
    }

    @Test func theBodiesReadBackAsWritten() throws {
        let text = try Self.message(subject: "x")
        let mail = try InboundMail(Array(text.utf8))
        #expect(mail.text == "Hello\n.\nFrom here", "the plain part wins over the HTML one")
        #expect(mail.subject == "x" && mail.from == MailAddress("desk@example.com") && mail.automatic, "our own mail says it is automatic")
    }

    @Test(arguments: ["jd@example.com", "first.last+tag@sub.example.org", "o'brien@example.ie"])
    func addressesAreAccepted(text: String) { #expect(MailAddress(text) != nil) }

    @Test(arguments: ["", "jd", "@example.com", "jd@", "jd@example..com", "j d@example.com", "jd@exa mple.com", "jd@example.com\r\nBcc: x",
                      "<jd@example.com>", "\"jd\"@example.com", ".jd@example.com", "jd@-example.com", String(repeating: "a", count: 65) + "@example.com"])
    func notAddressesAreRefused(text: String) { #expect(MailAddress(text) == nil) }

    static func mail(_ lines: [String]) throws -> InboundMail { try InboundMail(Array(lines.joined(separator: "\r\n").utf8)) }

    @Test func anHTMLOnlyMailIsReducedToText() throws {
        let mail = try Self.mail([
            "From: Jean Dupont <jd@example.com>", "Subject: =?iso-8859-1?Q?=C9cran_noir?=", "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable", "",
            "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>My screen is <b>black</b> &amp; cold=",
            "</p><p>Since 9&#58;00</p><img src=3Dx onerror=3Dalert(1)></body></html>",
        ])
        #expect(mail.subject == "Écran noir")
        #expect(mail.from == MailAddress("jd@example.com"))
        #expect(mail.text == "My screen is black & cold\n\nSince 9:00")
        #expect(!mail.automatic)
    }

    @Test func attachmentsAreKeptUpToTheirCap() throws {
        let small = Data("hello".utf8).base64EncodedString(), large = Data(repeating: 65, count: 3000).base64EncodedString()
        var limits = InboundMail.Limits()
        limits.maxAttachmentBytes = 1000
        let mail = try InboundMail(Array([
            "From: jd@example.com", "Subject: logs", "Content-Type: multipart/mixed; boundary=\"b1\"", "", "preamble",
            "--b1", "Content-Type: multipart/alternative; boundary=b2", "",
            "--b2", "Content-Type: text/plain; charset=utf-8", "", "See the logs.", "--b2", "Content-Type: text/html", "", "<p>ignored</p>", "--b2--",
            "--b1", "Content-Type: text/plain; name=\"a.txt\"", "Content-Disposition: attachment; filename=\"a.txt\"", "Content-Transfer-Encoding: base64", "", small,
            "--b1", "Content-Type: application/octet-stream", "Content-Disposition: attachment; filename=big.bin", "Content-Transfer-Encoding: base64", "", large,
            "--b1--", "epilogue",
        ].joined(separator: "\r\n").utf8), limits: limits)
        #expect(mail.text == "See the logs.")
        #expect(mail.attachments == [InboundMail.Attachment(filename: "a.txt", contentType: "text/plain", bytes: Array("hello".utf8))])
        #expect(mail.droppedAttachments == ["big.bin"])
    }

    /// SECURITY-TESTS 49: MIME nested 10,000 deep is refused, quickly, without deep recursion.
    @Test func aMIMEBombIsRefused() {
        var lines = ["From: jd@example.com", "Subject: bomb"]
        for depth in 0..<10_000 { lines += ["Content-Type: multipart/mixed; boundary=b\(depth)", "", "--b\(depth)"] }
        lines.append("hi")
        #expect(throws: InboundMailError.tooDeep(8)) { try Self.mail(lines) }
        let wide = ["From: jd@example.com", "Content-Type: multipart/mixed; boundary=w", ""] + (0..<500).flatMap { _ in ["--w", "", "x"] } + ["--w--"]
        #expect(throws: InboundMailError.tooManyParts(100)) { try Self.mail(wide) }
        let headers = ["From: jd@example.com"] + (0..<300).map { "X-Header-\($0): x" } + ["", "body"]
        #expect(throws: InboundMailError.tooManyHeaders(200)) { try Self.mail(headers) }
        #expect(throws: InboundMailError.malformed("a multipart part without a boundary")) {
            try Self.mail(["From: jd@example.com", "Content-Type: multipart/mixed", "", "x"])
        }
    }
}
