/// Compression formats the agent can read. apt stores its lists in any of them, chosen by
/// `Acquire::CompressionTypes` and `Acquire::GzipIndexes` (Debian's default keeps them as lz4).
public enum CompressionFormat: String, Sendable, CaseIterable {
    case none, gzip, lz4, xz

    /// The format implied by a file name's extension.
    public init(fileName: String) {
        if fileName.hasSuffix(".gz") {
            self = .gzip
        } else if fileName.hasSuffix(".lz4") {
            self = .lz4
        } else if fileName.hasSuffix(".xz") || fileName.hasSuffix(".lzma") {
            self = .xz
        } else {
            self = .none
        }
    }
}
