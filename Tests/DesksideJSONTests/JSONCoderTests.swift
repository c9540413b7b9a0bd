import DesksideJSON
import Foundation
import Testing

/// The JSON codec: agreement with Foundation on ordinary documents, and fast refusal of hostile ones.
@Suite struct JSONCoderTests {
    struct Sample: Codable, Equatable {
        var name: String
        var count: Int
        var ratio: Double
        var big: UInt64
        var flag: Bool
        var when: Date
        var tags: [String]
        var nested: [String: Int]
        var missing: String?
    }

    static let sample = Sample(name: "a \"quoted\" \\ name\n\u{1}é😀", count: -42, ratio: 2.5, big: UInt64.max, flag: true,
                               when: Date(timeIntervalSince1970: 1_795_353_213), tags: ["x", "<script>"], nested: ["b": 2, "a": 1], missing: nil)

    @Test func roundTrips() throws {
        let bytes = try JSONCoder.encode(Self.sample)
        #expect(try JSONCoder.decode(Sample.self, from: bytes) == Self.sample)
    }

    @Test func sortedKeysAndOmittedNils() throws {
        let text = String(decoding: try JSONCoder.encode(Self.sample), as: UTF8.self)
        #expect(text.hasPrefix(#"{"big":18446744073709551615,"count":-42,"flag":true,"name":"a \"quoted\" \\ name\n\u0001é😀","nested":{"a":1,"b":2},"ratio":2.5,"#))
        #expect(text.contains(#""when":"2026-11-22T13:13:33Z""#))
        #expect(!text.contains("missing"))
    }

    @Test func foundationReadsWhatWeWriteAndWeReadWhatFoundationWrites() throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(Sample.self, from: Data(JSONCoder.encode(Self.sample))) == Self.sample)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        #expect(try JSONCoder.decode(Sample.self, from: Array(encoder.encode(Self.sample))) == Self.sample)
    }

    /// A key written twice keeps its last value, once; keys sort bytewise ("B" before "a").
    struct Twice: Encodable {
        enum Key: String, CodingKey { case a, B, c }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(1, forKey: .c)
            try container.encode(2, forKey: .a)
            try container.encode(3, forKey: .B)
            try container.encode(4, forKey: .c)
        }
    }

    @Test func aKeyWrittenTwiceKeepsItsLastValue() throws {
        #expect(String(decoding: try JSONCoder.encode(Twice()), as: UTF8.self) == #"{"B":3,"a":2,"c":4}"#)
    }

    @Test func decodingErrorsNameTheirPath() throws {
        struct Inner: Decodable { var count: Int }
        struct Outer: Decodable { var items: [Inner] }
        #expect {
            _ = try JSONCoder.decode(Outer.self, from: Array(#"{"items":[{"count":1},{"count":"x"}]}"#.utf8))
        } throws: { error in
            "\(error)".contains("items") && "\(error)".contains("1") && "\(error)".contains("count")
        }
    }

    @Test func prettyOutputIsStillJSON() throws {
        let bytes = try JSONCoder.encode(Self.sample, pretty: true)
        #expect(String(decoding: bytes, as: UTF8.self).contains("\n  \"big\" : "))
        #expect(try JSONCoder.decode(Sample.self, from: bytes) == Self.sample)
    }

    @Test(arguments: [
        ("", JSONError.Code.syntax), ("{", .syntax), ("[1,]", .syntax), ("{\"a\":1,\"a\":2}", .syntax), ("01", .syntax),
        ("\"\u{1}\"", .syntax), ("[1] x", .syntax), ("nul", .syntax), ("\"\\ud800\"", .syntax), ("{\"a\" 1}", .syntax),
    ])
    func malformedDocumentsAreRefused(text: String, code: JSONError.Code) {
        #expect(throws: JSONError.self) { _ = try JSONParser.parse(Array(text.utf8)) }
        do { _ = try JSONParser.parse(Array(text.utf8)) } catch { #expect(error.code == code) }
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: JSONError.self) { _ = try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
        #expect(throws: JSONError.self) { _ = try JSONParser.parse([0x22, 0x5C, 0x75, 0x30, 0x30, 0x22]) }
    }

    /// A hundred thousand levels of nesting: refused at the depth limit, no stack overflow.
    @Test func deepNestingIsRefusedQuickly() {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000) + [UInt8](repeating: UInt8(ascii: "]"), count: 100_000)
        do {
            _ = try JSONParser.parse(deep)
            Issue.record("a document nested 100,000 deep was accepted")
        } catch {
            #expect(error.code == .tooDeep)
        }
        let deepObjects = Array((String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)).utf8)
        let refused = #expect(throws: JSONError.self) { _ = try JSONParser.parse(deepObjects) }
        #expect(refused?.code == .tooDeep)
    }

    /// A million keys: refused at the element limit.
    @Test func millionsOfKeysAreRefused() {
        var text = "{"
        for i in 0..<1_000_000 { text += "\"k\(i)\":0," }
        text += "\"end\":0}"
        do {
            _ = try JSONParser.parse(Array(text.utf8), limits: .init(maxElements: 100_000))
            Issue.record("a million keys were accepted")
        } catch {
            #expect(error.code == .tooLarge)
        }
    }

    @Test func oversizedDocumentsAreRefusedBeforeParsing() {
        do {
            _ = try JSONParser.parse([UInt8](repeating: 0x20, count: 2000), limits: .init(maxBytes: 1000))
            Issue.record("accepted")
        } catch {
            #expect(error.code == .tooLarge)
        }
    }

    @Test func typeErrorsNameThePath() {
        struct Outer: Decodable { var inner: [Inner] }
        struct Inner: Decodable { var size: Int }
        do {
            _ = try JSONCoder.decode(Outer.self, from: Array(#"{"inner":[{"size":1},{"size":"big"}]}"#.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.code == .typeMismatch)
            #expect(error.location == ".inner[1].size")
        }
        #expect(throws: JSONError.self) { _ = try JSONCoder.decode(Inner.self, from: Array("{}".utf8)) }
    }

    /// JSON Schema's `integer` includes `3.0`: integers written as decimals decode; fractions do not.
    @Test(arguments: [("3.0", 3), ("30e-1", 3), ("0.3e1", 3), ("-2.000", -2), ("1E2", 100), ("-0.0", 0), ("0e5", 0), ("12.5e1", 125)])
    func integralDecimalsAreIntegers(text: String, value: Int) throws {
        struct Holder: Decodable { var n: Int }
        #expect(try JSONCoder.decode(Holder.self, from: Array(#"{"n":\#(text)}"#.utf8)).n == value)
    }

    @Test(arguments: ["3.5", "1e-1", "0.25e1", "1e40", "1e1000", "9.9e18", "1e100000"])
    func fractionsAndOverflowsAreNotIntegers(text: String) {
        struct Holder: Decodable { var n: Int64 }
        #expect(throws: JSONError.self) { _ = try JSONCoder.decode(Holder.self, from: Array(#"{"n":\#(text)}"#.utf8)) }
    }

    @Test func nonFiniteNumbersCannotBeWritten() {
        #expect(throws: JSONError.self) { _ = try JSONCoder.encode([Double.nan]) }
    }

    @Test(arguments: [
        ("2026-11-22T13:13:33Z", 1_795_353_213.0), ("2026-11-22T14:13:33+01:00", 1_795_353_213.0),
        ("1970-01-01T00:00:00.250Z", 0.25), ("2000-02-29T00:00:00Z", 951_782_400.0),
    ])
    func iso8601(text: String, seconds: Double) {
        #expect(ISO8601.parse(text) == seconds)
    }

    @Test func iso8601RejectsNonsense() {
        for text in ["2026-13-01T00:00:00Z", "2026-11-22", "2026-11-22T13:13:33", "yesterday", "2026-11-22T13:13:33Zjunk"] {
            #expect(ISO8601.parse(text) == nil, "\(text)")
        }
        #expect(ISO8601.format(secondsSince1970: 1_795_353_213.9) == "2026-11-22T13:13:33Z")
    }
}

/// Any JSON inside a Codable type (a task's parameters) keeps its shape both ways.
@Suite struct JSONValueCodableTests {
    struct Holder: Codable, Equatable {
        var kind: String
        var parameters: JSONValue
    }

    @Test func roundTrip() throws {
        let text = #"{"kind":"account.create","parameters":{"username":"jdupont","groups":["sudo","users"],"uid":1001,"ratio":0.5,"locked":false,"home":null}}"#
        let holder = try JSONCoder.decode(Holder.self, from: Array(text.utf8))
        guard case .object(let members) = holder.parameters else { Issue.record("not an object"); return }
        #expect(Set(members.map(\.key)) == ["username", "groups", "uid", "ratio", "locked", "home"])
        #expect(members.first { $0.key == "uid" }?.value == .number("1001"))
        #expect(members.first { $0.key == "home" }?.value == .null)
        let again = try JSONCoder.decode(Holder.self, from: try JSONCoder.encode(holder))
        #expect(again.kind == holder.kind)
        guard case .object(let back) = again.parameters else { Issue.record("not an object"); return }
        #expect(Set(back.map(\.key)) == Set(members.map(\.key)))
    }
}
