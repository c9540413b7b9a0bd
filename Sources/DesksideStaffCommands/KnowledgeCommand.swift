import ArgumentParser
import DesksideAPI
import DesksideClient
import DesksideFiles
import DesksideJSON

struct KnowledgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kb", abstract: "The knowledge base.",
                                                    subcommands: [List.self, Show.self, Create.self, Update.self, Delete.self])

    static let columns = [Column("id"), Column("title"), Column("tags"), Column("fault codes", "faultCodes"), Column("helped", "helpedCount"),
                          Column("updated", "updatedAt")]

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Search articles (full text) or list them.")
        @Option(help: "Words to find (all of them).") var search: String?
        @Option(help: "Articles linked to this fault code.") var faultCode: String?
        @OptionGroup var page: PageOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var query = page.query
            for case (let name, let value?) in [("q", search), ("faultCode", faultCode)] { query.append((name, value)) }
            let client = try Connection.client()
            let page = try await api { try await client.call(Page<Article>.self, "GET", "/articles", query: query) }
            output.list(try page.items.map(Output.document), columns: KnowledgeCommand.columns, document: try Output.document(page))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One article, with its Markdown body.")
        @Argument var id: Int64
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let article = try await api { try await client.call(Article.self, "GET", "/articles/\(id)") }
            output.record(try Output.document(article), fields: KnowledgeCommand.columns + [Column("categories"), Column("author")])
            if !output.json && !output.csv { print("\n" + Output.terminalSafe(article.body, keepingLines: true)) }
        }
    }

    struct Fields: ParsableArguments {
        @Option var title: String?
        @Option(help: "The Markdown body from FILE (- for standard input).") var bodyFile: String?
        @Option(help: "Tags (one word each).") var tag: [String] = []
        @Option(help: "Categories (one word each).") var category: [String] = []
        @Option(help: "Fault codes this article answers.") var faultCode: [String] = []

        func fields() throws -> ArticleFields {
            var body: String?
            if let bodyFile {
                let bytes: [UInt8]?
                if bodyFile == "-" {
                    var text = ""
                    while let line = readLine(strippingNewline: false) { text += line }
                    bytes = Array(text.utf8)
                } else {
                    bytes = DurableFile.read(bodyFile, limit: 256 * 1024)
                }
                guard let bytes else { throw CLIError("cannot read \(bodyFile)") }
                body = String(decoding: bytes, as: UTF8.self)
            }
            func given(_ words: [String]) -> [String]? { words.isEmpty ? nil : words }
            return ArticleFields(title: title, body: body, tags: given(tag), categories: given(category), faultCodes: given(faultCode))
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an article (technicians and admins).")
        @OptionGroup var fields: Fields
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if fields.title == nil || fields.bodyFile == nil { throw ValidationError("give --title and --body-file") }
        }

        func run() async throws {
            let client = try Connection.client()
            let body = try fields.fields()
            let article = try await api { try await client.call(Article.self, "POST", "/articles", json: body) }
            output.record(try Output.document(article), fields: KnowledgeCommand.columns)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an article.")
        @Argument var id: Int64
        @OptionGroup var fields: Fields
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let body = try fields.fields()
            let article = try await api { try await client.call(Article.self, "PATCH", "/articles/\(id)", json: body) }
            output.record(try Output.document(article), fields: KnowledgeCommand.columns)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an article.")
        @Argument var id: Int64

        func run() async throws {
            let client = try Connection.client()
            _ = try await api { try await client.call("DELETE", "/articles/\(id)") }
            print("deleted article \(id)")
        }
    }
}

struct CannedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "canned", abstract: "Canned answers to insert into comments (tickets comment --canned ID).",
                                                    subcommands: [List.self, Create.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List canned answers.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let answers = try await api { try await client.call([CannedAnswer].self, "GET", "/canned-answers") }
            output.list(try answers.map(Output.document), columns: [Column("id"), Column("title"), Column("body")], document: try Output.document(answers))
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a canned answer.")
        @Option var title: String
        @Option var body: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let answer = try await api {
                try await client.call(CannedAnswer.self, "POST", "/canned-answers", json: NewCannedAnswer(title: title, body: body))
            }
            output.record(try Output.document(answer), fields: [Column("id"), Column("title"), Column("body")])
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a canned answer.")
        @Argument var id: Int64

        func run() async throws {
            let client = try Connection.client()
            _ = try await api { try await client.call("DELETE", "/canned-answers/\(id)") }
            print("deleted canned answer \(id)")
        }
    }
}
