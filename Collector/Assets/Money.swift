import DesksideHelpdesk

/// A purchase cost in hundredths (no currency: a register keeps one), read from what people type
/// and what spreadsheets export: "1234.5", "1,234.50", "1 234,50", "$1,234.50", "1234.50 EUR".
public enum Money {
    public static func cents(_ text: String) throws -> Int64 {
        var body = Substring(text).drop { $0 == " " || $0.isLetter || "$€£¥".contains($0) }
        while let last = body.last, last == " " || last.isLetter || "$€£¥".contains(last) { body = body.dropLast() }
        var digits = body.filter { $0 != " " && $0 != "\u{00A0}" && $0 != "'" }
        // The last separator followed by one or two digits is the decimal one; any other is grouping.
        var fractionText = ""
        if let last = digits.lastIndex(where: { $0 == "," || $0 == "." }), digits.distance(from: last, to: digits.endIndex) - 1 <= 2 {
            fractionText = "." + digits[digits.index(after: last)...]
            digits = String(digits[..<last])
        }
        // Grouping: one to three digits, then groups of exactly three.
        let groups = digits.split(omittingEmptySubsequences: false) { $0 == "," || $0 == "." }
        guard groups.count == 1 || (1...3).contains(groups[0].count) && groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
            throw HelpdeskError.invalid("a cost must be a number with at most two decimals")
        }
        digits = groups.joined() + fractionText
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 12,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let whole = Int64(parts[0]) else {
            throw HelpdeskError.invalid("a cost must be a number with at most two decimals")
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 2 else { throw HelpdeskError.invalid("a cost must be a number with at most two decimals") }
        return whole * 100 + (Int64(fraction.padding(toLength: 2, withPad: "0")) ?? 0)
    }

    /// Hundredths written back with two decimals: 123450 -> "1234.50".
    public static func text(_ cents: Int64) -> String {
        let fraction = String(cents % 100)
        return String(cents / 100) + "." + (fraction.count == 1 ? "0" + fraction : fraction)
    }
}

private extension Substring {
    func padding(toLength length: Int, withPad pad: Character) -> String {
        String(self) + String(repeating: pad, count: Swift.max(0, length - count))
    }
}
