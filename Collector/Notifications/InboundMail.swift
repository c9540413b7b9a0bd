import Foundation

/// A mail sent to the help desk, read with limits: at most `maxHeaders` header lines per part,
/// `maxParts` parts, MIME nested `maxDepth` deep; the text is the first text/plain part (or an HTML
/// one reduced to text: nothing from a mail is ever rendered as HTML); attachments are kept up to
/// `maxAttachmentBytes` in all. The listener caps the whole size and the line length before this.
public struct InboundMail: Sendable, Equatable {
    public struct Attachment: Sendable, Equatable {
        public var filename: String
        public var contentType: String
        public var bytes: [UInt8]
    }

    public struct Limits: Sendable {
        public var maxHeaders = 200
        public var maxParts = 100
        public var maxDepth = 8
        public var maxAttachmentBytes = 10 << 20

        public init() {}
    }

    /// The `From:` address (the envelope's sender is the forwarding server's business).
    public var from: MailAddress?
    public var subject: String
    public var messageID: String?
    public var text: String
    public var attachments: [Attachment]
    /// Attachments left out: over the cap, or too many.
    public var droppedAttachments: [String]
    /// An auto-reply, a bounce or a list message (`Auto-Submitted`, `Precedence: bulk`): answered by nothing.
    public var automatic: Bool

    public init(_ bytes: [UInt8], limits: Limits = Limits()) throws(InboundMailError) {
        var reader = Reader(limits: limits)
        let root = try reader.part(bytes[...], depth: 0)
        from = root.headers.first("from").flatMap(Self.address)
        subject = String(MIMEWords.decode(root.headers.first("subject") ?? "").prefix(500))
        messageID = root.headers.first("message-id").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " <>")) }
        let auto = root.headers.first("auto-submitted")?.lowercased() ?? "no"
        let precedence = root.headers.first("precedence")?.lowercased() ?? ""
        automatic = !auto.hasPrefix("no") || ["bulk", "junk", "list", "auto_reply"].contains(precedence)
            || root.headers.first("x-autoreply") != nil || root.headers.first("list-id") != nil
        // Lines end in LF, as the desk's other text does (and "\r\n" is one Character in Swift).
        text = (reader.plain ?? reader.html.map(HTMLText.text) ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        attachments = reader.attachments
        droppedAttachments = reader.dropped
    }

    /// The address in a `From:` value: `Name <a@b>` or `a@b`.
    static func address(_ value: String) -> MailAddress? {
        if let open = value.lastIndex(of: "<"), let close = value[open...].firstIndex(of: ">") {
            return MailAddress(String(value[value.index(after: open)..<close]).trimmingCharacters(in: .whitespaces))
        }
        return MailAddress(value.trimmingCharacters(in: .whitespaces))
    }

    struct Headers {
        var fields: [(name: String, value: String)] = []

        func first(_ name: String) -> String? { fields.first { $0.name == name }?.value }
    }

    struct Part {
        var headers: Headers
    }

    struct Reader {
        let limits: Limits
        var parts = 0
        var plain: String?
        var html: String?
        var attachments: [Attachment] = []
        var attachmentBytes = 0
        var dropped: [String] = []

        init(limits: Limits) { self.limits = limits }

        mutating func part(_ bytes: ArraySlice<UInt8>, depth: Int) throws(InboundMailError) -> Part {
            guard depth <= limits.maxDepth else { throw .tooDeep(limits.maxDepth) }
            parts += 1
            guard parts <= limits.maxParts else { throw .tooManyParts(limits.maxParts) }
            let (headerBytes, body) = Self.split(bytes)
            let headers = try Self.headers(headerBytes, limit: limits.maxHeaders)
            let type = ContentType(headers.first("content-type") ?? "text/plain")
            let encoding = (headers.first("content-transfer-encoding") ?? "7bit").trimmingCharacters(in: .whitespaces).lowercased()
            let disposition = ContentType(headers.first("content-disposition") ?? "inline")
            if type.type == "multipart" {
                guard let boundary = type.parameters["boundary"], !boundary.isEmpty else { throw .malformed("a multipart part without a boundary") }
                for child in Self.children(body, boundary: Array(("--" + boundary).utf8)) {
                    _ = try part(child, depth: depth + 1)
                }
                return Part(headers: headers)
            }
            let decoded = Self.decode(body, encoding: encoding)
            let filename = disposition.parameters["filename"] ?? type.parameters["name"]
            if disposition.type == "attachment" || (filename != nil && type.type != "text") || type.type == "message"
                || (type.type != "text" && type.type != "multipart") {
                keep(Attachment(filename: String(MIMEWords.decode(filename ?? "attachment").prefix(200)), contentType: type.type + "/" + type.subtype,
                                bytes: decoded))
            } else if type.subtype == "html" {
                if html == nil { html = Charset.decode(decoded, type.parameters["charset"]) }
            } else if plain == nil {
                plain = Charset.decode(decoded, type.parameters["charset"])
            }
            return Part(headers: headers)
        }

        mutating func keep(_ attachment: Attachment) {
            guard attachmentBytes + attachment.bytes.count <= limits.maxAttachmentBytes, attachments.count < 20 else {
                dropped.append(attachment.filename)
                return
            }
            attachmentBytes += attachment.bytes.count
            attachments.append(attachment)
        }

        /// Headers and body, at the first empty line (CRLF or LF endings).
        static func split(_ bytes: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
            var index = bytes.startIndex
            var lineStart = index
            while index < bytes.endIndex {
                if bytes[index] == 10 {
                    let line = bytes[lineStart..<index]
                    if line.isEmpty || line == [13] { return (bytes[bytes.startIndex..<lineStart], bytes[(index + 1)...]) }
                    lineStart = index + 1
                }
                index += 1
            }
            return (bytes, [])
        }

        static func headers(_ bytes: ArraySlice<UInt8>, limit: Int) throws(InboundMailError) -> Headers {
            var headers = Headers()
            var lines = 0
            for raw in bytes.split(separator: 10, omittingEmptySubsequences: true) {
                lines += 1
                guard lines <= limit else { throw .tooManyHeaders(limit) }
                let line = String(decoding: raw.last == 13 ? raw.dropLast() : raw, as: UTF8.self)
                if line.first == " " || line.first == "\t", !headers.fields.isEmpty {
                    headers.fields[headers.fields.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                } else if let colon = line.firstIndex(of: ":") {
                    headers.fields.append((line[..<colon].trimmingCharacters(in: .whitespaces).lowercased(),
                                           line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
                }
            }
            return headers
        }

        /// The parts between boundary lines (a preamble and an epilogue are left out).
        static func children(_ body: ArraySlice<UInt8>, boundary: [UInt8]) -> [ArraySlice<UInt8>] {
            var result: [ArraySlice<UInt8>] = []
            var current: Int?
            var lineStart = body.startIndex
            while lineStart < body.endIndex {
                let end = body[lineStart...].firstIndex(of: 10) ?? body.endIndex
                var line = body[lineStart..<end]
                if line.last == 13 { line = line.dropLast() }
                if line.starts(with: boundary) {
                    let rest = line.dropFirst(boundary.count)
                    if rest.isEmpty || rest.allSatisfy({ $0 == 32 || $0 == 9 }) || rest.starts(with: [45, 45]) {
                        if let start = current {
                            // The CRLF before a boundary belongs to the boundary.
                            var stop = lineStart
                            if stop > start, body[stop - 1] == 10 { stop -= 1 }
                            if stop > start, body[stop - 1] == 13 { stop -= 1 }
                            result.append(body[start..<stop])
                        }
                        if rest.starts(with: [45, 45]) { return result }
                        current = min(end + 1, body.endIndex)
                    }
                }
                lineStart = end + 1
            }
            if let start = current, start < body.endIndex { result.append(body[start...]) }
            return result
        }

        static func decode(_ body: ArraySlice<UInt8>, encoding: String) -> [UInt8] {
            switch encoding {
            case "base64":
                let text = body.filter { !($0 == 10 || $0 == 13 || $0 == 32 || $0 == 9) }
                return Data(base64Encoded: Data(text), options: .ignoreUnknownCharacters).map { Array($0) } ?? []
            case "quoted-printable":
                return QuotedPrintable.decode(body)
            default:
                return Array(body)
            }
        }
    }
}

public enum InboundMailError: Error, Equatable, CustomStringConvertible {
    case tooDeep(Int)
    case tooManyParts(Int)
    case tooManyHeaders(Int)
    case malformed(String)

    public var description: String {
        switch self {
        case .tooDeep(let depth): "MIME parts are nested more than \(depth) deep"
        case .tooManyParts(let count): "the mail has more than \(count) MIME parts"
        case .tooManyHeaders(let count): "a part has more than \(count) header lines"
        case .malformed(let what): "the mail is malformed: \(what)"
        }
    }
}

/// `type/subtype; name=value; name="quoted value"`, names in lower case.
struct ContentType {
    var type: String
    var subtype: String
    var parameters: [String: String] = [:]

    init(_ value: String) {
        let pieces = Self.split(value)
        let full = (pieces.first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let slash = full.split(separator: "/", maxSplits: 1).map { String($0) }
        type = slash.first ?? "text"
        subtype = slash.count > 1 ? slash[1] : ""
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            parameters[name] = value.replacingOccurrences(of: "\\\"", with: "\"")
        }
    }

    /// Split at semicolons outside quotes.
    static func split(_ value: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in value {
            if character == "\"" { quoted.toggle() }
            if character == ";", !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        return pieces
    }
}

enum QuotedPrintable {
    static func decode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 48...57: byte - 48
            case 65...70: byte - 55
            case 97...102: byte - 87
            default: nil
            }
        }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 61 {  // "="
                let next = bytes.index(after: index)
                if next < bytes.endIndex, bytes[next] == 13 || bytes[next] == 10 {
                    // A soft line break.
                    index = bytes[next] == 13 && next + 1 < bytes.endIndex && bytes[next + 1] == 10 ? next + 2 : next + 1
                    continue
                }
                if next + 1 < bytes.endIndex, let high = hexValue(bytes[next]), let low = hexValue(bytes[next + 1]) {
                    result.append(high << 4 | low)
                    index = next + 2
                    continue
                }
            }
            result.append(byte)
            index += 1
        }
        return result
    }
}

/// Text in a charset the desk reads: UTF-8, ASCII, ISO-8859-1 and Windows-1252 (as ISO-8859-1);
/// anything else as UTF-8 with replacement characters.
enum Charset {
    static func decode(_ bytes: [UInt8], _ charset: String?) -> String {
        switch charset?.lowercased() ?? "utf-8" {
        case "iso-8859-1", "latin1", "iso_8859-1", "windows-1252", "cp1252":
            String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        default:
            String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// RFC 2047 encoded words (`=?UTF-8?B?...?=`, `=?iso-8859-1?Q?...?=`) in a header, decoded.
enum MIMEWords {
    static func decode(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var result = ""
        var rest = Substring(value)
        var lastWasWord = false
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            let afterStart = rest[start.upperBound...]
            let pieces = afterStart.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard pieces.count == 4, pieces[3].hasPrefix("="), let encoding = pieces[1].first else {
                result += rest[..<start.upperBound]
                rest = afterStart
                lastWasWord = false
                continue
            }
            // Spaces between two encoded words are not text.
            if !(lastWasWord && before.allSatisfy { $0 == " " || $0 == "\t" }) { result += before }
            let payload = Array(pieces[2].utf8)
            let bytes: [UInt8]
            switch encoding {
            case "B", "b": bytes = Data(base64Encoded: Data(payload), options: .ignoreUnknownCharacters).map { Array($0) } ?? []
            case "Q", "q": bytes = QuotedPrintable.decode(payload.map { $0 == 95 ? 32 : $0 }[...])
            default: bytes = payload
            }
            result += Charset.decode(bytes, String(pieces[0]))
            rest = pieces[3].dropFirst()
            lastWasWord = true
        }
        return result + rest
    }
}

/// HTML reduced to its text: scripts and styles dropped, tags removed, block ends as line breaks,
/// the common entities decoded. The result is shown as text, never as HTML.
enum HTMLText {
    static func text(_ source: String) -> String {
        let html = source.replacingOccurrences(of: "\r\n", with: "\n")
        var output = ""
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            if character == "<", let close = html[index...].firstIndex(of: ">") {
                let tag = html[html.index(after: index)..<close].lowercased()
                let name = tag.prefix { $0.isLetter || $0 == "/" }
                if name == "script" || name == "style", let end = html.range(of: "</" + name, options: .caseInsensitive, range: close..<html.endIndex) {
                    index = html[end.upperBound...].firstIndex(of: ">").map { html.index(after: $0) } ?? html.endIndex
                    continue
                }
                if ["br", "/p", "p", "/div", "li", "/tr", "/h1", "/h2", "/h3", "/li"].contains(String(name)) { output += "\n" }
                index = html.index(after: close)
                continue
            }
            output.append(character)
            index = html.index(after: index)
        }
        return entities(output).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
            .replacingOccurrences(of: "\n\n\n", with: "\n\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func entities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.prefix(10).firstIndex(of: ";") {
                let name = after[..<semicolon]
                let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " "][String(name)]
                var numeric: String?
                if name.hasPrefix("#") {
                    let digits = name.dropFirst()
                    let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                    numeric = value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                }
                if let replacement = named ?? numeric {
                    result += replacement
                    rest = after[after.index(after: semicolon)...]
                    continue
                }
            }
            result += "&"
            rest = after
        }
        return result + rest
    }
}
