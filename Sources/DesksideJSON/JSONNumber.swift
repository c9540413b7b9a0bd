/// JSON numbers as JSON Schema reads them: `3.0`, `30e-1` and `0.3e1` are the integer 3, as the
/// `integer` type of an API document says, so a client that writes integers as decimals is not refused.
enum JSONNumber {
    /// The integer a number's text denotes, in plain digits (`"-12"`), or `nil` when it has a
    /// fractional part or more than 40 digits. `text` is a number as the parser accepted it.
    static func integral(_ text: String) -> String? {
        var negative = false
        var digits: [UInt8] = []
        var point: Int?
        var exponent = 0
        var bytes = Substring(text).utf8[...]
        if bytes.first == UInt8(ascii: "-") { negative = true; bytes = bytes.dropFirst() }
        while let byte = bytes.first, byte != UInt8(ascii: "e"), byte != UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if byte == UInt8(ascii: ".") { point = digits.count } else { digits.append(byte) }
        }
        if !bytes.isEmpty {
            guard let value = Int(String(decoding: bytes.dropFirst(), as: UTF8.self)), abs(value) <= 1_000 else { return nil }
            exponent = value
        }
        // The decimal point's place in `digits`, after the exponent moved it.
        let place = (point ?? digits.count) + exponent
        let fraction = place < 0 ? digits[...] : digits.dropFirst(min(place, digits.count))
        guard fraction.allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
        var whole = place <= 0 ? [] : Array(digits.prefix(place))
        if place > digits.count { whole += repeatElement(UInt8(ascii: "0"), count: place - digits.count) }
        while whole.first == UInt8(ascii: "0") { whole.removeFirst() }
        guard whole.count <= 40 else { return nil }
        if whole.isEmpty { return "0" }
        return (negative ? "-" : "") + String(decoding: whole, as: UTF8.self)
    }
}
