import ArgumentParser
import DesksideClient
import DesksideJSON

extension AssetsCommand {
    static let loanColumns = [Column("loan", "id"), Column("asset", "assetId"), Column("tag"), Column("name", "asset"), Column("to", "username"),
                              Column("out", "checkedOutAt"), Column("due", "expectedReturn"), Column("back", "checkedInAt"),
                              Column("accepted", "acceptedAt"), Column("overdue")]

    struct Checkout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hand assets to a person at once; they confirm receipt of all of them in the portal.",
            discussion: "Example: deskside assets checkout 12 13 14 --to jdupont --return 2027-01-31 --note 'loaner while the laptop is repaired'")
        @Argument(help: "Asset ids.") var ids: [Int64]
        @Option(help: "Username or account id.") var to: String
        @Option(name: .customLong("return"), help: "The expected return (loaners), YYYY-MM-DD.") var expectedReturn: String?
        @Option var note = ""
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let account = try await AccountReference.id(to, client: client)
            var body: [String: BodyValue] = ["assetIds": .ints(ids), "accountId": .int(account), "note": .string(note)]
            if let expectedReturn { body["expectedReturn"] = .string(expectedReturn) }
            let handover = try await api { try await client.call("POST", "/checkouts", body: body) }
            if output.json || output.csv { return output.record(handover, fields: [Column("handover", "id"), Column("to", "username")]) }
            Swift.print("handover \(handover["id"]?.text ?? "?") to \(Output.terminalSafe(handover["username"]?.text ?? "?")): waiting for their confirmation")
            Output.table(header: AssetsCommand.loanColumns.map(\.header),
                         rows: (handover["loans"]?.elements ?? []).map { loan in AssetsCommand.loanColumns.map { $0.value(loan) } })
        }
    }

    struct Checkin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take an asset back: its loan closes, it is back in stock, unassigned.")
        @Argument var id: Int64
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let loan = try await api { try await client.call("POST", "/assets/\(id)/checkin", body: [:]) }
            output.record(loan, fields: AssetsCommand.loanColumns)
        }
    }

    struct Loans: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What is lent out: open loans, overdue returns, or every loan.")
        @Flag(help: "Only loans past their expected return.") var overdue = false
        @Flag(help: "Every loan, returned ones too.") var all = false
        @OptionGroup var page: PageOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let query = page.query + [("state", overdue ? "overdue" : all ? "all" : "open")]
            let document = try await api { try await client.call("GET", "/loans", query: query) }
            output.list(document["items"]?.elements ?? [], columns: AssetsCommand.loanColumns, document: document, footer: page.footer(document))
        }
    }
}
