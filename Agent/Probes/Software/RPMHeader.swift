/// An RPM package header as RPM stores it in its database: a big-endian index count and data length,
/// that many 16-byte index entries (tag, type, offset, count), then the data store. The format is
/// RPM's "header structure" (rpm's doc/manual/format_header.md; lib/header.c).
public struct RPMHeader: Sendable {
    /// Tags read by the inventory (rpm's lib/rpmtag.h).
    public enum Tag: Int32, Sendable {
        case name = 1000, version = 1001, release = 1002, epoch = 1003, summary = 1004
        case installTime = 1008, size = 1009, vendor = 1011, group = 1016, arch = 1022, sourceRPM = 1044
        case longSize = 5009
    }

    private struct Entry {
        var type: Int32
        var offset: Int
        var count: Int
    }

    private let entries: [Int32: Entry]
    private let data: ArraySlice<UInt8>

    /// Why a header blob could not be read.
    public struct FormatError: Error, Equatable {
        public var reason: String
    }

    public init(blob: [UInt8]) throws(FormatError) {
        guard blob.count >= 8 else { throw FormatError(reason: "shorter than its preamble") }
        let indexCount = Int(Self.int32(blob, 0))
        let dataLength = Int(Self.int32(blob, 4))
        guard indexCount >= 0, dataLength >= 0, indexCount < 1 << 16, dataLength < 256 << 20,
              8 + indexCount * 16 + dataLength <= blob.count
        else { throw FormatError(reason: "index or data length out of bounds") }
        let dataStart = 8 + indexCount * 16
        var entries: [Int32: Entry] = [:]
        for i in 0..<indexCount {
            let base = 8 + i * 16
            let tag = Self.int32(blob, base)
            let type = Self.int32(blob, base + 4)
            let offset = Int(Self.int32(blob, base + 8))
            let count = Int(Self.int32(blob, base + 12))
            guard offset >= 0, offset < dataLength || count == 0, count >= 0 else { continue }
            entries[tag] = Entry(type: type, offset: offset, count: count)
        }
        self.entries = entries
        self.data = blob[dataStart..<(dataStart + dataLength)]
    }

    /// A string tag (types STRING, STRING_ARRAY and I18NSTRING give their first string).
    public func string(_ tag: Tag) -> String? {
        guard let entry = entries[tag.rawValue], [6, 8, 9].contains(entry.type) else { return nil }
        let start = data.startIndex + entry.offset
        guard start < data.endIndex else { return nil }
        let end = data[start...].firstIndex(of: 0) ?? data.endIndex
        return String(decoding: data[start..<end], as: UTF8.self)
    }

    /// An integer tag (INT8, INT16, INT32 or INT64), first value.
    public func integer(_ tag: Tag) -> Int64? {
        guard let entry = entries[tag.rawValue], entry.count > 0 else { return nil }
        let start = data.startIndex + entry.offset
        let width: Int
        switch entry.type {
        case 2: width = 1
        case 3: width = 2
        case 4: width = 4
        case 5: width = 8
        default: return nil
        }
        guard start + width <= data.endIndex else { return nil }
        var value: UInt64 = 0
        for byte in data[start..<(start + width)] { value = value << 8 | UInt64(byte) }
        return width == 8 ? Int64(bitPattern: value) : Int64(value)
    }

    private static func int32(_ bytes: [UInt8], _ at: Int) -> Int32 {
        Int32(bitPattern: UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3]))
    }
}
