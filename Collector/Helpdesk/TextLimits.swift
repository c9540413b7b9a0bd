/// Limits on text that people type into the desk. Lengths are counted in Unicode scalars, which is
/// how the API document's `minLength` and `maxLength` count them (JSON Schema counts code points), so
/// that what the document allows the code accepts and the reverse: counting characters (grapheme
/// clusters) would accept a title of 300 combining marks that the document refuses.
public enum TextLimits {
    /// Titles of tickets, articles and canned answers.
    public static let title = 200
    /// Usernames (one word).
    public static let username = 64
    /// Names, e-mail addresses, departments and locations of accounts.
    public static let field = 200
    /// Ticket descriptions, comments, canned answers' bodies.
    public static let comment = 65_536
    /// Knowledge-base articles.
    public static let article = 262_144
    /// Categories, tags and fault codes.
    public static let word = 64

    /// The length the document's limits speak of.
    public static func length(_ text: String) -> Int { text.unicodeScalars.count }

    /// True when the text holds nothing but space (`isSpace`): the API document's pattern for
    /// text that must say something is the class of everything else.
    public static func isBlank(_ text: String) -> Bool { text.unicodeScalars.allSatisfy(isSpace) }

    /// One word: not empty, no space (`isSpace`).
    public static func isWord(_ text: String) -> Bool { !text.isEmpty && !text.unicodeScalars.contains(where: isSpace) }

    /// Space as ECMA-262 defines `\s` (white space and line terminators), written out character by
    /// character in the document's patterns (`spaceClass`) so that every regular-expression engine
    /// reads them alike: Python's and Swift's own notions of white space differ from it and from
    /// each other (U+001C to U+001F, U+0085, U+FEFF), and ICU's `\\v` is more than U+000B.
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        default: false
        }
    }

    /// The characters of `isSpace` as the inside of a regular-expression class.
    public static let spaceClass = #"\t\n\x0b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"#

    /// Throws `invalid(message)` unless the text is `range` long.
    public static func check(_ text: String, _ range: ClosedRange<Int>, _ message: @autoclosure () -> String) throws(HelpdeskError) {
        guard range.contains(length(text)) else { throw HelpdeskError.invalid(message()) }
    }
}

/// The most rows one read of a list returns: a page of the API is at most 500, a CSV export up to this.
public enum Paging {
    public static let maxRows = 10_000
}
