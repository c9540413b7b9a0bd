/// LIKE patterns for user text, on either engine (a backslash escapes: SQLite is told `ESCAPE '\'`,
/// PostgreSQL's LIKE has it by default): `%`, `_` and `\` match themselves, so what a user types is
/// never a wildcard.
public enum LikePattern {
    /// Matches any text that contains `text`.
    public static func contains(_ text: String) -> String {
        var pattern = "%"
        for character in text {
            if character == "\\" || character == "%" || character == "_" { pattern.append("\\") }
            pattern.append(character)
        }
        return pattern + "%"
    }
}
