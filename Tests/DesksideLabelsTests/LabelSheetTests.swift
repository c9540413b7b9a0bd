import DesksideLabels
import DesksideTestSupport
import Foundation
import Testing

/// Label sheets rendered, then read back by other programs: qpdf checks the PDF's structure,
/// poppler rasterizes its pages and extracts its text, librsvg rasterizes the SVG, and zbar decodes
/// every QR code on the images. A label that zbar cannot read is a label that fails at the desk.
@Suite struct LabelSheetTests {
    static func labels(_ count: Int) -> [Label] {
        (1...count).map { n in
            Label(tag: "DS-\(String(format: "%05d", n))", name: n == 3 ? "Dell U2723QE ) Tj (pwned) Tj ( </text><script>alert(1)</script> & more" : "ThinkPad T14 Gen \(n)",
                  detail: "S/N PF4AB\(n)", url: "https://desk.example.com/assets/\(n)")
        }
    }

    static func run(_ program: String, _ arguments: [String]) throws -> String {
        let result = try Fixtures.run(program, arguments)
        try #require(result.status == 0, "\(program) \(arguments): \(String(decoding: result.stderr, as: UTF8.self))")
        return String(decoding: result.stdout, as: UTF8.self)
    }

    /// The QR codes zbar finds on an image, sorted.
    static func decoded(_ png: String) throws -> [String] {
        let result = try Fixtures.run("/usr/bin/zbarimg", ["-q", "--raw", "-Sdisable", "-Sqrcode.enable", png])
        return String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init).sorted()
    }

    @Test func aPDFSheetHasItsPagesTextAndReadableCodes() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let template = try #require(LabelTemplate.named("avery-l7160"))
        let sheet = try LabelSheet(Self.labels(25), template: template)
        #expect(sheet.pages.count == 2)
        let path = directory + "/labels.pdf"
        try Data(PDFDocument.render(sheet)).write(to: URL(fileURLWithPath: path))
        _ = try Self.run("/usr/bin/qpdf", ["--check", path])
        let info = try Self.run("/usr/bin/pdfinfo", [path])
        #expect(info.contains("Pages:           2") && info.contains("595.28 x 841.89 pts (A4)"), "\(info)")
        let text = try Self.run("/usr/bin/pdftotext", ["-layout", path, "-"])
        #expect(text.contains("DS-00001") && text.contains("DS-00025") && text.contains("S/N PF4AB7"))
        #expect(text.contains("Tj (pwned)"), "parentheses in a name are text, not PDF operators")
        _ = try Self.run("/usr/bin/pdftoppm", ["-r", "200", "-png", "-f", "1", "-l", "1", path, directory + "/page"])
        let page = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasPrefix("page") && $0.hasSuffix(".png") })
        let codes = try Self.decoded(directory + "/" + page)
        #expect(codes == (1...21).map { "https://desk.example.com/assets/\($0)" }.sorted(), "every label on the first page reads")
    }

    @Test(arguments: LabelTemplate.all.map(\.name))
    func everyTemplateFitsItsPaperAndItsCodesRead(_ name: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let template = try #require(LabelTemplate.named(name))
        let last = template.origin(index: template.perPage - 1)
        #expect(last.x + template.labelWidth <= template.pageWidth + 0.5 && last.y >= -0.5, "the last label is on the paper")
        let sheet = try LabelSheet(Self.labels(min(3, template.perPage)), template: template)
        let svg = directory + "/labels.svg"
        try SVGDocument.render(sheet).write(toFile: svg, atomically: true, encoding: .utf8)
        _ = try Self.run("/usr/bin/rsvg-convert", ["--dpi-x", "200", "--dpi-y", "200", "-o", directory + "/labels.png", svg])
        #expect(try Self.decoded(directory + "/labels.png") == (1...min(3, template.perPage)).map { "https://desk.example.com/assets/\($0)" })
    }

    @Test func svgTextIsEscapedAndTheDocumentIsWellFormed() throws {
        let sheet = try LabelSheet(Self.labels(3), template: try #require(LabelTemplate.named("avery-5163")))
        let svg = SVGDocument.render(sheet)
        #expect(!svg.contains("<script>") && svg.contains("&lt;/text&gt;"))
        let checked = try Fixtures.run("/usr/bin/python3", ["-c", "import sys, xml.etree.ElementTree as t; t.fromstring(sys.stdin.read()); print('ok')"],
                                       stdin: Data(svg.utf8))
        #expect(String(decoding: checked.stdout, as: UTF8.self) == "ok\n")
        #expect(throws: LabelSheet.SheetError.tooMany(1001)) { try LabelSheet(Self.labels(1001), template: sheet.template) }
        #expect(throws: LabelSheet.SheetError.empty) { try LabelSheet([], template: sheet.template) }
    }
}
