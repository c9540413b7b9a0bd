/// A page of a list: the items asked for and how many matched in all (`limit` and `offset` as
/// applied), as every list of the API answers.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    public var limit: Int
    public var offset: Int

    public init(items: [Item], total: Int, limit: Int, offset: Int) {
        self.items = items
        self.total = total
        self.limit = limit
        self.offset = offset
    }
}

extension Page: Encodable where Item: Encodable {}
extension Page: Decodable where Item: Decodable {}
extension Page: Equatable where Item: Equatable {}

/// The answer of a write that returns nothing else: `{"ok": true}`.
public struct Done: Codable, Sendable, Equatable {
    public var ok = true

    public init() {}
}
