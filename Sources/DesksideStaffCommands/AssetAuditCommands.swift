import ArgumentParser
import DesksideClient
import DesksideJSON
import Foundation

extension AssetsCommand {
    static let auditColumns = [Column("audit", "id"), Column("asset", "assetId"), Column("tag"), Column("at"), Column("by", "actor"),
                               Column("found at", "location"), Column("register says", "registerLocation"), Column("note")]

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an asset audited: seen now, here, by you. Name it by tag (as scanned from its label), id or serial.",
            discussion: """
                Examples: deskside assets audit DS-00042 --location 7; deskside assets audit --serial PF4ABCDE --location 7 --move
                Overdue audits: deskside assets list --audit-due 2026-12-31. Found elsewhere than the register says: --audit-location-mismatch.
                """)
        @Argument(help: "The asset's tag, or its id (digits only).") var asset: String?
        @Option(help: "The asset's serial instead.") var serial: String?
        @Option(help: "Where it was found (a location id).") var location: Int64?
        @Flag(help: "Also make that its location in the register.") var move = false
        @Option var note = ""
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var body: [String: BodyValue] = ["note": .string(note), "moveHere": .bool(move)]
            switch (asset, serial) {
            case (let asset?, nil): body[asset.allSatisfy(\.isNumber) ? "assetId" : "tag"] = asset.allSatisfy(\.isNumber) ? .int(Int64(asset) ?? 0) : .string(asset)
            case (nil, let serial?): body["serial"] = .string(serial)
            default: throw ValidationError("name the asset by its tag or id, or by --serial")
            }
            if let location { body["locationId"] = .int(location) }
            let client = try Connection.client()
            let audit = try await api { try await client.call("POST", "/audits", body: body) }
            output.record(audit, fields: AssetsCommand.auditColumns)
        }
    }

    struct Labels: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print labels: tag, name, serial and a QR code opening the asset's page, as a PDF or SVG sheet.",
            discussion: """
                Templates: avery-l7160 (A4, 21 a sheet, the default), avery-l7163 (A4, 14), avery-l7651 (A4, 65), avery-5160 (US letter, 30),
                avery-5163 (US letter, 10), roll-62x29 (one per page, for label printers).
                Example: deskside assets labels --category monitor --location 3 --template avery-5160 --output monitors.pdf
                """)
        @Argument(help: "Asset ids (or select them with the filters).") var ids: [Int64] = []
        @Option var category: String?
        @Option(help: "A location id: assets there or inside it.") var location: Int64?
        @Option var status: String?
        @Option var template = "avery-l7160"
        @Option(help: "pdf or svg.") var format = "pdf"
        @Option(help: "The file to write.") var output: String

        func run() async throws {
            var query: [(String, String)] = [("template", template), ("format", format)]
            if !ids.isEmpty { query.append(("ids", ids.map(String.init).joined(separator: ","))) }
            for (name, value) in [("category", category), ("locationId", location.map(String.init)), ("status", status)] {
                if let value { query.append((name, value)) }
            }
            let client = try Connection.client()
            let bytes = try await api { try await client.download("/labels", query: query) }
            guard FileManager.default.createFile(atPath: output, contents: bytes) else { throw ValidationError("cannot write \(output)") }
            Swift.print("wrote \(bytes.count) bytes to \(output)")
        }
    }
}
