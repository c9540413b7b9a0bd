#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a possibly compressed file in pieces.
public enum CompressedFile {
    /// Streams the decompressed content of `path` to `body`, a piece at a time.
    public static func forEachChunk(
        path: String, format: CompressionFormat, maxOutputBytes: Int,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        // Non-blocking and regular files only: a FIFO in the lists directory must not hang the agent.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw DecompressionError.io(path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { throw DecompressionError.io(path: path, errno: EINVAL) }
        var decompressor = try StreamDecompressor(format: format, maxOutputBytes: maxOutputBytes)
        var input = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = input.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw DecompressionError.io(path: path, errno: errno)
            }
            if count == 0 { break }
            try input.withUnsafeBytes { try decompressor.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count]), body) }
        }
        try decompressor.finish(body)
    }

    /// Decompresses a whole buffer; for small payloads and tests.
    public static func decompress(_ data: [UInt8], format: CompressionFormat, maxOutputBytes: Int) throws -> [UInt8] {
        var decompressor = try StreamDecompressor(format: format, maxOutputBytes: maxOutputBytes)
        var output: [UInt8] = []
        let collect: (UnsafeRawBufferPointer) -> Void = { output.append(contentsOf: $0) }
        try data.withUnsafeBytes { try decompressor.feed($0, collect) }
        try decompressor.finish(collect)
        return output
    }
}
