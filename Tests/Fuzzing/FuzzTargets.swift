import DesksideCompression
import DesksideJSON
import DesksideProtocol

/// What faces the network, as functions of one input each: the libFuzzer targets of `Fuzz/` (built
/// with `-sanitize=fuzzer,address` by `scripts/bench fuzz`) call them, and `FuzzCorpusTests` replays
/// every kept input and every crash through the ordinary test build. A target must never trap,
/// whatever the bytes: refusals are thrown and caught here.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Bytes as an agent's connection delivers them: frames, then each frame's message.
    case frames
    /// A compressed body in each format the agent and the collector inflate.
    case decompressor
    /// A JSON document through the strict parser and the report reader.
    case json

    public func run(_ bytes: [UInt8]) {
        switch self {
        case .frames:
            let limits = WireMessage.Limits(maxBodyBytes: 1 << 20,
                                            json: .init(maxDepth: 32, maxBytes: 1 << 20, maxElements: 100_000, maxStringBytes: 64 << 10, rejectNUL: true))
            var decoder = FrameDecoder(maxFrameLength: 64 << 10)
            // Fed in two pieces, as a stream arrives, so that a frame split anywhere is exercised too.
            let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
            for piece in [bytes[..<split], bytes[split...]] {
                decoder.append(piece)
                while let frame = try? decoder.next() {
                    _ = try? WireMessage(frame: frame, limits: limits)
                }
            }
        case .decompressor:
            for format in CompressionFormat.allCases {
                _ = try? CompressedFile.decompress(bytes, format: format, maxOutputBytes: 1 << 20)
            }
        case .json:
            let limits = JSONParser.Limits(maxDepth: 32, maxBytes: 1 << 20, maxElements: 100_000, maxStringBytes: 64 << 10, rejectNUL: true)
            _ = try? JSONParser.parse(bytes, limits: limits)
            // The report reader (a pull reader, not the tree) through the message it decodes.
            _ = try? WireMessage(frame: Frame(type: .report, body: bytes), limits: .init(maxBodyBytes: 1 << 20, json: limits))
        }
    }
}
