import DesksideHTTP
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A posted form: `application/x-www-form-urlencoded`, at most 64 KB, with the session's form
/// token (`csrf`). A form without it, or from another session, is refused before anything else is
/// read from it (SECURITY-TESTS 27).
struct ConsoleForm: Sendable {
    private var fields: [String: String] = [:]

    static let limit = 64 * 1024

    static func read(_ request: Request, _ context: APIContext) async throws -> ConsoleForm {
        guard let secret = context.secret else { throw ConsoleError.signedOut }
        try sameOrigin(request)
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("application/x-www-form-urlencoded") else {
            throw ConsoleError.badForm("the form was not sent as a form")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch { throw ConsoleError.badForm("the form is larger than 64 KB") }
        let form = ConsoleForm(body: String(buffer: buffer))
        guard let token = form.fields["csrf"], ConsoleSession.checks(token, secret: secret) else { throw ConsoleError.badFormToken }
        return form
    }

    /// A form posted from another site's page is refused, the sign-in form's too (login CSRF, where
    /// there is no session yet to take a token from): browsers say where a form came from in
    /// `Sec-Fetch-Site` and `Origin`.
    static func sameOrigin(_ request: Request) throws {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site == "cross-site" || site == "same-site" { throw ConsoleError.badFormToken }
        if let origin = request.headers[HTTPField.Name("Origin")!], origin != "null",
           origin.split(separator: "://", maxSplits: 1).last.map(String.init) != request.head.authority {
            throw ConsoleError.badFormToken
        }
    }

    init(body: String) {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { continue }
            fields[name] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
        }
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// A field's text, `nil` when absent; line ends as the browser sent them (CR LF) become LF.
    func text(_ name: String) -> String? {
        fields[name].map { $0.replacingOccurrences(of: "\r\n", with: "\n") }
    }

    func required(_ name: String, _ label: String) throws -> String {
        guard let value = text(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw ConsoleError.badForm("\(label) is required")
        }
        return value
    }

    func id(_ name: String) throws -> Int64? {
        guard let text = text(name), !text.isEmpty else { return nil }
        guard let value = Int64(text), value > 0 else { throw ConsoleError.badForm("\(name) must be an id") }
        return value
    }

    func int(_ name: String, _ label: String) throws -> Int {
        guard let text = text(name), let value = Int(text) else { throw ConsoleError.badForm("\(label) must be a number") }
        return value
    }

    func flag(_ name: String) -> Bool { fields[name] == "on" || fields[name] == "true" }
}
