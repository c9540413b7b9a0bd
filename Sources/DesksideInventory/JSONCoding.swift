import Foundation

extension JSONEncoder {
    /// The encoder for inventories and faults: ISO 8601 dates, sorted keys, so that equal
    /// inventories encode to equal bytes.
    public static var inventory: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension JSONDecoder {
    /// The decoder matching ``JSONEncoder/inventory``.
    public static var inventory: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
