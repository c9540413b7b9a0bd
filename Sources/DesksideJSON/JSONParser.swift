/// A strict JSON parser (RFC 8259) for input that may be hostile: limits on depth, size and member
/// count are checked as it goes, so a document nested a hundred thousand levels deep or holding a
/// million keys is refused quickly and without deep recursion on the stack.
public struct JSONParser {
    /// Limits applied while parsing.
    public struct Limits: Sendable {
        public var maxDepth: Int
        public var maxBytes: Int
        /// Members of all objects and arrays together.
        public var maxElements: Int
        /// Longest string (in UTF-8 bytes), keys included.
        public var maxStringBytes: Int
        /// Refuse strings holding NUL (escaped as \u0000): C code, SQLite and logs cut text there.
        public var rejectNUL: Bool

        public init(maxDepth: Int = 128, maxBytes: Int = 64 << 20, maxElements: Int = 4_000_000,
                    maxStringBytes: Int = 64 << 20, rejectNUL: Bool = false) {
            self.maxDepth = maxDepth
            self.maxBytes = maxBytes
            self.maxElements = maxElements
            self.maxStringBytes = maxStringBytes
            self.rejectNUL = rejectNUL
        }
    }

    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) throws(JSONError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else { throw JSONError(.tooLarge, "document of \(bytes.count) bytes is larger than \(limits.maxBytes)") }
        return try bytes.withUnsafeBufferPointer { buffer throws(JSONError) in
            var parser = Parser(bytes: buffer, limits: limits)
            parser.skipWhitespace()
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.position == buffer.count else { throw parser.error("unexpected data after the document") }
            return value
        }
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let limits: Limits
        var position = 0
        var elements = 0

        init(bytes: UnsafeBufferPointer<UInt8>, limits: Limits) {
            self.bytes = bytes
            self.limits = limits
        }

        func error(_ message: String, _ code: JSONError.Code = .syntax) -> JSONError {
            JSONError(code, message, at: "byte \(position)")
        }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func value(depth: Int) throws(JSONError) -> JSONValue {
            guard position < bytes.count else { throw error("unexpected end of the document") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func count() throws(JSONError) {
            elements += 1
            if elements > limits.maxElements { throw error("more than \(limits.maxElements) elements", .tooLarge) }
        }

        mutating func object(depth: Int) throws(JSONError) -> JSONValue {
            var members: [(key: String, value: JSONValue)] = []
            try self.members(depth: depth) { parser, key throws(JSONError) in members.append((key, try parser.value(depth: depth))) }
            return .object(members)
        }

        mutating func array(depth: Int) throws(JSONError) -> JSONValue {
            var items: [JSONValue] = []
            try self.items(depth: depth) { parser throws(JSONError) in items.append(try parser.value(depth: depth)) }
            return .array(items)
        }

        /// Walks the object at `position` (its `{`), nested `depth` levels deep: keys, refused
        /// duplicates, separators and the element count are checked here; `member` is called at each
        /// value and must consume it. The tree parser and `JSONReader` both read objects through this.
        mutating func members(depth: Int, _ member: (inout Parser, String) throws(JSONError) -> Void) throws(JSONError) {
            guard depth <= limits.maxDepth else { throw error("nested deeper than \(limits.maxDepth) levels", .tooDeep) }
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return
            }
            // A scan for the handful of keys of a model object; a set past that.
            var keys: [String] = []
            var keySet: Set<String> = []
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a key") }
                let key = try string()
                let duplicate: Bool
                if keys.count < 16 {
                    duplicate = keys.contains(key)
                    keys.append(key)
                    if keys.count == 16 { keySet = Set(keys) }
                } else {
                    duplicate = !keySet.insert(key).inserted
                }
                guard !duplicate else { throw error("duplicate key \"\(key.prefix(64))\"") }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                skipWhitespace()
                try count()
                try member(&self, key)
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end inside an object") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                } else if bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return
                } else {
                    throw error("expected ',' or '}'")
                }
            }
        }

        /// Walks the array at `position` (its `[`), as `members` walks an object.
        mutating func items(depth: Int, _ item: (inout Parser) throws(JSONError) -> Void) throws(JSONError) {
            guard depth <= limits.maxDepth else { throw error("nested deeper than \(limits.maxDepth) levels", .tooDeep) }
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return
            }
            while true {
                skipWhitespace()
                try count()
                try item(&self)
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end inside an array") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                } else if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return
                } else {
                    throw error("expected ',' or ']'")
                }
            }
        }

        mutating func literal(_ word: StaticString) throws(JSONError) {
            let length = word.utf8CodeUnitCount
            guard position + length <= bytes.count,
                  (0..<length).allSatisfy({ bytes[position + $0] == word.utf8Start[$0] }) else { throw error("invalid literal") }
            position += length
        }

        mutating func number() throws(JSONError) -> String {
            let start = position
            func digits() -> Int {
                let from = position
                while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
                return position - from
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
            let integerStart = position
            let integerDigits = digits()
            guard integerDigits > 0 else { throw error("invalid value") }
            if integerDigits > 1, bytes[integerStart] == 0x30 { throw error("leading zero in a number") }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw error("invalid number") }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw error("invalid exponent") }
            }
            guard position - start <= 64 else { throw error("number too long", .tooLarge) }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }

        mutating func string() throws(JSONError) -> String {
            position += 1
            let start = position
            // Fast path: no escapes.
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    guard position - start <= limits.maxStringBytes else { throw error("string longer than \(limits.maxStringBytes) bytes", .tooLarge) }
                    guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self) else {
                        throw error("invalid UTF-8 in a string")
                    }
                    position += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw error("control character in a string") }
                position += 1
            }
            var scalars: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    guard scalars.count <= limits.maxStringBytes else { throw error("string longer than \(limits.maxStringBytes) bytes", .tooLarge) }
                    if limits.rejectNUL && scalars.contains(0) { throw error("NUL character in a string") }
                    guard let text = String(validating: scalars, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                    return text
                }
                if byte < 0x20 { throw error("control character in a string") }
                if byte != UInt8(ascii: "\\") {
                    scalars.append(byte)
                    position += 1
                    continue
                }
                position += 1
                guard position < bytes.count else { break }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate")
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(code) {
                        throw error("unpaired surrogate")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("invalid escape") }
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw error("invalid escape")
                }
            }
            throw error("unterminated string")
        }

        mutating func hex4() throws(JSONError) -> UInt32 {
            guard position + 4 <= bytes.count else { throw error("invalid \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[position]
                let digit: UInt32
                switch c {
                case 0x30...0x39: digit = UInt32(c - 0x30)
                case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
                default: throw error("invalid \\u escape")
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }
    }
}
