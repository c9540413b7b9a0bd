import ArgumentParser
import DesksideClient
import DesksideJSON

/// `--json` (the API's document as it came) or `--csv` (for spreadsheets); a table otherwise.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the API's JSON.")
    var json = false

    @Flag(name: .long, help: "Print CSV (RFC 4180) with a header row.")
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv do not go together") }
    }

    /// Prints `items` (objects) with `columns`, or `document` as JSON.
    func list(_ items: [JSONValue], columns: [Column], document: JSONValue, footer: String? = nil) {
        if json { return Output.json(document) }
        let rows = items.map { item in columns.map { $0.value(item) } }
        if csv { return Output.csv(header: columns.map(\.header), rows: rows) }
        Output.table(header: columns.map(\.header), rows: rows)
        if let footer { print(footer) }
    }

    /// Prints one object as `key: value` lines (or JSON / CSV of its fields).
    func record(_ document: JSONValue, fields: [Column]) {
        if json { return Output.json(document) }
        if csv { return Output.csv(header: fields.map(\.header), rows: [fields.map { $0.value(document) }]) }
        let width = fields.map(\.header.count).max() ?? 0
        let indent = "\n" + String(repeating: " ", count: width + 2)
        for field in fields {
            // A description's lines stay lines, indented under the first.
            let lines = Output.terminalSafe(field.value(document), keepingLines: true).split(separator: "\n", omittingEmptySubsequences: false)
            print(field.header.padding(width) + "  " + lines.joined(separator: indent))
        }
    }
}

extension Output {
    /// A typed answer as the JSON document the table, CSV and `--json` printers read.
    static func document(_ value: some Encodable) throws -> JSONValue {
        try JSONParser.parse(try JSONCoder.encode(value))
    }
}

/// One column: a header and the path of keys to its value (`assignee`, `asset.hostname`).
struct Column {
    var header: String
    var path: [String]

    init(_ header: String, _ path: String? = nil) {
        self.header = header
        self.path = (path ?? header).split(separator: ".").map(String.init)
    }

    func value(_ item: JSONValue) -> String {
        var current: JSONValue? = item
        for key in path { current = current?[key] }
        // An object (custom fields) as name=value pairs.
        if case .object(let members)? = current { return members.map { "\($0.key)=\($0.value.text ?? "")" }.joined(separator: "; ") }
        return current?.text ?? ""
    }
}

enum Output {
    static func json(_ value: JSONValue) {
        print(String(decoding: (try? JSONCoder.encode(JSONTree(value), pretty: true)) ?? [], as: UTF8.self))
    }

    /// Control characters (escape sequences from hostile inventory text) shown as `?`, so nothing an
    /// agent reported can drive the terminal. `keepingLines` keeps line feeds and tabs, and drops
    /// carriage returns (a CR alone would move back over what was printed).
    static func terminalSafe(_ text: String, keepingLines: Bool = false) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.compactMap { scalar in
            if keepingLines {
                if scalar == "\n" || scalar == "\t" { return scalar }
                if scalar == "\r" { return nil }
            }
            return scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format ? "?" : scalar
        }))
    }

    static func table(header: [String], rows: [[String]]) {
        let cells = ([header] + rows).map { $0.map { cell in
            let safe = terminalSafe(cell)
            return safe.count > 60 ? String(safe.prefix(59)) + "…" : safe
        } }
        var widths = Array(repeating: 0, count: header.count)
        for row in cells { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        for (number, row) in cells.enumerated() {
            print(row.enumerated().map { $0.element.padding($0.offset == row.count - 1 ? 0 : widths[$0.offset]) }.joined(separator: "  "))
            if number == 0 { print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
    }

    /// RFC 4180, with cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR)
    /// prefixed by `'`: hostile text in a ticket must not become a formula in a report.
    static func csv(header: [String], rows: [[String]]) {
        func cell(_ text: String) -> String {
            var text = text
            if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        for row in [header] + rows { print(row.map(cell).joined(separator: ","), terminator: "\r\n") }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// A parsed document as an `Encodable`, to print it back as JSON.
struct JSONTree: Encodable {
    let value: JSONValue
    init(_ value: JSONValue) { self.value = value }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .number(let text):
            var container = encoder.singleValueContainer()
            if let integer = Int64(text) { try container.encode(integer) } else { try container.encode(Double(text) ?? 0) }
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(JSONTree(item)) }
        case .object(let members):
            var container = encoder.container(keyedBy: Key.self)
            for member in members { try container.encode(JSONTree(member.value), forKey: Key(stringValue: member.key)) }
        }
    }
}
