@testable import DesksideConsole
import Mustache
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

    /// The view read once into dictionaries renders as the view itself: nested values, rows, optionals
    /// (a nil one is absent, so the name is looked up on the enclosing view), booleans and escaping.
    @Test func aViewReadOnceRendersAsTheViewItself() throws {
        struct Row { var name: String; var note: String?; var security: Bool; var cells: [String] }
        struct Inner { var count: Int64 }
        struct View { var note: String; var inner: Inner; var rows: [Row]; var missing: Int? }
        let template = try MustacheTemplate(string: """
            {{inner.count}}|{{#rows}}[{{name}} {{note}}{{#security}} S{{/security}}{{#cells}}<{{.}}>{{/cells}}]{{/rows}}|{{^missing}}none{{/missing}}
            """)
        let view = View(note: "outer", inner: Inner(count: 3), rows: [Row(name: "a&b", note: nil, security: true, cells: ["x", "<y>"]),
                                                                    Row(name: "c", note: "own", security: false, cells: [])], missing: nil)
        let direct = template.render(view)
        #expect(template.render(try #require(TemplateValues.tree(view))) == direct)
        #expect(direct == "3|[a&amp;b outer S<x><&lt;y&gt;>][c own]|none")
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

    /// Markdown in articles: its markup becomes HTML, markup typed as text stays text, and a link
    /// may only go to http(s), mailto or the console.
    @Test func articlesAreRenderedSafely() throws {
        struct Page { var markdown: Markdown }
        var library = try ConsoleRenderer().library
        try library.register("{{#markdown}}{{>markdown}}{{/markdown}}", named: "markdown-test")
        func html(_ source: String) -> String {
            library.render(Page(markdown: Markdown(source)), withTemplate: "markdown-test") ?? ""
        }
        let page = html("""
            # Freeing disk space
            Empty the **trash**, then run `ncdu /home` and see *what* is big.

            - one
            - two [the guide](https://wiki.example/disk)
            1. first
            2. second
            > quoted
            ```
            <b>code</b> & more
            ```
            """)
        #expect(page.contains("<h2>Freeing disk space</h2>"))
        #expect(page.contains("<p>Empty the <strong>trash</strong>, then run <code>ncdu /home</code> and see <em>what</em> is big.</p>"))
        #expect(page.contains("<ul><li>one</li><li>two <a href=\"https://wiki.example/disk\" rel=\"noopener noreferrer\">the guide</a></li></ul>"))
        #expect(page.contains("<ol><li>first</li><li>second</li></ol>"))
        #expect(page.contains("<blockquote><p>quoted</p></blockquote>"))
        #expect(page.contains("<pre><code>&lt;b&gt;code&lt;/b&gt; &amp; more</code></pre>"))

        let hostile = html("""
            <script>alert(1)</script> <img src=x onerror=alert(2)>
            [click](javascript:alert(3)) [data](data:text/html,<script>) [proto](//evil.example) [ok](/knowledge/2)
            **<i>bold</i>**
            """)
        #expect(!hostile.contains("<script") && !hostile.contains("<img") && !hostile.contains("<i>"))
        #expect(hostile.contains("&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;"))
        #expect(!hostile.contains("javascript:") && !hostile.contains("href=\"data:") && !hostile.contains("href=\"//"))
        #expect(hostile.contains("<a href=\"/knowledge/2\" rel=\"noopener noreferrer\">ok</a>"))
        #expect(hostile.contains("<strong>&lt;i&gt;bold&lt;/i&gt;</strong>"))
    }
}
