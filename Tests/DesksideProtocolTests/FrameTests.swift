import DesksideCompression
import DesksideInventory
import DesksideProtocol
import Foundation
import Testing

/// Frames and messages: round trips, and hostile peers refused before they cost memory.
@Suite struct FrameTests {
    static let ack = WireMessage.ack(Ack(id: "r-1", sequence: 7, duplicate: false))

    @Test func messagesRoundTripThroughFrames() throws {
        let messages: [WireMessage] = [
            .hello(Hello(agentVersion: "0.1.0", acknowledgedBase: "abc", acknowledgedSequence: 3)),
            .welcome(Welcome(base: nil, heartbeatSeconds: 60, reportIntervalSeconds: 3600, policy: FaultPolicy())),
            Self.ack,
            .needFullReport(NeedFullReport(id: "r-2", reason: "base mismatch")),
            .error(ErrorMessage(code: "RATE_LIMITED", message: "slow down")),
        ]
        var decoder = FrameDecoder()
        for message in messages { decoder.append(message.frame().encoded()) }
        for message in messages {
            let frame = try #require(try decoder.next())
            #expect(try WireMessage(frame: frame) == message)
        }
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func framesArriveInPiecesOfAnySize() throws {
        let bytes = Self.ack.frame().encoded() + Self.ack.frame().encoded()
        for piece in [1, 2, 3, 5, 11] {
            var decoder = FrameDecoder()
            var frames: [Frame] = []
            var offset = 0
            while offset < bytes.count {
                decoder.append(bytes[offset..<min(offset + piece, bytes.count)])
                offset += piece
                while let frame = try decoder.next() { frames.append(frame) }
            }
            #expect(frames.count == 2)
        }
    }

    /// SECURITY-TESTS 22: a frame above the cap, or a length prefix that lies, is refused on its four
    /// length bytes, before any body is buffered.
    @Test func oversizedFrameIsRefusedOnItsPrefix() {
        var decoder = FrameDecoder(maxFrameLength: 1 << 20)
        decoder.append([0x7F, 0xFF, 0xFF, 0xFF])
        #expect(throws: ProtocolError.frameTooLarge(announced: 0x7FFF_FFFF, limit: 1 << 20)) { _ = try decoder.next() }
        var short = FrameDecoder()
        short.append([0, 0, 0, 1, 1])
        #expect(throws: ProtocolError.frameTooShort(announced: 1)) { _ = try short.next() }
    }

    @Test func aLyingLengthWaitsForBytesThatNeverComeWithoutGrowing() throws {
        // The prefix says 1000 bytes; only 10 come. The decoder holds what it has and asks for more.
        var decoder = FrameDecoder()
        decoder.append([0, 0, 3, 0xE8, 1, 4] + [UInt8](repeating: 0, count: 10))
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == 16)
    }

    @Test func unknownVersionTypeAndFlagsAreRefused() {
        for (version, type, flags, expected) in [(UInt8(9), UInt8(4), UInt8(0), ProtocolError.unsupportedVersion(9)),
                                                 (1, 99, 0, .unknownMessageType(99)), (1, 4, 0x80, .unknownFlags(0x80))] {
            var decoder = FrameDecoder()
            decoder.append([0, 0, 0, 5, version, type, flags, 0x7B, 0x7D])
            #expect(throws: expected) { _ = try decoder.next() }
        }
    }

    /// SECURITY-TESTS 23: kilobytes that inflate to gigabytes stop at the decompressed-size cap.
    @Test func compressionBombStopsAtTheCap() {
        let bomb = Deflate.compress([UInt8](repeating: 0x20, count: 64 << 20), level: 9)
        #expect(bomb.count < 100_000)
        let frame = Frame(type: .report, compressed: true, body: bomb)
        let stopped = #expect(throws: ProtocolError.self) { _ = try WireMessage(frame: frame, limits: .init(maxBodyBytes: 1 << 20)) }
        #expect(stopped?.code == "BAD_COMPRESSION")
        #expect(throws: ProtocolError.self) { _ = try WireMessage(frame: Frame(type: .report, compressed: true, body: [1, 2, 3])) }
    }

    /// SECURITY-TESTS 24: JSON nested deeply or with a million keys is refused fast.
    @Test func hostileJSONBodiesAreRefused() {
        let deep = Frame(type: .hello, body: [UInt8](repeating: UInt8(ascii: "["), count: 100_000))
        #expect(throws: ProtocolError.self) { _ = try WireMessage(frame: deep) }
        var keys = "{"
        for i in 0..<300_000 { keys += "\"k\(i)\":0," }
        keys += "\"agentVersion\":\"1\"}"
        let wide = Frame(type: .hello, body: Array(keys.utf8))
        #expect(throws: ProtocolError.self) { _ = try WireMessage(frame: wide, limits: .init(json: .init(maxElements: 100_000))) }
        // Wrong shape, invalid UTF-8.
        #expect(throws: ProtocolError.self) { _ = try WireMessage(frame: Frame(type: .ack, body: Array(#"{"id":1}"#.utf8))) }
        #expect(throws: ProtocolError.self) { _ = try WireMessage(frame: Frame(type: .ack, body: [0x22, 0xFF, 0x22])) }
    }

    @Test func largeBodiesAreCompressed() throws {
        var inventory = Inventory(collectedAt: Date(timeIntervalSince1970: 0), agent: AgentInfo(version: "1"))
        inventory.software.packages = (0..<2000).map { Package(name: "package-\($0)", version: "1.0-\($0)", architecture: "amd64", manager: "dpkg") }
        let message = WireMessage.report(Report(id: "r", sequence: 1, kind: .full, base: nil, hash: InventoryHash(inventory).combined,
                                                collectedAt: inventory.collectedAt, inventory: inventory, faults: []))
        let frame = message.frame()
        #expect(frame.compressed)
        #expect(frame.body.count < 40_000)
        #expect(try WireMessage(frame: frame) == message)
    }
}

/// SECURITY-TESTS 25: invalid UTF-8, NUL bytes and a one-megabyte hostname are refused at the frame.
@Suite struct HostileStringTests {
    static func hello(_ agentVersion: String) -> Frame {
        Frame(type: .hello, body: Array("{\"agentVersion\":\"".utf8) + Array(agentVersion.utf8) + Array("\"}".utf8))
    }

    @Test func nulAndHugeStringsAreRefused() throws {
        #expect(throws: ProtocolError.self) { _ = try WireMessage(frame: Self.hello("a\\u0000b")) }
        #expect(throws: ProtocolError.self) { _ = try WireMessage(frame: Self.hello(String(repeating: "h", count: 1 << 20))) }
        #expect(throws: ProtocolError.self) { _ = try WireMessage(frame: Frame(type: .hello, body: Array("{\"agentVersion\":\"".utf8) + [0xC3, 0x28] + Array("\"}".utf8))) }
        #expect(try WireMessage(frame: Self.hello("0.1.0 <b>é</b>")) == .hello(Hello(agentVersion: "0.1.0 <b>é</b>")))
    }
}
