import DesksideHelpdesk
public import DesksideJSON
import Foundation
public import Hummingbird
import NIOCore

/// Lists as CSV (`format=csv` on any list of the API, and the console's exports): a column per
/// field of the items, `id` first, then in the order the items have them (by name, as the API
/// encodes them); numbers and text as they are, lists of
/// values joined with spaces, anything nested as its JSON. Cells a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@`, a tab or a CR first) get a `'` in front: a hostname or a ticket title
/// from an agent or a requester cannot run in the auditor's spreadsheet.
public enum CSVExport {
    public static let maxRows = Paging.maxRows

    public static func response(_ items: [JSONValue]) -> Response {
        Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: table(items))))
    }

    /// The items as CSV with a header line, CRLF line ends (RFC 4180).
    public static func table(_ items: [JSONValue]) -> String {
        var columns: [String] = [], known = Set<String>()
        for item in items {
            guard case .object(let members) = item else { continue }
            for member in members where known.insert(member.key).inserted { columns.append(member.key) }
        }
        if let id = columns.firstIndex(of: "id") { columns.insert(columns.remove(at: id), at: 0) }
        var text = line(columns)
        for item in items {
            text += columns.map { column in
                guard let value = item.member(column) else { return "" }
                if case .number(let number) = value { return number }
                return cell(Self.text(value))
            }.joined(separator: ",") + "\r\n"
        }
        return text
    }

    public static func line(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }

    public static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): number
        case .string(let string): string
        case .array(let items) where items.allSatisfy({ if case .object = $0 { false } else if case .array = $0 { false } else { true } }):
            items.map(text).joined(separator: " ")
        default: String(decoding: JSONSerializer.serialize(value), as: UTF8.self)
        }
    }
}

extension JSONValue {
    func member(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }
}
