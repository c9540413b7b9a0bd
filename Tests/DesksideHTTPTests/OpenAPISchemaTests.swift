import DesksideAPI
import DesksideClient
@testable import DesksideHTTP
import DesksideJSON
import Foundation
import Testing

/// docs/openapi.json against what the collector encodes: for each operation of a feature whose
/// resources are DesksideAPI types, a full value of the Swift type is encoded and checked against
/// the schema the document gives that operation: every key encoded is described, every property
/// described is encoded, and each value has the described type (through `$ref`, `anyOf`, arrays).
/// The knowledge base's, the accounts', the script library's, the webhooks' and the mail preferences' routes so far; a feature is added here as its types move.
@Suite struct OpenAPISchemaTests {
    static let document = try! JSONParser.parse(Array(OpenAPIDocument.json.utf8))

    static let article = Article(id: 7, title: "Docking station freezes", body: "Hold **power**.", tags: ["dock"], categories: ["hardware"],
                                 faultCodes: ["dock.frozen"], helpedCount: 2, author: "tess", createdAt: "2026-12-07T10:00:00Z",
                                 updatedAt: "2026-12-07T11:00:00Z", shipped: false)
    static let fields = ArticleFields(title: "t", body: "b", tags: ["a"], categories: ["c"], faultCodes: ["x.y"])
    static let answer = CannedAnswer(id: 3, title: "Restart first", body: "Please restart.")
    static let account = Account(id: 4, username: "tess", name: "Tess", email: "tess@example.com", department: "IT", managerId: 1, location: "HQ",
                                 status: .active, role: .technician, tier: 1, locked: false, createdAt: "2026-12-07T10:00:00Z",
                                 updatedAt: "2026-12-07T11:00:00Z")
    static let accountFields = AccountFields(username: "tess", name: "Tess", email: "e", department: "d", managerId: 1, location: "l",
                                             status: .onboarding, role: .technician, tier: 2)
    static let script = Script(id: 5, name: "clear_queue", description: "Clears the print queue", body: "#!/bin/sh\nlpstat\n",
                               createdAt: "2026-12-07T10:00:00Z", updatedAt: "2026-12-07T11:00:00Z", updatedBy: "ann")
    static let webhook = Webhook(id: 3, url: "https://hooks.example.com/desk", events: ["ticket.*", "fault.storm"], active: true, createdBy: "ann",
                                 createdAt: "2026-12-07T10:00:00Z")
    static let token = APIToken(id: 2, name: "sync", role: .auditor, createdAt: "2026-12-07T10:00:00Z", revokedAt: "2026-12-07T12:00:00Z")

    /// (operation, what it takes, what it answers), as the routes encode and decode them.
    static let operations: [(String, String, (any Encodable & Sendable)?, any Encodable & Sendable)] = [
        ("get", "/articles", nil, Page(items: [article], total: 1, limit: 50, offset: 0)),
        ("post", "/articles", fields, article),
        ("get", "/articles/{id}", nil, article),
        ("patch", "/articles/{id}", fields, article),
        ("get", "/canned-answers", nil, [answer]),
        ("post", "/canned-answers", NewCannedAnswer(title: "t", body: "b"), answer),
        ("get", "/accounts", nil, Page(items: [account], total: 1, limit: 50, offset: 0)),
        ("post", "/accounts", NewAccount(username: "tess", name: "Tess", email: "e", department: "d", managerId: 1, location: "l", status: .active,
                                         role: .technician, tier: 1, password: "correct horse battery"), account),
        ("get", "/accounts/{id}", nil, account),
        ("patch", "/accounts/{id}", accountFields, account),
        ("put", "/accounts/{id}/password", NewPassword(password: "correct horse battery", currentPassword: "old one"), Done()),
        ("get", "/me", nil, Me(actor: "tess", role: .technician, tier: 1, account: account)),
        ("get", "/api-tokens", nil, [token]),
        ("post", "/api-tokens", NewAPIToken(name: "sync", role: .auditor), CreatedAPIToken(id: 2, name: "sync", role: .auditor, token: "dsa_x")),
        ("get", "/scripts", nil, [script]),
        ("get", "/scripts/{name}", nil, script),
        ("put", "/scripts/{name}", ScriptFields(description: "Clears the print queue", body: "#!/bin/sh\n"), script),
        ("delete", "/scripts/{name}", nil, Done()),
        ("get", "/webhooks", nil, [webhook]),
        ("post", "/webhooks", NewWebhook(url: "https://hooks.example.com/desk", events: ["ticket.*"]), CreatedWebhook(webhook: webhook, secret: "whsec_x")),
        ("delete", "/webhooks/{id}", nil, Done()),
        ("get", "/me/mail-preferences", nil, MailPreferences(preferences: [MailPreference(type: "ticket.commented", mailed: false)])),
        ("put", "/me/mail-preferences", MailPreferences(preferences: [MailPreference(type: "ticket.commented", mailed: true)]),
         MailPreferences(preferences: [MailPreference(type: "ticket.commented", mailed: true)])),
    ]

    @Test(arguments: operations.indices)
    func whatTheRoutesEncodeIsWhatTheDocumentSays(_ index: Int) throws {
        let (method, path, taken, answered) = Self.operations[index]
        let operation = try #require(Self.document["paths"]?[path]?[method], "\(method) \(path) is not described")
        let answerSchema = try #require(operation["responses"]?["200"]?["content"]?["application/json"]?["schema"]
                                        ?? operation["responses"]?["201"]?["content"]?["application/json"]?["schema"])
        #expect(try Self.check(answered, answerSchema) == [], "\(method) \(path) answer")
        if let taken {
            let bodySchema = try #require(operation["requestBody"]?["content"]?["application/json"]?["schema"])
            #expect(try Self.check(taken, bodySchema) == [], "\(method) \(path) body")
        }
    }

    /// The checker finds what it must: a key too many, a key missing, a wrong type.
    @Test func theCheckerSeesAMismatch() throws {
        struct Renamed: Encodable { var id = 1, name = "x", body = "y" }
        struct WrongType: Encodable { var id = "7", title = "x", body = "y" }
        let schema = JSONValue.object([("$ref", .string("#/components/schemas/CannedAnswer"))])
        #expect(try Self.check(Renamed(), schema).sorted() == ["$.name: encoded but not described", "$.title: described but not encoded"])
        #expect(try Self.check(WrongType(), schema) == ["$.id: \"7\" is not integer"])
    }

    static func check(_ value: any Encodable, _ schema: JSONValue) throws -> [String] {
        problems(try JSONParser.parse(try JSONCoder.encode(value)), schema, at: "$")
    }

    static func problems(_ value: JSONValue, _ schema: JSONValue, at path: String) -> [String] {
        if let reference = schema["$ref"]?.text {
            let name = String(reference.dropFirst("#/components/schemas/".count))
            guard let resolved = document["components"]?["schemas"]?[name] else { return ["\(path): no schema \(reference)"] }
            return problems(value, resolved, at: path)
        }
        if let options = schema["anyOf"]?.elements {
            return options.contains { problems(value, $0, at: path).isEmpty } ? [] : ["\(path): matches no choice of anyOf"]
        }
        if let type = schema["type"] {
            let types = type.elements.isEmpty ? [type.text ?? ""] : type.elements.compactMap(\.text)
            guard types.contains(where: { matches(value, $0) }) else { return ["\(path): \(describe(value)) is not \(types.joined(separator: " or "))"] }
        }
        if let allowed = schema["enum"]?.elements, !allowed.contains(value) { return ["\(path): \(describe(value)) is not one of the enum"] }
        var found: [String] = []
        switch value {
        case .object(let members):
            if case .object(let described)? = schema["properties"] {
                let keys = Set(members.map(\.key)), names = Set(described.map(\.key))
                found += keys.subtracting(names).sorted().map { "\(path).\($0): encoded but not described" }
                found += names.subtracting(keys).sorted().map { "\(path).\($0): described but not encoded" }
                for (key, member) in members {
                    if let property = described.first(where: { $0.key == key })?.value { found += problems(member, property, at: path + "." + key) }
                }
            }
        case .array(let items):
            if let itemSchema = schema["items"] {
                for (offset, item) in items.enumerated() { found += problems(item, itemSchema, at: "\(path)[\(offset)]") }
            }
        default: break
        }
        return found
    }

    static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (value, type) {
        case (.null, "null"), (.bool, "boolean"), (.string, "string"), (.array, "array"), (.object, "object"), (.number, "number"): true
        case (.number(let text), "integer"): !text.contains(where: { ".eE".contains($0) })
        default: false
        }
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "\"\(text)\""
        case .number(let text): text
        case .bool(let flag): "\(flag)"
        case .null: "null"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
