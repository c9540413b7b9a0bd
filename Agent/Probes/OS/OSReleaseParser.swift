/// Parses os-release(5): `KEY=value` lines with shell-style quoting. Lines that are not assignments,
/// and values with an unterminated quote, are skipped and counted.
public enum OSReleaseParser {
    public static func parse(_ text: String) -> (values: [String: String], malformedLines: Int) {
        var values: [String: String] = [:]
        var malformed = 0
        for rawLine in text.split(separator: "\n") {
            let line = rawLine.drop(while: { $0 == " " || $0 == "\t" })
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "="),
                  !line[..<equals].isEmpty, line[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
                  let value = unquote(line[line.index(after: equals)...]) else {
                malformed += 1
                continue
            }
            values[String(line[..<equals])] = value
        }
        return (values, malformed)
    }

    /// `"a \"b\""` becomes `a "b"`; `'x'` becomes `x`; a bare word stays.
    static func unquote(_ raw: Substring) -> String? {
        var value = raw
        while value.last == " " || value.last == "\r" { value.removeLast() }
        guard let quote = value.first, quote == "\"" || quote == "'" else { return String(value) }
        guard value.count >= 2, value.last == quote else { return nil }
        var result = ""
        var escaped = false
        for character in value.dropFirst().dropLast() {
            if escaped || quote == "'" || character != "\\" {
                result.append(character)
                escaped = false
            } else {
                escaped = true
            }
        }
        return result
    }
}
