/// The words of a user's search, for either engine's full-text query (FTS5's MATCH, PostgreSQL's
/// tsquery): letters and digits only, so no user input is query syntax, at most 16 of them.
public enum FullTextWords {
    /// `joiners`: characters that do not split a word, as the index was told (`ws-0042`,
    /// `disk.space.low` in tickets); a word does not begin with one.
    public static func split(_ text: String, joiners: Set<Character> = []) -> [String] {
        text.split { !($0.isLetter || $0.isNumber || joiners.contains($0)) }
            .map { String($0.drop { joiners.contains($0) }) }.filter { !$0.isEmpty }
            .prefix(16).map { $0 }
    }
}
