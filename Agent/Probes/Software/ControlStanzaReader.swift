/// Reads Debian control data (deb822 stanzas: `Field: value` lines, continuation lines starting with
/// a space or tab, stanzas separated by blank lines) as it arrives in pieces, as from a decompressor.
///
/// Only the fields asked for are turned into strings, so that scanning apt's 100 MB of package lists
/// costs little more than reading them. Used for /var/lib/dpkg/status and apt's Packages and Release files.
public struct ControlStanzaReader {
    /// A stanza: the wanted fields that were present, by index into the `fields` given at init.
    public typealias Stanza = [String?]

    private let wanted: [[UInt8]]
    private var carry: [UInt8] = []
    /// Lines that were neither fields nor continuations.
    public private(set) var malformedLines = 0
    /// Lines longer than this are skipped as malformed (a hostile file cannot make one huge string).
    public static let maxLineLength = 1 << 20

    /// - Parameter fields: field names to extract, matched case-insensitively as deb822 requires.
    public init(fields: [String]) {
        wanted = fields.map { Array($0.lowercased().utf8) }
    }

    /// Feeds the next piece of input; calls `body` for each complete stanza.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ body: (Stanza) throws -> Void) rethrows {
        guard !bytes.isEmpty else { return }
        if carry.isEmpty {
            let consumed = try parseStanzas(bytes, final: false, body)
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[consumed...]))
        } else {
            carry.append(contentsOf: bytes)
            let buffer = carry
            let consumed = try buffer.withUnsafeBytes { try parseStanzas($0, final: false, body) }
            carry.removeFirst(consumed)
        }
        if carry.count > Self.maxLineLength * 4 {
            // One stanza larger than any real one: drop it rather than grow without bound.
            malformedLines += 1
            carry.removeAll(keepingCapacity: false)
        }
    }

    /// Ends the input. Returns `false` when the input stopped in the middle of a line (a truncated
    /// file); that partial stanza is dropped, since its last field may be cut short.
    public mutating func finish(_ body: (Stanza) throws -> Void) rethrows -> Bool {
        defer { carry = [] }
        guard !carry.isEmpty else { return true }
        let complete = carry.last == 0x0A
        if complete {
            let buffer = carry
            _ = try buffer.withUnsafeBytes { try parseStanzas($0, final: true, body) }
        }
        return complete
    }

    /// Convenience: parses a whole buffer. `truncated` is set when it ends mid-line. Hand-edited files
    /// (apt's preferences) often lack a final newline: `unterminatedLastLine` accepts that.
    public static func parse(_ bytes: [UInt8], fields: [String], unterminatedLastLine: Bool = false) -> (stanzas: [Stanza], truncated: Bool, malformedLines: Int) {
        if unterminatedLastLine, let last = bytes.last, last != 0x0A { return parse(bytes + [0x0A], fields: fields) }
        var reader = ControlStanzaReader(fields: fields)
        var stanzas: [Stanza] = []
        bytes.withUnsafeBytes { reader.feed($0) { stanzas.append($0) } }
        let complete = reader.finish { stanzas.append($0) }
        return (stanzas, !complete, reader.malformedLines)
    }

    /// Parses the complete stanzas in `bytes`; returns how many bytes were consumed. With `final`,
    /// a last stanza not followed by a blank line is parsed too.
    private mutating func parseStanzas(_ bytes: UnsafeRawBufferPointer, final: Bool, _ body: (Stanza) throws -> Void) rethrows -> Int {
        let count = bytes.count
        var position = 0
        var consumed = 0
        var stanza: Stanza = Array(repeating: nil, count: wanted.count)
        var hasField = false
        var lastField = -1
        while position < count {
            guard let newline = Self.index(of: 0x0A, in: bytes, from: position) else { break }
            let lineStart = position
            var lineEnd = newline
            if lineEnd > lineStart && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            position = newline + 1
            if lineEnd == lineStart || Self.isBlank(bytes, lineStart, lineEnd) {
                if hasField {
                    try body(stanza)
                    stanza = Array(repeating: nil, count: wanted.count)
                    hasField = false
                }
                lastField = -1
                consumed = position
                continue
            }
            if lineEnd - lineStart > Self.maxLineLength {
                malformedLines += 1
                lastField = -1
                continue
            }
            let first = bytes[lineStart]
            if first == 0x20 || first == 0x09 {
                // Continuation of the previous field; kept only for fields that asked for it (none do
                // beyond their first line, which is what inventories report).
                if lastField < 0 && !hasField { malformedLines += 1 }
                continue
            }
            if first == UInt8(ascii: "#") { continue }
            guard let colon = Self.index(of: UInt8(ascii: ":"), in: bytes, from: lineStart, to: lineEnd) else {
                malformedLines += 1
                lastField = -1
                continue
            }
            hasField = true
            lastField = -1
            for (fieldIndex, name) in wanted.enumerated() where name.count == colon - lineStart {
                if Self.equalsLowercased(bytes, lineStart, name) {
                    var valueStart = colon + 1
                    while valueStart < lineEnd && (bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09) { valueStart += 1 }
                    var valueEnd = lineEnd
                    while valueEnd > valueStart && (bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09) { valueEnd -= 1 }
                    stanza[fieldIndex] = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd]), as: UTF8.self)
                    lastField = fieldIndex
                    break
                }
            }
        }
        if final && hasField {
            try body(stanza)
            return count
        }
        return consumed
    }

    @inline(__always)
    private static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int? = nil) -> Int? {
        let limit = end ?? bytes.count
        guard start < limit, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), limit - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    private static func isBlank(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        for i in start..<end where bytes[i] != 0x20 && bytes[i] != 0x09 { return false }
        return true
    }

    private static func equalsLowercased(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ name: [UInt8]) -> Bool {
        for (offset, expected) in name.enumerated() {
            var c = bytes[start + offset]
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            if c != expected { return false }
        }
        return true
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
