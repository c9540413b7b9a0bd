/// What one label says: the asset tag (large), a name, a detail line (the serial), and the address
/// the QR code opens (the asset's page in the console).
public struct Label: Sendable, Equatable {
    public var tag: String
    public var name: String
    public var detail: String
    public var url: String

    public init(tag: String, name: String, detail: String, url: String) {
        (self.tag, self.name, self.detail, self.url) = (tag, name, detail, url)
    }
}

/// Labels laid out on a template's sheets, as marks in points from each page's lower-left corner
/// (PDF's coordinates; the SVG writer turns them over): dark rectangles for the QR codes, lines of
/// text for the rest. Text is cut to the label's width with an ellipsis.
public struct LabelSheet: Sendable {
    public struct Rect: Sendable, Equatable { public var x, y, width, height: Double }
    public struct Text: Sendable, Equatable {
        public var x, y, size: Double
        public var bold: Bool
        public var string: String
    }
    public struct Page: Sendable { public var rects: [Rect] = []; public var texts: [Text] = [] }

    public let template: LabelTemplate
    public let pages: [Page]

    /// At most this many labels in one sheet request.
    public static let maxLabels = 1000

    public enum SheetError: Error, Equatable { case tooMany(Int), empty }

    public init(_ labels: [Label], template: LabelTemplate) throws {
        guard !labels.isEmpty else { throw SheetError.empty }
        guard labels.count <= Self.maxLabels else { throw SheetError.tooMany(labels.count) }
        self.template = template
        var pages: [Page] = []
        for (index, label) in labels.enumerated() {
            if index % template.perPage == 0 { pages.append(Page()) }
            let (x, y) = template.origin(index: index)
            try Self.draw(label, x: x, y: y, template: template, into: &pages[pages.count - 1])
        }
        self.pages = pages
    }

    static func draw(_ label: Label, x: Double, y: Double, template: LabelTemplate, into page: inout Page) throws {
        let (width, height) = (template.labelWidth, template.labelHeight)
        let pad = max(4, height * 0.08)
        let side = min(height - 2 * pad, width * 0.38)
        let code = try QRMatrix(label.url)
        // A quiet zone of four modules all round, as the standard asks.
        let module = side / Double(code.size + 8)
        let qrX = x + pad + 4 * module, qrTop = y + pad + side - 4 * module
        for (row, runs) in code.runs.enumerated() {
            for run in runs {
                page.rects.append(Rect(x: qrX + Double(run.start) * module, y: qrTop - Double(row + 1) * module,
                                       width: Double(run.length) * module, height: module))
            }
        }
        let textX = x + pad + side + pad * 0.5
        let textWidth = x + width - pad - textX
        // The tag is what people read and scanners miss: it shrinks to fit before it is ever cut.
        let tagSize = max(6, min(16, height * 0.2, textWidth / (Double(max(label.tag.count, 1)) * boldAdvance)))
        let small = min(tagSize * 0.7, height * 0.13)
        var baseline = y + height - pad - tagSize
        page.texts.append(Text(x: textX, y: baseline, size: tagSize, bold: true, string: fit(label.tag, width: textWidth, size: tagSize, bold: true)))
        for line in wrap(label.name, width: textWidth, size: small, lines: 2) {
            baseline -= small * 1.25
            page.texts.append(Text(x: textX, y: baseline, size: small, bold: false, string: line))
        }
        if !label.detail.isEmpty, baseline - small * 1.25 > y + pad {
            baseline -= small * 1.25
            page.texts.append(Text(x: textX, y: baseline, size: small, bold: false, string: fit(label.detail, width: textWidth, size: small, bold: false)))
        }
    }

    /// Helvetica's advance for digits and capitals, as a share of the size (bold a little more).
    static let boldAdvance = 0.64
    static let advance = 0.56

    /// Cut with "..." to fit the width.
    static func fit(_ text: String, width: Double, size: Double, bold: Bool) -> String {
        let budget = max(3, Int(width / (size * (bold ? boldAdvance : advance))))
        let clean = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        return clean.count <= budget ? clean : String(clean.prefix(budget - 3)) + "..."
    }

    static func wrap(_ text: String, width: Double, size: Double, lines: Int) -> [String] {
        let budget = max(3, Int(width / (size * advance)))
        var result: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty { current = String(word) } else if current.count + 1 + word.count <= budget { current += " " + word } else {
                result.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { result.append(current) }
        guard result.count > lines else { return result.map { fit($0, width: width, size: size, bold: false) } }
        let kept = Array(result.prefix(lines - 1)) + [result.dropFirst(lines - 1).joined(separator: " ")]
        return kept.map { fit($0, width: width, size: size, bold: false) }
    }
}
