import DesksideStore

/// FTS5 queries built from user text: the words `FullTextWords` keeps, each quoted, so no user input
/// is FTS syntax.
enum FullText {
    /// `nil` when the text has no words. `all`: every word must match; otherwise any. `prefix`:
    /// each word matches words it begins (`print` finds `printer`). `joiners`: characters that do
    /// not split a word, as the index's tokenizer was told (`ws-0042`, `disk.space.low` in tickets).
    static func query(_ text: String, all: Bool, prefix: Bool = false, joiners: Set<Character> = []) -> String? {
        let words = FullTextWords.split(text, joiners: joiners).map { "\"\($0)\"" + (prefix ? "*" : "") }
        return words.isEmpty ? nil : words.joined(separator: all ? " AND " : " OR ")
    }
}
