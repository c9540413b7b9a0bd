import CZlib

/// One-shot zlib compression (RFC 1950), used to measure and to send compressed reports.
public enum Deflate {
    /// Compresses `data` with zlib at `level` (0-9).
    public static func compress(_ data: [UInt8], level: Int32 = 6) -> [UInt8] {
        var destinationLength = compressBound(uLong(data.count))
        var output = [UInt8](repeating: 0, count: Int(destinationLength))
        let status = output.withUnsafeMutableBufferPointer { out in
            data.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &destinationLength, input.baseAddress, uLong(input.count), level)
            }
        }
        precondition(status == Z_OK, "compress2 cannot fail with a buffer of compressBound size")
        return Array(output.prefix(Int(destinationLength)))
    }
}

/// CRC-32 (ISO 3309, as zlib and gzip compute it), for checking stored records.
public enum CRC32 {
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }
}
