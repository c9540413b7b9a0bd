import DesksideCompression
import DesksideInterop
import Testing

@Suite struct IntakeBodyTests {
    let xml = Array("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<REQUEST><QUERY>PROLOG</QUERY></REQUEST>\n".utf8)

    @Test func findsTheCompressionByItsMagicBytes() {
        #expect(IntakeBody(detecting: Deflate.compress(xml, level: 6)) == .zlib)
        #expect(IntakeBody(detecting: Deflate.compress(xml, level: 9)) == .zlib)
        #expect(IntakeBody(detecting: Deflate.compress(xml, level: 1)) == .zlib)
        #expect(IntakeBody(detecting: Gzip.compress(xml)) == .gzip)
        #expect(IntakeBody(detecting: xml) == .plain)
        #expect(IntakeBody(detecting: Array("{\"action\":\"contact\"}".utf8)) == .plain)
        // `x` followed by a byte that fails the header check is text.
        #expect(IntakeBody(detecting: Array("xy".utf8)) == .plain)
        #expect(IntakeBody(detecting: []) == .plain)
    }

    @Test func decodesEachAndAnswersInKind() throws {
        for encoding in [IntakeBody.plain, .zlib, .gzip] {
            let body = encoding.encode(xml)
            #expect(IntakeBody(detecting: body) == encoding)
            #expect(try encoding.decode(body, limit: 1 << 20) == xml)
        }
        // FusionInventory 2.6 recognises only this zlib header.
        #expect(Array(IntakeBody.zlib.encode(xml).prefix(2)) == [0x78, 0x9C])
        #expect(IntakeBody.zlib.contentType(json: false) == "application/x-compress-zlib")
        #expect(IntakeBody.gzip.contentType(json: true) == "application/x-compress-gzip")
        #expect(IntakeBody.plain.contentType(json: true) == "application/json")
        #expect(IntakeBody.plain.contentType(json: false) == "application/xml")
    }

    /// 2 GiB of zeros in about 9 MB of zlib: decoding stops at the cap, having produced no more than it.
    @Test func stopsAZlibBombAtTheCap() throws {
        let bomb = ZlibBomb.make(gibibytes: 2)
        #expect(bomb.count < 10 << 20)
        #expect(throws: IntakeBody.TooLarge(limit: 32 << 20)) { try IntakeBody.zlib.decode(bomb, limit: 32 << 20) }
        #expect(throws: IntakeBody.TooLarge(limit: 100)) { try IntakeBody.plain.decode(xml + xml, limit: 100) }
        #expect(throws: IntakeBody.Corrupt.self) { try IntakeBody.zlib.decode([0x78, 0x9C, 1, 2, 3, 4, 5], limit: 1 << 20) }
    }
}
