public import DesksideInventory

/// The raw SMBIOS structure table the kernel exposes at /sys/firmware/dmi/tables/DMI (DMTF DSP0134:
/// each structure is a 4-byte header, type, length and handle, then its formatted area, then a set of
/// NUL-terminated strings ended by an extra NUL). Only root can read it on most systems.
public struct SMBIOSTable: Sendable {
    public static let path = "/sys/firmware/dmi/tables/DMI"

    /// One structure: its type, formatted area (header included) and strings (1-based in SMBIOS).
    public struct Structure: Sendable {
        public var type: UInt8
        public var formatted: [UInt8]
        public var strings: [String]

        func byte(_ offset: Int) -> Int? { offset < formatted.count ? Int(formatted[offset]) : nil }

        func word(_ offset: Int) -> Int? {
            offset + 1 < formatted.count ? Int(formatted[offset]) | Int(formatted[offset + 1]) << 8 : nil
        }

        func dword(_ offset: Int) -> Int? {
            guard offset + 3 < formatted.count else { return nil }
            return (0..<4).reduce(0) { $0 | Int(formatted[offset + $1]) << (8 * $1) }
        }

        func string(_ offset: Int) -> String? {
            guard let index = byte(offset), index > 0, index <= strings.count else { return nil }
            return DMIProbe.meaningful(strings[index - 1].trimmed(" "))
        }
    }

    public private(set) var structures: [Structure] = []
    /// Set when the table ends inside a structure.
    public private(set) var truncated = false

    /// Parses a table; stops at the end-of-table structure (type 127), at the end of the data, or at
    /// the first structure that runs past the end (then ``truncated`` is set).
    public init(bytes: [UInt8]) {
        var offset = 0
        while offset + 4 <= bytes.count {
            let type = bytes[offset]
            let length = Int(bytes[offset + 1])
            guard length >= 4, offset + length <= bytes.count else {
                truncated = true
                return
            }
            var cursor = offset + length
            var strings: [String] = []
            var stringStart = cursor
            var terminated = false
            while cursor < bytes.count {
                if bytes[cursor] == 0 {
                    if cursor == stringStart {
                        // Empty string: the terminator (or the first NUL of a structure with no strings).
                        if strings.isEmpty && cursor + 1 < bytes.count && bytes[cursor + 1] == 0 { cursor += 1 }
                        terminated = true
                        cursor += 1
                        break
                    }
                    strings.append(String(decoding: bytes[stringStart..<cursor], as: UTF8.self))
                    stringStart = cursor + 1
                }
                cursor += 1
            }
            guard terminated else {
                truncated = true
                return
            }
            structures.append(Structure(type: type, formatted: Array(bytes[offset..<(offset + length)]), strings: strings))
            if type == 127 { return }
            offset = cursor
        }
        if offset < bytes.count { truncated = true }
    }

    /// Installed memory modules from the Memory Device structures (type 17, DSP0134 §7.18); empty slots skipped.
    public var memoryModules: [MemoryModule] {
        structures.filter { $0.type == 17 }.compactMap { device in
            guard let size = Self.moduleSize(device), size > 0 else { return nil }
            var speed = device.word(0x15)
            if speed == 0xFFFF { speed = device.dword(0x54) }
            var configured = device.word(0x20)
            if configured == 0xFFFF { configured = device.dword(0x58) }
            return MemoryModule(
                slot: device.string(0x10), bank: device.string(0x11), sizeBytes: size,
                type: device.byte(0x12).flatMap(SMBIOSNames.memoryType), formFactor: device.byte(0x0E).flatMap(SMBIOSNames.memoryFormFactor),
                speedMTs: speed.flatMap { $0 == 0 ? nil : $0 }, configuredSpeedMTs: configured.flatMap { $0 == 0 ? nil : $0 },
                manufacturer: device.string(0x17), serial: device.string(0x18), partNumber: device.string(0x1A)
            )
        }
    }

    /// Size in bytes: the word at 0x0C is in MB (KB when bit 15 is set); 0x7FFF defers to the
    /// extended size at 0x1C (MB); 0 is an empty slot and 0xFFFF unknown.
    static func moduleSize(_ device: Structure) -> UInt64? {
        guard let size = device.word(0x0C), size != 0xFFFF else { return nil }
        if size == 0x7FFF {
            guard let extended = device.dword(0x1C) else { return nil }
            return UInt64(extended & 0x7FFF_FFFF) << 20
        }
        if size & 0x8000 != 0 { return UInt64(size & 0x7FFF) << 10 }
        return UInt64(size) << 20
    }
}

extension String {
    fileprivate func trimmed(_ set: Character) -> String {
        var result = Substring(self)
        while result.first == set { result.removeFirst() }
        while result.last == set { result.removeLast() }
        return String(result)
    }
}
