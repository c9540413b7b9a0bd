import CZlib

/// A zlib stream of `gibibytes` GiB of zeros, made chunk by chunk (level 1, the fastest: about 4.5 MB per GiB).
enum ZlibBomb {
    static func make(gibibytes: Int) -> [UInt8] {
        var stream = z_stream()
        precondition(deflateInit_(&stream, 1, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var zeros = [UInt8](repeating: 0, count: 1 << 20)
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        for chunk in 0..<(gibibytes << 10) {
            let flush = chunk == (gibibytes << 10) - 1 ? Z_FINISH : Z_NO_FLUSH
            zeros.withUnsafeMutableBufferPointer { input in
                stream.next_in = input.baseAddress
                stream.avail_in = uInt(input.count)
                repeat {
                    buffer.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = uInt(out.count)
                        deflate(&stream, flush)
                        output.append(contentsOf: out.prefix(out.count - Int(stream.avail_out)))
                    }
                } while stream.avail_out == 0 || stream.avail_in > 0
            }
        }
        return output
    }
}
