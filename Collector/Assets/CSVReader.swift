/// Reads CSV as spreadsheets and other registers write it (RFC 4180 and its usual variants): a
/// byte-order mark is skipped; the delimiter is the first of `,` `;` tab found in the header line
/// outside quotes (GLPI exports with `;`); quoted fields hold delimiters, doubled quotes and line
/// breaks (CRLF or LF); a record's line number is the physical line it starts on. Bytes are
/// checked as UTF-8 per record, and a cell is at most `maxCell` characters: a bad record is an error
/// of its own line, and reading goes on, so that a report can list every bad line at once.
public struct CSVReader: Sendable {
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var cells: [String]
        /// Why the record cannot be used (bad UTF-8, a cell too long), if so.
        public var error: String?
    }

    public static let maxCell = 10_000
    public static let maxRecords = 200_000

    public let delimiter: UInt8
    public let records: [Record]

    public enum ReadError: Error, Equatable, CustomStringConvertible {
        case empty, tooManyRecords(Int), unterminatedQuote(line: Int)

        public var description: String {
            switch self {
            case .empty: "the file is empty"
            case .tooManyRecords(let count): "the file has more than \(count) lines: split it"
            case .unterminatedQuote(let line): "line \(line): a quoted cell is never closed"
            }
        }
    }

    public init(_ bytes: [UInt8], delimiter given: UInt8? = nil) throws {
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        guard bytes.count > start else { throw ReadError.empty }
        let delimiter = given ?? Self.detect(bytes, from: start)
        self.delimiter = delimiter
        var records: [Record] = []
        var cells: [String] = []
        var cell: [UInt8] = []
        var error: String?
        var line = 1, recordLine = 1
        var inQuotes = false, quoted = false
        var index = start
        func endCell() {
            if error == nil {
                if let text = String(validating: cell, as: UTF8.self) {
                    if text.count > Self.maxCell { error = "a cell is longer than \(Self.maxCell) characters" }
                    cells.append(text)
                } else {
                    error = "not UTF-8 text (save the file as UTF-8)"
                }
            }
            cell.removeAll(keepingCapacity: true)
            quoted = false
        }
        func endRecord() throws {
            endCell()
            // A line with nothing on it is no record.
            if !(cells.count == 1 && cells[0].isEmpty && !quoted) || error != nil {
                records.append(Record(line: recordLine, cells: error == nil ? cells : [], error: error))
                guard records.count <= Self.maxRecords else { throw ReadError.tooManyRecords(Self.maxRecords) }
            }
            cells.removeAll(keepingCapacity: true)
            error = nil
        }
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                        cell.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    if cell.count <= Self.maxCell * 4 { cell.append(byte) } else if error == nil { error = "a cell is longer than \(Self.maxCell) characters" }
                }
            } else if byte == UInt8(ascii: "\"") && cell.isEmpty {
                inQuotes = true
                quoted = true
            } else if byte == delimiter {
                endCell()
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if byte == UInt8(ascii: "\r") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                try endRecord()
                line += 1
                recordLine = line
            } else {
                if cell.count <= Self.maxCell * 4 { cell.append(byte) } else if error == nil { error = "a cell is longer than \(Self.maxCell) characters" }
            }
            index += 1
        }
        if inQuotes { throw ReadError.unterminatedQuote(line: recordLine) }
        if !cell.isEmpty || !cells.isEmpty || quoted { try endRecord() }
        guard !records.isEmpty else { throw ReadError.empty }
        self.records = records
    }

    /// The first of `,` `;` tab outside quotes on the first line; a comma if none.
    static func detect(_ bytes: [UInt8], from start: Int) -> UInt8 {
        var inQuotes = false
        for byte in bytes[start...] {
            if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
            if inQuotes { continue }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "\t") { return byte }
        }
        return UInt8(ascii: ",")
    }
}
