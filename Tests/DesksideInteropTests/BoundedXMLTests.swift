import DesksideInterop
import Testing

@Suite struct BoundedXMLTests {
    func parse(_ text: String, limits: BoundedXML.Limits = BoundedXML.Limits()) throws -> BoundedXML.Element {
        try BoundedXML.parse(Array(text.utf8), limits: limits)
    }

    @Test func readsTheProlog() throws {
        let root = try parse("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<REQUEST>\n  <DEVICEID>vm-2026-11-22-12-01-54</DEVICEID>\n  <QUERY>PROLOG</QUERY>\n  <TOKEN>12345678</TOKEN>\n</REQUEST>\n")
        #expect(root.name == "REQUEST")
        #expect(root.text == "")
        #expect(root.children.map(\.name) == ["DEVICEID", "QUERY", "TOKEN"])
        #expect(root.children[0].text == "vm-2026-11-22-12-01-54")
    }

    @Test func readsEntitiesReferencesCDATAAndComments() throws {
        let root = try parse("<A><B>x &lt;&gt;&amp;&quot;&apos; &#233;&#x263A;</B><!-- note --><C><![CDATA[<raw> & ]]></C><D/><E attr=\"a>b\" other='1'>e</E></A>")
        #expect(root.children.map(\.text) == ["x <>&\"' é☺", "<raw> & ", "", "e"])
    }

    @Test(arguments: [
        // The billion laughs: refused at its DOCTYPE, before any entity exists.
        """
        <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><REQUEST><QUERY>&lol3;</QUERY></REQUEST>
        """,
        // An external entity.
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><REQUEST><DEVICEID>&xxe;</DEVICEID></REQUEST>",
        // A DOCTYPE inside the root.
        "<REQUEST><!DOCTYPE x><QUERY>PROLOG</QUERY></REQUEST>",
    ])
    func refusesEveryDTD(_ document: String) {
        #expect(throws: BoundedXML.Failure.doctype) { try parse(document) }
    }

    @Test func refusesEntitiesItDoesNotKnow() {
        #expect(throws: BoundedXML.Failure.entity("xxe")) { try parse("<REQUEST><DEVICEID>&xxe;</DEVICEID></REQUEST>") }
        #expect(throws: BoundedXML.Failure.self) { try parse("<A>&#0;</A>") }
        #expect(throws: BoundedXML.Failure.self) { try parse("<A>&#xD800;</A>") }
    }

    @Test func capsDepthElementsNamesAndText() {
        let deep = String(repeating: "<A>", count: 40) + String(repeating: "</A>", count: 40)
        #expect(throws: BoundedXML.Failure.tooDeep(32)) { try parse(deep) }
        var few = BoundedXML.Limits()
        few.maxElements = 100
        let many = "<R>" + String(repeating: "<S>1</S>", count: 200) + "</R>"
        #expect(throws: BoundedXML.Failure.tooManyElements(100)) { try parse(many, limits: few) }
        #expect(throws: BoundedXML.Failure.tooLong("an element name")) { try parse("<" + String(repeating: "N", count: 200) + "/>") }
        var small = BoundedXML.Limits()
        small.maxTextBytes = 1000
        #expect(throws: BoundedXML.Failure.tooLong("a text value")) { try parse("<A>" + String(repeating: "x", count: 2000) + "</A>", limits: small) }
    }

    @Test(arguments: ["<A><B></A></B>", "<A>", "<A></A><B></B>", "text", "<A>x</A> trailing", "<A b></A>", "<A b=c></A>", ""])
    func refusesMalformedDocuments(_ document: String) {
        #expect(throws: BoundedXML.Failure.self) { try parse(document) }
    }

    @Test func convertsLatin1AndUTF16AndRepairsInvalidUTF8() throws {
        let latin1 = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><A>caf".utf8) + [0xE9] + Array("</A>".utf8)
        #expect(try BoundedXML.parse(latin1).text == "café")
        let utf16: [UInt8] = [0xFF, 0xFE] + "<?xml version=\"1.0\" encoding=\"UTF-16\"?><A>Zürich ☺</A>".utf16.flatMap { unit -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(try BoundedXML.parse(utf16).text == "Zürich ☺")
        let bigEndian: [UInt8] = [0xFE, 0xFF] + "<A>ok</A>".utf16.flatMap { unit -> [UInt8] in [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        #expect(try BoundedXML.parse(bigEndian).text == "ok")
        // Declared UTF-16 but written in single bytes: read as what it is.
        #expect(try parse("<?xml version=\"1.0\" encoding=\"UTF-16\"?><A>plain</A>").text == "plain")
        let broken = Array("<A>bad ".utf8) + [0xC3, 0x28, 0xFF] + Array(" end</A>".utf8)
        #expect(try BoundedXML.parse(broken).text == "bad \u{FFFD}(\u{FFFD} end")
        #expect(throws: BoundedXML.Failure.encoding("ebcdic")) { try parse("<?xml version=\"1.0\" encoding=\"EBCDIC\"?><A/>") }
    }
}
