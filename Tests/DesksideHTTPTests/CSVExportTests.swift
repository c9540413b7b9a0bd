@testable import DesksideHTTP
import DesksideJSON
import Testing

/// Lists as CSV: a column per field, RFC 4180 quoting, and nothing from an agent or a requester
/// that a spreadsheet would run as a formula.
@Suite struct CSVExportTests {
    static func items(_ json: String) throws -> [JSONValue] {
        guard case .array(let items) = try JSONParser.parse(Array(json.utf8)) else { throw JSONError(.syntax, "not an array") }
        return items
    }

    @Test func columnsFollowTheFieldsAndCellsAreQuotedAndDefused() throws {
        let csv = CSVExport.table(try Self.items("""
            [{"title": "=HYPERLINK(\\"http://x\\")", "id": 1, "tags": ["disk", "urgent"], "owner": null, "cost": -12.5},
             {"id": 2, "title": "two\\nlines, and a comma", "extra": {"a": 1}, "open": true}]
            """))
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == "id,title,tags,owner,cost,extra,open", "id first, then the first item's fields, then the ones later items add")
        #expect(lines[1] == #"1,"'=HYPERLINK(""http://x"")",disk urgent,,-12.5,,"#)
        #expect(lines[2] == "2,\"two\nlines, and a comma\",,,,\"{\"\"a\"\":1}\",true")
        #expect(lines[3].isEmpty && lines.count == 4, "CRLF after every line")
    }

    @Test(arguments: ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
    func formulasBecomeText(_ value: String) {
        #expect(CSVExport.cell(value).hasPrefix("'") || CSVExport.cell(value).hasPrefix("\"'"))
    }

    @Test func linesAreQuotedAndFormulasDefused() {
        #expect(CSVExport.line(["a", "b,c", "say \"hi\"", "=HYPERLINK(\"x\")", "-1", "@cmd", "line\nbreak"])
                == "a,\"b,c\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"x\"\")\",'-1,'@cmd,\"line\nbreak\"\r\n")
    }

    @Test func anEmptyListIsAnEmptyHeader() {
        #expect(CSVExport.table([]) == "\r\n")
    }
}
