@testable import DesksideConsole
import DesksideTestSupport
import Foundation
import Testing

/// The console's pieces that need no browser: the embedded templates are the files and escape
/// everything, the form token, CSV cells, and where a sign-in may send the browser next.
@Suite struct ConsoleTests {
    static var directory: String { Fixtures.packageRoot + "/Collector/Console" }

    @Test func theEmbeddedTemplatesAreTheFilesAndHaveNoUnescapedTag() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory + "/Templates").filter { $0.hasSuffix(".mustache") }
        #expect(Set(names.map { String($0.dropLast(".mustache".count)) }) == Set(ConsoleTemplates.templates.keys), "run scripts/console-embed")
        for name in names {
            let text = try String(contentsOfFile: Self.directory + "/Templates/" + name, encoding: .utf8)
            #expect(ConsoleTemplates.templates[String(name.dropLast(".mustache".count))]?.trimmingCharacters(in: .newlines)
                    == text.trimmingCharacters(in: .newlines), "\(name) differs from the embedded copy: run scripts/console-embed")
            #expect(!text.contains("{{{") && !text.contains("{{&"), "\(name) has an unescaped tag")
            #expect(!text.contains("<script>") && !text.contains(" style=") && !text.contains("<style"), "\(name) has inline script or style")
            #expect(text.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "\(name) has an inline event handler")
        }
        for file in ["console.css", "console.js"] {
            let text = try String(contentsOfFile: Self.directory + "/Static/" + file, encoding: .utf8)
            #expect(ConsoleTemplates.statics[file]?.body.trimmingCharacters(in: .newlines) == text.trimmingCharacters(in: .newlines))
        }
    }

    @Test func valuesAreEscapedByTheEngine() throws {
        let renderer = try ConsoleRenderer()
        let html = renderer.library.render(ErrorView(chrome: .signedOut(title: "<b>t</b>"), message: "<script>alert(1)</script>\"'&"), withTemplate: "error") ?? ""
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("<title>&lt;b&gt;t&lt;/b&gt; · Deskside</title>"))
    }

    @Test func aFormTokenBelongsToOneSession() {
        let token = ConsoleSession.formToken(secret: "dss_one")
        #expect(token.count == 64)
        #expect(ConsoleSession.checks(token, secret: "dss_one"))
        #expect(!ConsoleSession.checks(token, secret: "dss_two"))
        #expect(!ConsoleSession.checks("", secret: "dss_one"))
        let altered = String(token.dropLast()) + (token.hasSuffix("0") ? "1" : "0")
        #expect(!ConsoleSession.checks(altered, secret: "dss_one"))
    }

    @Test func csvCellsAreQuotedAndFormulasDefused() {
        #expect(CSV.line(["a", "b,c", "say \"hi\"", "=HYPERLINK(\"x\")", "-1", "@cmd", "line\nbreak"])
                == "a,\"b,c\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"x\"\")\",'-1,'@cmd,\"line\nbreak\"\r\n")
    }

    @Test func afterSignInTheBrowserStaysOnTheConsole() {
        #expect(SignInPages.next("/tickets/4?x=1") == "/tickets/4?x=1")
        for hostile in ["//evil.example/", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "/a\r\nSet-Cookie: x=1", nil] {
            #expect(SignInPages.next(hostile) == "/")
        }
    }

    @Test func chartsScaleToTheLargestValue() {
        let chart = BarChart(title: "Faults", items: [("disk.space.low", 10), ("battery.worn", 5), ("memory.low", 0)])
        #expect(chart.bars.map(\.width) == [BarChart.barSpace, BarChart.barSpace / 2, 0])
        #expect(chart.summary == "Faults: disk.space.low 10, battery.worn 5, memory.low 0")
        let lines = LineChart(title: "Weeks", labels: ["w1", "w2"], series: [("opened", "opened", [0, 4])])
        #expect(lines.series[0].points == "36,172 548,10")
    }
}
