/// Where an asset stands in the register: in use, in stock (handed back), retired, or lost.
/// (Issue 14 grows this into the full lifecycle; the schema's CHECK holds the same four.)
public enum AssetStatus: String, Codable, Sendable, CaseIterable {
    case active, inStock, retired, lost
}
