/// Why a compressed stream could not be read.
public enum DecompressionError: Error, Equatable, CustomStringConvertible {
    /// The data is not valid in its format (bad header, checksum, or corrupt block).
    case corrupt(format: CompressionFormat, detail: String)
    /// The stream ends before its format says it does.
    case truncated(format: CompressionFormat)
    /// The output would exceed the cap given by the caller: a compression bomb or an absurd file.
    case outputLimitExceeded(limit: Int)
    /// The file could not be opened or read.
    case io(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .corrupt(let format, let detail): "corrupt \(format.rawValue) data: \(detail)"
        case .truncated(let format): "\(format.rawValue) stream ends early"
        case .outputLimitExceeded(let limit): "decompressed size exceeds the limit of \(limit) bytes"
        case .io(let path, let code): "cannot read \(path) (errno \(code))"
        }
    }
}
