/// Knowledge-base Markdown as blocks and spans for the `markdown` template, never as HTML: the
/// template engine escapes every piece of text, so markup typed into an article shows as text.
/// The subset articles need: headings, paragraphs, lists, code blocks, quotes, `code`, **strong**,
/// *emphasis* and links, whose targets may only be http(s), mailto or a path of the console.
struct Markdown {
    struct Span {
        var text: String
        var href: String
        var isText = false
        var isStrong = false
        var isEmphasis = false
        var isCode = false
        var isLink = false
    }

    struct Item {
        var spans: [Span]
    }

    struct Block {
        var spans: [Span] = []
        var items: [Item] = []
        var code = ""
        var isH2 = false
        var isH3 = false
        var isH4 = false
        var isParagraph = false
        var isList = false
        var isOrdered = false
        var isCode = false
        var isQuote = false
    }

    var blocks: [Block] = []

    init(_ source: String) {
        var lines = source.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[...]
        var paragraph: [String] = []
        func flush() {
            if !paragraph.isEmpty { blocks.append(Block(spans: Self.spans(paragraph.joined(separator: " ")), isParagraph: true)) }
            paragraph = []
        }
        while let line = lines.popFirst() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                flush()
                var code: [String] = []
                while let next = lines.popFirst(), !next.trimmingCharacters(in: .whitespaces).hasPrefix("```") { code.append(next) }
                blocks.append(Block(code: code.joined(separator: "\n"), isCode: true))
            } else if trimmed.isEmpty {
                flush()
            } else if let level = Self.heading(trimmed) {
                flush()
                let text = String(trimmed.drop { $0 == "#" }).trimmingCharacters(in: .whitespaces)
                blocks.append(Block(spans: Self.spans(text), isH2: level == 1, isH3: level == 2, isH4: level >= 3))
            } else if let item = Self.bullet(trimmed) {
                flush()
                var items = [Item(spans: Self.spans(item))]
                while let next = lines.first, let more = Self.bullet(next.trimmingCharacters(in: .whitespaces)) {
                    items.append(Item(spans: Self.spans(more)))
                    lines.removeFirst()
                }
                blocks.append(Block(items: items, isList: true))
            } else if let item = Self.numbered(trimmed) {
                flush()
                var items = [Item(spans: Self.spans(item))]
                while let next = lines.first, let more = Self.numbered(next.trimmingCharacters(in: .whitespaces)) {
                    items.append(Item(spans: Self.spans(more)))
                    lines.removeFirst()
                }
                blocks.append(Block(items: items, isOrdered: true))
            } else if trimmed.hasPrefix(">") {
                flush()
                var quoted = [String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces)]
                while let next = lines.first?.trimmingCharacters(in: .whitespaces), next.hasPrefix(">") {
                    quoted.append(String(next.dropFirst()).trimmingCharacters(in: .whitespaces))
                    lines.removeFirst()
                }
                blocks.append(Block(spans: Self.spans(quoted.joined(separator: " ")), isQuote: true))
            } else {
                paragraph.append(trimmed)
            }
        }
        flush()
    }

    static func heading(_ line: String) -> Int? {
        let level = line.prefix { $0 == "#" }.count
        guard (1...6).contains(level), line.dropFirst(level).first == " " else { return nil }
        return level
    }

    static func bullet(_ line: String) -> String? {
        guard line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ") else { return nil }
        return String(line.dropFirst(2))
    }

    static func numbered(_ line: String) -> String? {
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count < 10, line.dropFirst(digits.count).hasPrefix(". ") else { return nil }
        return String(line.dropFirst(digits.count + 2))
    }

    /// Inline spans: `code`, **strong**, *emphasis*, [label](target); anything unmatched is text.
    static func spans(_ text: String) -> [Span] {
        var spans: [Span] = []
        var plain = ""
        var rest = Substring(text)
        func emit(_ span: Span) {
            if !plain.isEmpty { spans.append(Span(text: plain, href: "", isText: true)) }
            plain = ""
            spans.append(span)
        }
        while let first = rest.first {
            if first == "`", let end = rest.dropFirst().firstIndex(of: "`") {
                emit(Span(text: String(rest[rest.index(after: rest.startIndex)..<end]), href: "", isCode: true))
                rest = rest[rest.index(after: end)...]
            } else if rest.hasPrefix("**"), let end = rest.dropFirst(2).range(of: "**"), end.lowerBound > rest.index(rest.startIndex, offsetBy: 2) {
                emit(Span(text: String(rest[rest.index(rest.startIndex, offsetBy: 2)..<end.lowerBound]), href: "", isStrong: true))
                rest = rest[end.upperBound...]
            } else if first == "*", let end = rest.dropFirst().firstIndex(of: "*"), end > rest.index(after: rest.startIndex) {
                emit(Span(text: String(rest[rest.index(after: rest.startIndex)..<end]), href: "", isEmphasis: true))
                rest = rest[rest.index(after: end)...]
            } else if first == "[", let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix("("),
                      let end = rest[close...].firstIndex(of: ")") {
                let label = String(rest[rest.index(after: rest.startIndex)..<close])
                let target = String(rest[rest.index(close, offsetBy: 2)..<end]).trimmingCharacters(in: .whitespaces)
                if let href = safeTarget(target) {
                    emit(Span(text: label, href: href, isLink: true))
                } else {
                    plain += label
                }
                rest = rest[rest.index(after: end)...]
            } else {
                plain.append(first)
                rest = rest.dropFirst()
            }
        }
        if !plain.isEmpty { spans.append(Span(text: plain, href: "", isText: true)) }
        return spans
    }

    /// A link target an article may have: http(s), mailto, or a path of the console; never
    /// `javascript:`, `data:` or another scheme, and no control characters.
    static func safeTarget(_ target: String) -> String? {
        guard !target.isEmpty, target.count <= 2000, !target.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else { return nil }
        let lower = target.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") { return target }
        if target.hasPrefix("/") && !target.hasPrefix("//") && !target.hasPrefix("/\\") { return target }
        return nil
    }
}
