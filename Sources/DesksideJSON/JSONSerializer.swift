/// Writes a ``JSONValue`` as compact or indented JSON. Object members are written in the order given;
/// the encoder sorts them, so that equal values give equal bytes.
public enum JSONSerializer {
    /// `value` as JSON text, its object members in the order they hold.
    public static func serialize(_ value: JSONValue, pretty: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        write(value, into: &output, pretty: pretty, indent: 0)
        return output
    }

    static func write(_ value: JSONValue, into output: inout [UInt8], pretty: Bool, indent: Int) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let text): output.append(contentsOf: text.utf8)
        case .string(let text): writeString(text, into: &output)
        case .array(let items):
            container(open: "[", close: "]", count: items.count, into: &output, pretty: pretty, indent: indent) { index, output in
                write(items[index], into: &output, pretty: pretty, indent: indent + 1)
            }
        case .object(let members):
            container(open: "{", close: "}", count: members.count, into: &output, pretty: pretty, indent: indent) { index, output in
                writeKey(members[index].key, into: &output, pretty: pretty)
                write(members[index].value, into: &output, pretty: pretty, indent: indent + 1)
            }
        }
    }

    /// Brackets, commas and indentation around `count` elements written by `element`.
    static func container(open: Unicode.Scalar, close: Unicode.Scalar, count: Int, into output: inout [UInt8], pretty: Bool, indent: Int,
                          _ element: (Int, inout [UInt8]) -> Void) {
        output.append(UInt8(ascii: open))
        for index in 0..<count {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            newline(&output, pretty: pretty, indent: indent + 1)
            element(index, &output)
        }
        if count > 0 { newline(&output, pretty: pretty, indent: indent) }
        output.append(UInt8(ascii: close))
    }

    static func writeKey(_ key: String, into output: inout [UInt8], pretty: Bool) {
        writeString(key, into: &output)
        if pretty {
            output.append(contentsOf: [0x20, UInt8(ascii: ":"), 0x20])
        } else {
            output.append(UInt8(ascii: ":"))
        }
    }

    private static func newline(_ output: inout [UInt8], pretty: Bool, indent: Int) {
        guard pretty else { return }
        output.append(0x0A)
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Quotes a string; control characters, quotes and backslashes are escaped, the rest is UTF-8.
    public static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20, 0x7F:
                output.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
