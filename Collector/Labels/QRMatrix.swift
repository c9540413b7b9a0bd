import CQRencode

/// A QR code's modules (true: dark), made by Debian's libqrencode: byte mode, error correction
/// level M (15 % of the code can be damaged or covered and it still reads).
public struct QRMatrix: Sendable, Equatable {
    public let size: Int
    public let dark: [Bool]

    public enum QRError: Error, Equatable { case tooLong(Int), encoderFailed }

    public init(_ text: String) throws {
        let bytes = Array(text.utf8)
        // Level M holds 2,331 bytes at most (version 40); labels carry a short address.
        guard bytes.count <= 1000 else { throw QRError.tooLong(bytes.count) }
        guard let code = bytes.withUnsafeBufferPointer({ buffer -> UnsafeMutablePointer<QRcode>? in
            var terminated = Array(buffer) + [0]
            return terminated.withUnsafeMutableBufferPointer { pointer in
                QRcode_encodeData(Int32(bytes.count), pointer.baseAddress, 0, QR_ECLEVEL_M)
            }
        }) else { throw QRError.encoderFailed }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        size = width
        dark = (0..<(width * width)).map { code.pointee.data[$0] & 1 == 1 }
    }

    public subscript(row: Int, column: Int) -> Bool { dark[row * size + column] }

    /// Each row's dark runs (start column, length): one rectangle per run instead of per module.
    public var runs: [[(start: Int, length: Int)]] {
        (0..<size).map { row in
            var runs: [(Int, Int)] = []
            var column = 0
            while column < size {
                guard self[row, column] else { column += 1; continue }
                let start = column
                while column < size && self[row, column] { column += 1 }
                runs.append((start, column - start))
            }
            return runs
        }
    }
}
