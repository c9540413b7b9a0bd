import DesksideAssets
import DesksideHelpdesk
import Foundation
import Testing

/// The CSV reader and the import's column rules on hostile and foreign files.
@Suite struct CSVImportRulesTests {
    static func read(_ text: String) throws -> CSVReader { try CSVReader(Array(text.utf8)) }

    @Test func quotesDelimitersAndLineBreaksAreReadAsSpreadsheetsWriteThem() throws {
        let reader = try CSVReader([0xEF, 0xBB, 0xBF] + Array("Asset Tag,Notes\r\nA-1,\"two\r\nlines, and \"\"quotes\"\"\"\r\n\r\nA-2,=1+2\r\n".utf8))
        #expect(reader.delimiter == UInt8(ascii: ","))
        #expect(reader.records.map(\.cells) == [["Asset Tag", "Notes"], ["A-1", "two\r\nlines, and \"quotes\""], ["A-2", "=1+2"]])
        #expect(reader.records.map(\.line) == [1, 2, 5], "a record's line is where it starts; the blank line is no record")
        let glpi = try Self.read("Name;Serial number\nws-1;\"A;B\"\n")
        #expect(glpi.delimiter == UInt8(ascii: ";") && glpi.records[1].cells == ["ws-1", "A;B"])
        #expect(throws: CSVReader.ReadError.unterminatedQuote(line: 2)) { try Self.read("a,b\n\"open,1\n2,3\n") }
        #expect(throws: CSVReader.ReadError.empty) { try CSVReader([0xEF, 0xBB, 0xBF]) }
    }

    @Test func badRecordsAreErrorsOfTheirLineAndReadingGoesOn() throws {
        var bytes = Array("tag,name\nA-1,ok\nA-2,".utf8) + [0xC3, 0x28] + Array("\nA-3,\"".utf8)
        bytes += Array(repeating: UInt8(ascii: "x"), count: 1 << 20) + Array("\"\nA-4,fine\n".utf8)
        let reader = try CSVReader(bytes)
        #expect(reader.records.map(\.line) == [1, 2, 3, 4, 5])
        #expect(reader.records[2].error == "not UTF-8 text (save the file as UTF-8)")
        #expect(reader.records[3].error == "a cell is longer than 10000 characters")
        #expect(reader.records[4].cells == ["A-4", "fine"] && reader.records[4].error == nil)
    }

    @Test func snipeITAndGLPIColumnsAreKnownAndAMappingDescribesAnyOther() throws {
        let snipe = ["ID", "Asset Tag", "Name", "Serial", "Purchase Cost", "Warranty", "Checked Out To", "Model No."]
        let (fields, ignored) = try ImportMapping().fields(for: snipe)
        #expect(fields.map(\.description) == ["ignore", "tag", "name", "serial", "cost", "warrantyMonths", "owner", "ignore"])
        #expect(ignored == ["ID", "Model No."])
        let glpi = ["Name", "Serial number", "Inventory number", "Type", "Financial and administrative information - Date of purchase"]
        #expect(try ImportMapping().fields(for: glpi).fields.map(\.description) == ["name", "serial", "tag", "category", "purchaseDate"])
        let mapping = ImportMapping(columns: ["Numéro": "tag", "Ligne": "field:number", "Name": "ignore"])
        #expect(try mapping.fields(for: ["numéro", "Ligne", "Name"]).fields.map(\.description) == ["tag", "field:number", "ignore"])
        #expect(throws: HelpdeskError.self) { try ImportMapping(columns: ["x": "colour"]).fields(for: ["x", "tag"]) }
        #expect(throws: HelpdeskError.self) { try ImportMapping().fields(for: ["Serial", "Serial number"]) }
        #expect(throws: HelpdeskError.self) { try ImportMapping().fields(for: ["Colour", "Size"]) }
    }

    @Test func statusWordsOfOtherRegistersMapToTheLifecycle() throws {
        for (word, status) in [("Ready to Deploy", AssetStatus.inStock), ("Deployed", .deployed), ("Archived", .retired), ("Out for Repair", .inRepair),
                               ("Lost/Stolen", .lostOrStolen), ("In use", .deployed), ("In stock", .inStock), ("Pending", .ordered), ("inRepair", .inRepair)] {
            #expect(try ImportStatus.parse(word) == status, "\(word)")
        }
        #expect(throws: HelpdeskError.self) { try ImportStatus.parse("on the moon") }
        #expect(try ImportStatus.months("36 months") == 36)
        #expect(try ImportStatus.date("2023-06-15 00:00:00", field: "x").description == "2023-06-15")
    }

    @Test func aLineIsTheTaggedAssetElseTheOneWithItsSerialElseNew() throws {
        let agent = ImportMatch.Candidate(id: 7, vendor: "LENOVO", agent: true)
        #expect(try ImportMatch.decide(tag: "A-1", tagged: 3, serial: "PF4", vendor: nil, candidates: [agent]) == .update(3, reason: "the asset with the tag A-1"))
        #expect(try ImportMatch.decide(tag: "A-1", tagged: nil, serial: "PF4", vendor: "Lenovo", candidates: [agent])
                == .match(7, reason: "the same serial and maker as the agent's asset 7"))
        #expect(try ImportMatch.decide(tag: nil, tagged: nil, serial: "PF4", vendor: "Dell Inc.", candidates: [agent]) == .create, "another maker's serial")
        #expect(try ImportMatch.decide(tag: nil, tagged: nil, serial: "PF4", vendor: nil, candidates: [ImportMatch.Candidate(id: 9, vendor: nil, agent: false)])
                == .update(9, reason: "the asset with the serial PF4"))
        #expect(try ImportMatch.decide(tag: nil, tagged: nil, serial: nil, vendor: nil, candidates: []) == .create, "never by hostname or name")
        #expect(throws: HelpdeskError.self) {
            try ImportMatch.decide(tag: nil, tagged: nil, serial: "PF4", vendor: nil, candidates: [agent, ImportMatch.Candidate(id: 8, vendor: nil, agent: false)])
        }
        let line = try ImportLine([.model: "U2723QE", .location: "Paris > Tower B > 4.12", .status: "Ready to Deploy", .custom("carrier"): "SFR", .owner: "jdupont"])
        #expect(line.location == ["Paris", "Tower B", "4.12"] && line.owner == "jdupont" && line.standInName == "U2723QE")
        #expect(line.changes.status == .set(.inStock) && line.changes.fields == ["carrier": "SFR"] && line.changes.name == .keep)
        #expect(throws: HelpdeskError.self) { try ImportLine([.location: "A > B > C > D"]) }
        #expect(throws: HelpdeskError.self) { try ImportLine([.purchaseDate: "15/01/2024"]) }
    }
}

