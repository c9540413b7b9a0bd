import DesksideCompression
import DesksideTestSupport
import Foundation
import Testing

/// Decompression of files written by the real gzip, lz4 and xz tools, in pieces of every size,
/// with corrupt, truncated and bomb inputs.
@Suite struct StreamDecompressorTests {
    /// A text large enough to span many buffers, with some repetition and some variety.
    static let sample: [UInt8] = {
        var text = ""
        for i in 0..<20000 { text += "Package: pkg\(i)\nVersion: 1.\(i % 97)-\(i % 7)\nArchitecture: amd64\n\n" }
        return Array(text.utf8)
    }()

    static let tools: [(CompressionFormat, String, [String])] = [
        (.gzip, "gzip", ["-c"]), (.lz4, "lz4", ["-q", "-c"]), (.xz, "xz", ["-c"]),
    ]

    /// Compresses with the real command-line tool.
    static func compress(_ format: CompressionFormat, _ data: [UInt8]) throws -> [UInt8] {
        let (_, tool, arguments) = tools.first { $0.0 == format }!
        let result = try Fixtures.run(Fixtures.which(tool)!, arguments, stdin: Data(data))
        #expect(result.status == 0)
        return Array(result.stdout)
    }

    @Test(arguments: [CompressionFormat.gzip, .lz4, .xz])
    func roundTripsRealToolOutput(format: CompressionFormat) throws {
        let compressed = try Self.compress(format, Self.sample)
        #expect(compressed.count < Self.sample.count / 4)
        #expect(try CompressedFile.decompress(compressed, format: format, maxOutputBytes: 1 << 30) == Self.sample)
    }

    @Test(arguments: [CompressionFormat.gzip, .lz4, .xz], [1, 7, 4096])
    func acceptsInputInPiecesOfAnySize(format: CompressionFormat, pieceSize: Int) throws {
        let compressed = try Self.compress(format, Array(Self.sample.prefix(pieceSize == 1 ? 20000 : Self.sample.count)))
        var decompressor = try StreamDecompressor(format: format, maxOutputBytes: 1 << 30, bufferSize: 1000)
        var output: [UInt8] = []
        var offset = 0
        while offset < compressed.count {
            let end = min(offset + pieceSize, compressed.count)
            try Array(compressed[offset..<end]).withUnsafeBytes { piece in try decompressor.feed(piece) { output.append(contentsOf: $0) } }
            offset = end
        }
        try decompressor.finish { output.append(contentsOf: $0) }
        #expect(output == Array(Self.sample.prefix(output.count)))
        #expect(output.count == (pieceSize == 1 ? 20000 : Self.sample.count))
    }

    @Test(arguments: [CompressionFormat.gzip, .lz4, .xz])
    func truncatedStreamIsReported(format: CompressionFormat) throws {
        let compressed = try Self.compress(format, Self.sample)
        let cut = Array(compressed.prefix(compressed.count / 2))
        #expect(throws: DecompressionError.self) {
            _ = try CompressedFile.decompress(cut, format: format, maxOutputBytes: 1 << 30)
        }
    }

    @Test(arguments: [CompressionFormat.gzip, .lz4, .xz])
    func corruptStreamIsReported(format: CompressionFormat) throws {
        var compressed = try Self.compress(format, Self.sample)
        for i in stride(from: 20, to: compressed.count - 20, by: 50) { compressed[i] ^= 0x5A }
        #expect(throws: (any Error).self) {
            _ = try CompressedFile.decompress(compressed, format: format, maxOutputBytes: 1 << 30)
        }
    }

    @Test(arguments: [CompressionFormat.gzip, .lz4, .xz])
    func bombStopsAtTheOutputCap(format: CompressionFormat) throws {
        // 64 MiB of zeros compress to a few kilobytes; the cap is 1 MiB.
        let zeros = [UInt8](repeating: 0, count: 64 << 20)
        let bomb = try Self.compress(format, zeros)
        #expect(bomb.count < 1 << 20)
        var produced = 0
        #expect(throws: DecompressionError.outputLimitExceeded(limit: 1 << 20)) {
            var decompressor = try StreamDecompressor(format: format, maxOutputBytes: 1 << 20)
            try bomb.withUnsafeBytes { try decompressor.feed($0) { produced += $0.count } }
            try decompressor.finish { produced += $0.count }
        }
        #expect(produced <= 1 << 20)
    }

    /// All input at once into a tiny output buffer: the decompressor must drain output that zlib, lz4
    /// or xz hold after taking in the last input byte.
    @Test(arguments: [CompressionFormat.gzip, .lz4, .xz])
    func tinyOutputBufferDrainsEverything(format: CompressionFormat) throws {
        let data = [UInt8](repeating: 0x61, count: 200_000) + Self.sample.prefix(5000)
        let compressed = try Self.compress(format, Array(data))
        var decompressor = try StreamDecompressor(format: format, maxOutputBytes: 1 << 30, bufferSize: 16)
        var output: [UInt8] = []
        try compressed.withUnsafeBytes { try decompressor.feed($0) { output.append(contentsOf: $0) } }
        try decompressor.finish { output.append(contentsOf: $0) }
        #expect(output == Array(data))
    }

    @Test func plainFilesPassThrough() throws {
        #expect(try CompressedFile.decompress(Self.sample, format: .none, maxOutputBytes: 1 << 30) == Self.sample)
        #expect(throws: DecompressionError.outputLimitExceeded(limit: 10)) {
            _ = try CompressedFile.decompress(Self.sample, format: .none, maxOutputBytes: 10)
        }
    }

    @Test func concatenatedGzipMembersAreOneStream() throws {
        let first = try Self.compress(.gzip, Array("Package: a\n\n".utf8))
        let second = try Self.compress(.gzip, Array("Package: b\n\n".utf8))
        let output = try CompressedFile.decompress(first + second, format: .gzip, maxOutputBytes: 1 << 20)
        #expect(String(decoding: output, as: UTF8.self) == "Package: a\n\nPackage: b\n\n")
    }

    @Test func deflateOutputInflatesBack() throws {
        let compressed = Deflate.compress(Self.sample)
        #expect(compressed.count < Self.sample.count / 4)
        #expect(try CompressedFile.decompress(compressed, format: .gzip, maxOutputBytes: 1 << 30) == Self.sample)
    }

    @Test func formatFollowsTheFileName() {
        #expect(CompressionFormat(fileName: "x_Packages.lz4") == .lz4)
        #expect(CompressionFormat(fileName: "x_Packages.gz") == .gzip)
        #expect(CompressionFormat(fileName: "x_Packages.xz") == .xz)
        #expect(CompressionFormat(fileName: "x_Packages") == .none)
    }
}
