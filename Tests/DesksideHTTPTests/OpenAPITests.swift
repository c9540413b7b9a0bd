import DesksideDesk
import DesksideHelpdesk
@testable import DesksideHTTP
import DesksideStoreSQLite
import DesksideTestSupport
import Foundation
import NIOPosix
import Testing

/// The OpenAPI document matches the implementation: every route the router serves is described
/// with its method, nothing described is missing from the router, and the served document is
/// docs/openapi.json as it is in the repository.
@Suite struct OpenAPITests {
    @Test func theDocumentDescribesExactlyTheRouterRoutes() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let desk = Desk(store: try CollectorStore(path: directory + "/deskside.sqlite"))
        let router = try CollectorHTTP.router(desk: desk, threadPool: .singleton, signIn: SignInGate())
        let served = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" }.filter { $0.contains("/api/v1/") })
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let described = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) /api/v1\(path)" } })
        #expect(served.subtracting(described).sorted() == [], "served but not described")
        #expect(described.subtracting(served).sorted() == [], "described but not served")
        #expect(served.count > 30)

        // Every $ref resolves.
        let components = try #require(document["components"] as? [String: [String: Any]])
        for kind in ["schemas", "responses"] {
            let references = OpenAPIDocument.json.components(separatedBy: "\"#/components/\(kind)/").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            #expect(!references.isEmpty)
            #expect(references.filter { components[kind]?[$0] == nil } == [], "\(kind)")
        }
    }

    /// The document's patterns for words and for text that must say something use the desk's own
    /// notion of space, written out (`TextLimits.spaceClass`), so that a client's validator and the
    /// desk agree on every character; `isSpace` and the class agree on every scalar of the BMP.
    @Test func patternsSpeakOfSpaceAsTheDeskDoes() throws {
        let patterns = OpenAPIDocument.json.components(separatedBy: #""pattern":""#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
        let escaped = TextLimits.spaceClass.replacingOccurrences(of: "\\", with: "\\\\")
        // The patterns about space (others describe task parameters: names, paths, host names).
        let spacePatterns = patterns.filter { $0.contains("u00a0") }
        #expect(spacePatterns.count >= 8)
        #expect(spacePatterns.allSatisfy { $0 == "^[^\(escaped)]+$" || $0 == "[^\(escaped)]" }, "\(spacePatterns)")
        let regex = try NSRegularExpression(pattern: "[\(TextLimits.spaceClass)]")
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(Character(scalar))
            let matches = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            #expect(matches == TextLimits.isSpace(scalar), "U+\(String(value, radix: 16))")
        }
    }

    @Test func theServedDocumentIsTheOneInDocs() throws {
        let file = try Data(contentsOf: URL(fileURLWithPath: Fixtures.packageRoot + "/docs/openapi.json"))
        let docs = try #require(try JSONSerialization.jsonObject(with: file) as? NSDictionary)
        let served = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? NSDictionary)
        #expect(docs == served, "run scripts/openapi-embed after editing docs/openapi.json")
    }
}
