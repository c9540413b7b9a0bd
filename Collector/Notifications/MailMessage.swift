public import Foundation

/// A message as the desk sends it (RFC 5322 and MIME): plain text and simple HTML as alternatives,
/// each base64-encoded (so no body line is long and none starts with a dot or `From `), headers whose
/// text can hold no line break (a CR or LF in a ticket's title or a person's name is a space, and text
/// that is not ASCII is an RFC 2047 encoded word), a Message-ID made from the notification's id (a
/// resent copy is the same message to the receiving side), and the ticket's thread in `References`.
public struct MailMessage: Sendable, Equatable {
    public var from: MailAddress
    public var fromName: String
    public var to: MailAddress
    public var subject: String
    /// Without angle brackets: `<id>@<sender's domain>`.
    public var messageID: String
    /// The thread this message belongs to (`ticket-123@domain`), for `In-Reply-To` and `References`.
    public var thread: String?
    public var date: Date
    public var text: String
    public var html: String
    /// More headers (names are fixed by the caller; values are cleaned like the others).
    public var headers: [(String, String)]

    public init(from: MailAddress, fromName: String, to: MailAddress, subject: String, messageID: String, thread: String?, date: Date,
                text: String, html: String, headers: [(String, String)] = []) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.messageID = messageID
        self.thread = thread
        self.date = date
        self.text = text
        self.html = html
        self.headers = headers
    }

    public static func == (a: MailMessage, b: MailMessage) -> Bool { a.bytes() == b.bytes() }

    /// The message as it goes after DATA, lines ended by CRLF (the SMTP client adds dot-stuffing).
    public func bytes() -> [UInt8] {
        let boundary = "=_deskside_" + String(messageID.utf8.reduce(UInt64(14695981039346656037)) { ($0 ^ UInt64($1)) &* 1099511628211 }, radix: 36)
        var lines = [
            "From: " + HeaderText.phrase(fromName) + " <\(from)>",
            "To: <\(to)>",
            "Subject: " + HeaderText.encode(subject),
            "Date: " + Self.rfc5322(date),
            "Message-ID: <\(HeaderText.clean(messageID))>",
        ]
        if let thread {
            lines.append("In-Reply-To: <\(HeaderText.clean(thread))>")
            lines.append("References: <\(HeaderText.clean(thread))>")
        }
        lines += ["MIME-Version: 1.0", "Auto-Submitted: auto-generated"]
        lines += headers.map { "\($0.0): " + HeaderText.encode($0.1) }
        lines += ["Content-Type: multipart/alternative; boundary=\"\(boundary)\"", ""]
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            lines += ["--" + boundary, "Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""]
            lines += Self.base64Lines(Array(body.utf8))
        }
        lines.append("--" + boundary + "--")
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let encoded = Data(bytes).base64EncodedString()
        var lines: [String] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[start..<end]))
            start = end
        }
        return lines
    }

    /// `Mon, 07 Dec 2026 01:41:07 +0000`, whatever the machine's locale.
    static func rfc5322(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(format: "%@, %02d %@ %04d %02d:%02d:%02d +0000", days[Int(parts.tm_wday)], parts.tm_mday, months[Int(parts.tm_mon)],
                      parts.tm_year + 1900, parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}

/// Text in a header: one line, whatever it held.
public enum HeaderText {
    /// Control characters (CR and LF among them) become spaces; runs of spaces one; at most 200 characters.
    public static func clean(_ text: String) -> String {
        var result = ""
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            let space = scalar.properties.generalCategory == .control || scalar == " " || scalar == "\u{2028}" || scalar == "\u{2029}"
            if space {
                if !lastWasSpace, !result.isEmpty { result.append(" ") }
            } else {
                result.unicodeScalars.append(scalar)
            }
            lastWasSpace = space
        }
        return String(result.trimmingCharacters(in: .whitespaces).prefix(200))
    }

    /// The cleaned text as is when it is printable ASCII, else as RFC 2047 encoded words (UTF-8,
    /// base64), each of at most 64 characters, on folded lines.
    public static func encode(_ text: String) -> String {
        let cleaned = clean(text)
        if cleaned.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return cleaned }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in cleaned {
            let bytes = Array(String(character).utf8)
            // 39 bytes of UTF-8 are 52 of base64: with "=?UTF-8?B?" and "?=" a word is 64, and the
            // first line, after "Subject: ", 73.
            if chunk.count + bytes.count > 39 {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A display name: encoded, or quoted when it holds characters with a meaning in an address.
    public static func phrase(_ text: String) -> String {
        let cleaned = clean(text)
        let encoded = encode(cleaned)
        guard encoded == cleaned else { return encoded }
        if cleaned.allSatisfy({ $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" }) { return cleaned }
        return "\"" + cleaned.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
