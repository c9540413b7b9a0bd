/// A small XML reader for documents from the network: elements, text, CDATA, comments and the five
/// predefined entities with character references, and nothing that can make a document grow or
/// reach outside it. A DOCTYPE (and so any DTD, entity declaration or external entity) is refused
/// before anything is expanded; an entity other than the five is refused; depth, element count,
/// name length and text length are capped as the reader goes. Attributes are read over and ignored:
/// the OCS and FusionInventory requests have none.
///
/// The text is UTF-8. A UTF-16 document (it starts with a byte-order mark) and one declared
/// ISO-8859-1 (old OCS agents) are converted first; bytes that are not valid UTF-8 become U+FFFD
/// rather than cost the machine its inventory.
public enum BoundedXML {
    public struct Limits: Sendable {
        public var maxDepth = 32
        public var maxElements = 2_000_000
        public var maxNameBytes = 128
        public var maxTextBytes = 1 << 20

        public init() {}
    }

    /// One element: its name as written, its text (the concatenation of its text and CDATA), and its children.
    public struct Element: Sendable, Equatable {
        public var name: String
        public var text: String
        public var children: [Element]

        public init(name: String, text: String = "", children: [Element] = []) {
            self.name = name
            self.text = text
            self.children = children
        }
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case doctype
        case entity(String)
        case tooDeep(Int)
        case tooManyElements(Int)
        case tooLong(String)
        case encoding(String)
        case malformed(String, offset: Int)

        public var description: String {
            switch self {
            case .doctype: "a DOCTYPE (DTD) is not accepted"
            case .entity(let name): "the entity &\(name); is not accepted (only &lt; &gt; &amp; &quot; &apos; and character references)"
            case .tooDeep(let limit): "elements nested more than \(limit) deep"
            case .tooManyElements(let limit): "more than \(limit) elements"
            case .tooLong(let what): "\(what) is too long"
            case .encoding(let name): "the encoding \(name) is not supported (UTF-8, UTF-16 with a byte-order mark, ISO-8859-1)"
            case .malformed(let what, let offset): "malformed XML at byte \(offset): \(what)"
            }
        }
    }

    /// Reads the document's root element.
    public static func parse(_ input: [UInt8], limits: Limits = Limits()) throws(Failure) -> Element {
        var reader = Reader(bytes: try utf8(input), limits: limits)
        return try reader.document()
    }

    /// The document as UTF-8 bytes: a UTF-16 byte-order mark or an ISO-8859-1 declaration converts it.
    static func utf8(_ input: [UInt8]) throws(Failure) -> [UInt8] {
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(input.dropFirst(3)) }
        if input.starts(with: [0xFF, 0xFE]) || input.starts(with: [0xFE, 0xFF]) {
            let bigEndian = input[0] == 0xFE
            var units: [UInt16] = []
            units.reserveCapacity(input.count / 2)
            var index = 2
            while index + 1 < input.count {
                units.append(bigEndian ? UInt16(input[index]) << 8 | UInt16(input[index + 1]) : UInt16(input[index + 1]) << 8 | UInt16(input[index]))
                index += 2
            }
            return Array(String(decoding: units, as: UTF16.self).utf8)
        }
        guard input.starts(with: Array("<?xml".utf8)), let end = input.firstIndex(of: UInt8(ascii: ">")) else { return input }
        let declaration = String(decoding: input[..<end], as: UTF8.self).lowercased()
        guard let range = declaration.firstRange(of: "encoding") else { return input }
        let separators: Set<Character> = [" ", "=", "\"", "'"]
        let rest = declaration[range.upperBound...].drop { separators.contains($0) }
        let name = String(rest.prefix { !separators.contains($0) && $0 != "?" })
        switch name {
        case "utf-8", "utf8", "us-ascii", "ascii", "":
            return input
        case "utf-16", "utf16":
            // Declared UTF-16 but written in single bytes (no byte-order mark): the bytes say what they are.
            return input
        case "iso-8859-1", "latin1", "iso8859-1", "latin-1", "windows-1252", "cp1252":
            var output: [UInt8] = []
            output.reserveCapacity(input.count + input.count / 8)
            for byte in input {
                if byte < 0x80 {
                    output.append(byte)
                } else {
                    output.append(0xC0 | byte >> 6)
                    output.append(0x80 | byte & 0x3F)
                }
            }
            return output
        default:
            throw .encoding(name)
        }
    }

    struct Reader {
        let bytes: [UInt8]
        let limits: Limits
        var index = 0
        var elements = 0

        init(bytes: [UInt8], limits: Limits) {
            self.bytes = bytes
            self.limits = limits
        }

        mutating func document() throws(Failure) -> Element {
            try misc()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { throw .malformed("no root element", offset: index) }
            let root = try element()
            try misc()
            guard index == bytes.count else { throw .malformed("content after the root element", offset: index) }
            return root
        }

        /// Whitespace, processing instructions and comments outside the root; a DOCTYPE is refused here.
        mutating func misc() throws(Failure) {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D:
                    index += 1
                case UInt8(ascii: "<"):
                    if starts("<?") {
                        try skip(past: "?>")
                    } else if starts("<!--") {
                        try skip(past: "-->")
                    } else if starts("<!") {
                        throw .doctype
                    } else {
                        return
                    }
                default:
                    return
                }
            }
        }

        func starts(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            return text.withUTF8Buffer { pattern in
                for offset in 0..<count where bytes[index + offset] != pattern[offset] { return false }
                return true
            }
        }

        mutating func skip(past text: StaticString) throws(Failure) {
            let start = index
            while index < bytes.count {
                if starts(text) {
                    index += text.utf8CodeUnitCount
                    return
                }
                index += 1
            }
            throw .malformed("unterminated markup", offset: start)
        }

        /// An element and everything in it, iteratively (no recursion: a deep document cannot exhaust the stack).
        mutating func element() throws(Failure) -> Element {
            var stack: [(element: Element, text: [UInt8])] = []
            while true {
                guard index < bytes.count else { throw .malformed("unexpected end of the document", offset: index) }
                if bytes[index] == UInt8(ascii: "<") {
                    if starts("</") {
                        index += 2
                        let name = try readName()
                        skipSpace()
                        guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw .malformed("bad end tag", offset: index) }
                        index += 1
                        guard let (element, text) = stack.popLast(), element.name == name else {
                            throw .malformed("end tag </\(name)> does not match", offset: index)
                        }
                        var open = element
                        open.text = String(decoding: text, as: UTF8.self)
                        if !open.children.isEmpty && open.text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { open.text = "" }
                        if stack.isEmpty { return open }
                        stack[stack.count - 1].element.children.append(open)
                    } else if starts("<!--") {
                        try skip(past: "-->")
                    } else if starts("<![CDATA[") {
                        guard !stack.isEmpty else { throw .malformed("CDATA outside an element", offset: index) }
                        index += 9
                        let start = index
                        while index < bytes.count && !starts("]]>") { index += 1 }
                        guard index < bytes.count else { throw .malformed("unterminated CDATA", offset: start) }
                        try append(bytes[start..<index], to: &stack[stack.count - 1].text)
                        index += 3
                    } else if starts("<!") {
                        throw .doctype
                    } else if starts("<?") {
                        try skip(past: "?>")
                    } else {
                        index += 1
                        let name = try readName()
                        try skipAttributes()
                        elements += 1
                        guard elements <= limits.maxElements else { throw .tooManyElements(limits.maxElements) }
                        if starts("/>") {
                            index += 2
                            let empty = Element(name: name)
                            if stack.isEmpty { return empty }
                            stack[stack.count - 1].element.children.append(empty)
                        } else {
                            index += 1
                            guard stack.count < limits.maxDepth else { throw .tooDeep(limits.maxDepth) }
                            stack.append((Element(name: name), []))
                        }
                    }
                } else {
                    guard !stack.isEmpty else { throw .malformed("text outside the root element", offset: index) }
                    let start = index
                    while index < bytes.count && bytes[index] != UInt8(ascii: "<") && bytes[index] != UInt8(ascii: "&") { index += 1 }
                    try append(bytes[start..<index], to: &stack[stack.count - 1].text)
                    if index < bytes.count && bytes[index] == UInt8(ascii: "&") {
                        try reference(into: &stack[stack.count - 1].text)
                    }
                }
            }
        }

        func append(_ slice: ArraySlice<UInt8>, to text: inout [UInt8]) throws(Failure) {
            guard text.count + slice.count <= limits.maxTextBytes else { throw .tooLong("a text value") }
            text.append(contentsOf: slice)
        }

        mutating func readName() throws(Failure) -> String {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=") { break }
                index += 1
                guard index - start <= limits.maxNameBytes else { throw .tooLong("an element name") }
            }
            guard index > start else { throw .malformed("a name was expected", offset: index) }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// Steps over `name="value"` pairs to the tag's `>` or `/>`.
        mutating func skipAttributes() throws(Failure) {
            while true {
                skipSpace()
                guard index < bytes.count else { throw .malformed("unterminated start tag", offset: index) }
                if bytes[index] == UInt8(ascii: ">") || starts("/>") { return }
                _ = try readName()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw .malformed("an attribute without a value", offset: index) }
                index += 1
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                    throw .malformed("an unquoted attribute value", offset: index)
                }
                let quote = bytes[index]
                index += 1
                let start = index
                while index < bytes.count && bytes[index] != quote {
                    guard index - start < limits.maxTextBytes else { throw .tooLong("an attribute value") }
                    index += 1
                }
                guard index < bytes.count else { throw .malformed("unterminated attribute value", offset: start) }
                index += 1
            }
        }

        /// `&...;` at `index`: one of the five predefined entities or a character reference.
        mutating func reference(into text: inout [UInt8]) throws(Failure) {
            let start = index
            index += 1
            while index < bytes.count && bytes[index] != UInt8(ascii: ";") {
                guard index - start <= 12 else { throw .malformed("a reference without ';'", offset: start) }
                index += 1
            }
            guard index < bytes.count else { throw .malformed("a reference without ';'", offset: start) }
            let name = String(decoding: bytes[(start + 1)..<index], as: UTF8.self)
            index += 1
            let replacement: [UInt8]
            switch name {
            case "lt": replacement = [UInt8(ascii: "<")]
            case "gt": replacement = [UInt8(ascii: ">")]
            case "amp": replacement = [UInt8(ascii: "&")]
            case "quot": replacement = [UInt8(ascii: "\"")]
            case "apos": replacement = [UInt8(ascii: "'")]
            default:
                guard name.hasPrefix("#") else { throw .entity(name) }
                let digits = name.dropFirst()
                let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                guard let value, value != 0, let scalar = Unicode.Scalar(value) else { throw .malformed("a character reference to no character", offset: start) }
                replacement = Array(String(Character(scalar)).utf8)
            }
            try append(replacement[...], to: &text)
        }
    }
}
