import Hummingbird
import Mustache
import NIOCore

/// Pages from the templates in `Templates/` (embedded in `ConsoleTemplates.swift` by
/// scripts/console-embed). Every value is escaped by the template engine: the templates have no
/// triple mustache and no `{{&`, and a test holds them to it.
struct ConsoleRenderer: Sendable {
    let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        for (name, text) in ConsoleTemplates.templates { try library.register(text, named: name) }
        self.library = library
    }

    /// The console's policy: scripts, styles and images from the console only, nothing inline, no
    /// framing, forms post to the console only.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func page(_ template: String, _ view: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(TemplateValues.tree(view) ?? view, withTemplate: template) ?? "template \(template) is missing"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: Self.contentSecurityPolicy],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// After a form: back to a page (303, so that reloading does not post again).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// The static files: one style sheet and one script, cached for an hour.
    static func asset(_ name: String) -> Response? {
        guard let file = ConsoleTemplates.statics[name] else { return nil }
        return Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "public, max-age=3600"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: file.body)))
    }
}
