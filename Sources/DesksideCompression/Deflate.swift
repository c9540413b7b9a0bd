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

/// One-shot gzip compression (RFC 1952), for answering an agent that sent gzip in kind.
public enum Gzip {
    public static func compress(_ data: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: a gzip header and trailer around the deflate stream.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            preconditionFailure("zlib cannot initialize deflate")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 32)
        var input = data
        let produced = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = destination.baseAddress
                stream.avail_out = uInt(destination.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate with a buffer of deflateBound size finishes at once")
                return destination.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }
}
