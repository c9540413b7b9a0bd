import CLZ4
import CLZMA
import CZlib

/// Decompresses a stream chunk by chunk, so that a 100 MB package list never sits in memory whole.
/// Output is handed to a closure in pieces no larger than the decompressor's buffer.
public struct StreamDecompressor: ~Copyable {
    public let format: CompressionFormat
    private let maxOutputBytes: Int
    private var produced = 0
    private var outputBuffer: [UInt8]
    private var backend: Backend

    private enum Backend {
        case none
        case zlib(UnsafeMutablePointer<z_stream>, finished: Bool)
        case lz4(OpaquePointer, finished: Bool)
        case xz(UnsafeMutablePointer<lzma_stream>, finished: Bool)
    }

    /// - Parameters:
    ///   - format: the stream's format.
    ///   - maxOutputBytes: decompression stops with ``DecompressionError/outputLimitExceeded(limit:)`` past this.
    ///   - bufferSize: size of the pieces handed to the closure.
    public init(format: CompressionFormat, maxOutputBytes: Int, bufferSize: Int = 1 << 17) throws(DecompressionError) {
        self.format = format
        self.maxOutputBytes = maxOutputBytes
        self.outputBuffer = [UInt8](repeating: 0, count: bufferSize)
        switch format {
        case .none:
            backend = .none
        case .gzip:
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // 15 + 32: zlib or gzip header, detected automatically.
            guard inflateInit2_(stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                stream.deallocate()
                throw .corrupt(format: format, detail: "zlib failed to initialize")
            }
            backend = .zlib(stream, finished: false)
        case .lz4:
            var context: OpaquePointer?
            guard LZ4F_isError(LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))) == 0, let context else {
                throw .corrupt(format: format, detail: "lz4 failed to initialize")
            }
            backend = .lz4(context, finished: false)
        case .xz:
            let stream = UnsafeMutablePointer<lzma_stream>.allocate(capacity: 1)
            stream.initialize(to: lzma_stream())
            // Accepts .xz and legacy .lzma; memory use of the decoder itself capped at 256 MiB.
            guard lzma_auto_decoder(stream, 256 << 20, 0) == LZMA_OK else {
                stream.deallocate()
                throw .corrupt(format: format, detail: "liblzma failed to initialize")
            }
            backend = .xz(stream, finished: false)
        }
    }

    deinit {
        switch backend {
        case .none: break
        case .zlib(let stream, _):
            inflateEnd(stream)
            stream.deallocate()
        case .lz4(let context, _):
            LZ4F_freeDecompressionContext(context)
        case .xz(let stream, _):
            lzma_end(stream)
            stream.deallocate()
        }
    }

    /// Feeds compressed bytes; calls `body` with each piece of decompressed output.
    public mutating func feed(_ input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch backend {
        case .none:
            try emit(input, body)
        case .zlib(let stream, let finished):
            guard !finished else {
                if !input.isEmpty { throw DecompressionError.corrupt(format: format, detail: "data after the end of the stream") }
                return
            }
            var done = false
            try feedZlib(stream, input, &done, body)
            backend = .zlib(stream, finished: done)
        case .lz4(let context, _):
            var done = false
            try feedLZ4(context, input, &done, body)
            backend = .lz4(context, finished: done)
        case .xz(let stream, let finished):
            guard !finished else { return }
            var done = false
            try feedXZ(stream, input, action: LZMA_RUN, &done, body)
            backend = .xz(stream, finished: done)
        }
    }

    /// Ends the stream; throws ``DecompressionError/truncated(format:)`` when the input stopped early.
    public mutating func finish(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch backend {
        case .none:
            return
        case .zlib(_, let finished), .lz4(_, let finished):
            if !finished { throw DecompressionError.truncated(format: format) }
        case .xz(let stream, let finished):
            if finished { return }
            var done = false
            try feedXZ(stream, UnsafeRawBufferPointer(start: nil, count: 0), action: LZMA_FINISH, &done, body)
            if !done { throw DecompressionError.truncated(format: format) }
            backend = .xz(stream, finished: true)
        }
    }

    private mutating func emit(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !bytes.isEmpty else { return }
        produced += bytes.count
        if produced > maxOutputBytes { throw DecompressionError.outputLimitExceeded(limit: maxOutputBytes) }
        try body(bytes)
    }

    private mutating func feedZlib(
        _ stream: UnsafeMutablePointer<z_stream>, _ input: UnsafeRawBufferPointer, _ done: inout Bool,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        var buffer = outputBuffer
        defer { outputBuffer = buffer }
        // Go on while input remains or the last round filled the buffer: zlib may hold output for
        // input it has already taken in.
        var written = buffer.count
        while stream.pointee.avail_in > 0 || written == buffer.count {
            let (status, count) = buffer.withUnsafeMutableBytes { out -> (Int32, Int) in
                stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(out.count)
                let status = inflate(stream, Z_NO_FLUSH)
                return (status, out.count - Int(stream.pointee.avail_out))
            }
            written = count
            try buffer.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[0..<count]), body) }
            switch status {
            case Z_STREAM_END:
                if stream.pointee.avail_in > 0 {
                    // Concatenated gzip members are valid (RFC 1952 §2.2): start the next one.
                    guard inflateReset(stream) == Z_OK else { throw DecompressionError.corrupt(format: format, detail: "reset failed") }
                    continue
                }
                done = true
                return
            case Z_OK, Z_BUF_ERROR:
                if status == Z_BUF_ERROR && written == 0 { return }
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
                throw DecompressionError.corrupt(format: format, detail: detail)
            }
        }
        done = false
    }

    private mutating func feedLZ4(
        _ context: OpaquePointer, _ input: UnsafeRawBufferPointer, _ done: inout Bool,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        var offset = 0
        var buffer = outputBuffer
        defer { outputBuffer = buffer }
        var hint = 1
        while offset < input.count || hint != 0 {
            var sourceSize = input.count - offset
            let (result, written) = buffer.withUnsafeMutableBytes { out -> (Int, Int) in
                var destinationSize = out.count
                let result = LZ4F_decompress(context, out.baseAddress, &destinationSize, base + offset, &sourceSize, nil)
                return (result, destinationSize)
            }
            if LZ4F_isError(result) != 0 {
                throw DecompressionError.corrupt(format: format, detail: String(cString: LZ4F_getErrorName(result)))
            }
            offset += sourceSize
            hint = result
            try buffer.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[0..<written]), body) }
            if offset >= input.count && written < buffer.count { break }
        }
        // A hint of 0 means the frame is complete; another frame may follow in the same file.
        done = hint == 0
    }

    private mutating func feedXZ(
        _ stream: UnsafeMutablePointer<lzma_stream>, _ input: UnsafeRawBufferPointer, action: lzma_action,
        _ done: inout Bool, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_in = input.count
        var buffer = outputBuffer
        defer { outputBuffer = buffer }
        while true {
            let (status, written) = buffer.withUnsafeMutableBytes { out -> (lzma_ret, Int) in
                stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.pointee.avail_out = out.count
                let status = lzma_code(stream, action)
                return (status, out.count - stream.pointee.avail_out)
            }
            try buffer.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[0..<written]), body) }
            switch status {
            case LZMA_STREAM_END:
                done = true
                return
            case LZMA_OK:
                if stream.pointee.avail_in == 0 && written < buffer.count { return }
            case LZMA_BUF_ERROR:
                if action == LZMA_FINISH { throw DecompressionError.truncated(format: format) }
                return
            default:
                throw DecompressionError.corrupt(format: format, detail: "liblzma error \(status.rawValue)")
            }
        }
    }
}
