import DesksideLogging
import DesksideJSON
import Foundation
import Logging
import Testing

/// One line per entry in each format, whatever the message and metadata hold (a CR or LF from an
/// agent cannot forge a line), with dotted metadata keys.
@Suite struct LineLogHandlerTests {
    let time = Date(timeIntervalSince1970: 1_796_083_200)
    let metadata: Logger.Metadata = ["agent.id": "5f0c", "report.id": "r1\r\nFAKE line", "peer.address": "192.0.2.7"]

    @Test func logfmtIsKeyValuePairsOnOneLine() {
        let line = LineLogHandler.line(time: time, level: .warning, label: "deskside.collector", message: "report refused", metadata: metadata, format: .logfmt)
        #expect(line == "time=2026-12-01T00:00:00Z level=warning logger=deskside.collector msg=\"report refused\" agent.id=5f0c peer.address=192.0.2.7 report.id=\"r1\\r\\nFAKE line\"\n")
    }

    @Test func jsonIsOneObjectPerLine() throws {
        let line = LineLogHandler.line(time: time, level: .info, label: "deskside.collector", message: "stored \"x\"\n", metadata: metadata, format: .json)
        #expect(line.filter { $0 == "\n" }.count == 1 && line.hasSuffix("}\n"))
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(object == ["time": "2026-12-01T00:00:00Z", "level": "info", "logger": "deskside.collector", "msg": "stored \"x\"\n",
                           "agent.id": "5f0c", "report.id": "r1\r\nFAKE line", "peer.address": "192.0.2.7"])
    }

    @Test func theLineFormatStaysAsItWas() {
        let line = LineLogHandler.line(time: time, level: .notice, label: "deskside.collector", message: "hello\nforged", metadata: ["a.b": "c d"])
        #expect(line == "2026-12-01T00:00:00Z notice deskside.collector: hello\\nforged a.b=\"c d\"\n")
    }
}
