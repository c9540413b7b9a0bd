@testable import DesksideProbes
import Testing

@Suite struct ControlStanzaReaderTests {
    static let text = """
    Package: alpha
    Status: install ok installed
    Version: 1.0-1
    Description: first line
     continuation line
     .
     more

    package: beta
    VERSION: 2:3.4
    Depends: libc6 (>= 2.36)

    Package: gamma
    Version:   5.6   \n
    """

    @Test func extractsOnlyTheWantedFieldsCaseInsensitively() {
        let parsed = ControlStanzaReader.parse(Array(Self.text.utf8), fields: ["Package", "Version"])
        #expect(parsed.stanzas.map { $0[0] } == ["alpha", "beta", "gamma"])
        #expect(parsed.stanzas.map { $0[1] } == ["1.0-1", "2:3.4", "5.6"])
        #expect(!parsed.truncated)
        #expect(parsed.malformedLines == 0)
    }

    @Test(arguments: [1, 2, 3, 5, 16, 1000])
    func piecesOfAnySizeGiveTheSameStanzas(pieceSize: Int) {
        let bytes = Array(Self.text.utf8)
        var reader = ControlStanzaReader(fields: ["Package", "Version", "Description"])
        var stanzas: [[String?]] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + pieceSize, bytes.count)
            Array(bytes[offset..<end]).withUnsafeBytes { reader.feed($0) { stanzas.append($0) } }
            offset = end
        }
        #expect(reader.finish { stanzas.append($0) })
        #expect(stanzas == ControlStanzaReader.parse(bytes, fields: ["Package", "Version", "Description"]).stanzas)
        #expect(stanzas.first?[2] == "first line")
    }

    @Test func truncatedLastStanzaIsDroppedAndReported() {
        let bytes = Array("Package: a\nVersion: 1\n\nPackage: b\nVers".utf8)
        let parsed = ControlStanzaReader.parse(bytes, fields: ["Package", "Version"])
        #expect(parsed.truncated)
        #expect(parsed.stanzas.map { $0[0] } == ["a"])
    }

    @Test func garbageLinesAreCountedNotFatal() {
        let bytes = Array("Package: a\nthis is not a field\nVersion: 1\n\n\u{0}\u{1}junk\n\nPackage: b\nVersion: 2\n".utf8)
        let parsed = ControlStanzaReader.parse(bytes, fields: ["Package", "Version"])
        #expect(parsed.stanzas.compactMap { $0[0] } == ["a", "b"])
        #expect(parsed.malformedLines == 2)
    }

    @Test func crlfLineEndingsAreAccepted() {
        let parsed = ControlStanzaReader.parse(Array("Package: a\r\nVersion: 1\r\n\r\nPackage: b\r\n".utf8), fields: ["Package", "Version"])
        #expect(parsed.stanzas.map { $0[0] } == ["a", "b"])
        #expect(parsed.stanzas[0][1] == "1")
    }
}
