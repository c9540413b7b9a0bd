import DesksideInterop
import DesksideJSON
import Testing

@Suite struct IntakeMessageTests {
    func parse(_ text: String) throws -> IntakeMessage { try IntakeMessage.parse(Array(text.utf8)) }

    @Test func readsTheXMLQueries() throws {
        #expect(try parse("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<REQUEST>\n  <DEVICEID>vm-2026-11-22-12-01-54</DEVICEID>\n  <QUERY>PROLOG</QUERY>\n  <TOKEN>12345678</TOKEN>\n</REQUEST>\n")
                == .prolog(deviceID: "vm-2026-11-22-12-01-54"))
        let inventory = try parse("<REQUEST><CONTENT><HARDWARE><NAME>pc</NAME></HARDWARE><VERSIONCLIENT>FusionInventory-Agent_v2.6-3</VERSIONCLIENT></CONTENT><DEVICEID>pc-2026-01-01-00-00-00</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>")
        guard case .xmlInventory(let device, let content) = inventory else { Issue.record("not an inventory: \(inventory)"); return }
        #expect(device == "pc-2026-01-01-00-00-00")
        #expect(content["hardware"]?["name"]?.text == "pc")
        #expect(!inventory.isJSON)
        // No QUERY is an inventory, as the OCS server reads it.
        guard case .xmlInventory = try parse("<REQUEST><CONTENT><BIOS/></CONTENT><DEVICEID>d</DEVICEID></REQUEST>") else { Issue.record("no QUERY"); return }
        #expect(try parse("<REQUEST><QUERY>SNMPQUERY</QUERY><DEVICEID>d</DEVICEID></REQUEST>") == .unsupportedQuery("SNMPQUERY"))
    }

    @Test func readsTheJSONActions() throws {
        let contact = try parse("{\"action\":\"contact\",\"deviceid\":\"vm-2026-11-22-12-06-26\",\"enabled-tasks\":[\"deploy\",\"inventory\"],\"name\":\"GLPI-Agent\",\"version\":\"1.12\"}")
        #expect(contact == .contact(deviceID: "vm-2026-11-22-12-06-26", tasks: ["deploy", "inventory"]))
        #expect(contact.isJSON)
        let partial = try parse("{\"action\":\"inventory\",\"deviceid\":\"d\",\"itemtype\":\"Computer\",\"partial\":true,\"content\":{\"versionclient\":\"GLPI-Agent_v1.11\",\"bios\":{\"ssn\":\"X\"}}}")
        guard case .jsonInventory(_, let content, true, "Computer") = partial else { Issue.record("not partial: \(partial)"); return }
        #expect(content["bios"]?["ssn"]?.text == "X")
        #expect(try parse("{\"action\":\"netdiscovery\",\"deviceid\":\"d\"}") == .unsupportedAction("netdiscovery"))
        #expect(try parse("{\"action\":\"inventory\",\"deviceid\":\"d\",\"itemtype\":\"Printer\",\"content\":{\"versionclient\":\"x\"}}") == .unsupportedAction("inventory of a Printer"))
    }

    @Test(arguments: [
        ("<REQUEST><QUERY>PROLOG</QUERY></REQUEST>", "DEVICEID"),
        ("<REQUEST><QUERY>PROLOG</QUERY><DEVICEID>a\u{1}b</DEVICEID></REQUEST>", "DEVICEID"),
        ("<REPLY><QUERY>PROLOG</QUERY></REPLY>", "root"),
        ("<REQUEST><QUERY>INVENTORY</QUERY><DEVICEID>d</DEVICEID></REQUEST>", "CONTENT"),
        ("{\"action\":\"inventory\",\"deviceid\":\"d\",\"content\":{}}", "versionclient"),
        ("{\"action\":\"contact\"}", "DEVICEID"),
        ("{\"action\":", "JSON"),
        ("[1,2]", "XML"),
        ("\u{0}\u{1}binary", "XML"),
    ])
    func refusesWithAClearReason(_ body: String, _ expected: String) {
        #expect { try parse(body) } throws: { ($0 as? IntakeMessage.Refusal)?.message.contains(expected) == true }
    }

    @Test func refusesWhatIsTooLarge() {
        var limits = IntakeMessage.Limits()
        limits.maxBytes = 64
        #expect(throws: IntakeMessage.Refusal.self) { try IntakeMessage.parse(Array(String(repeating: " ", count: 65).utf8), limits: limits) }
    }
}

@Suite struct IntakeReplyTests {
    /// Byte for byte as interop/PROTOCOL.md §0 and §2.8 give them, verified against the real agents.
    @Test func repliesAsTheAgentsExpect() throws {
        #expect(String(decoding: IntakeReply.prolog(hours: 24), as: UTF8.self)
                == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY>\n  <PROLOG_FREQ>24</PROLOG_FREQ>\n  <RESPONSE>SEND</RESPONSE>\n</REPLY>\n")
        #expect(String(decoding: IntakeReply.inventoryStored, as: UTF8.self)
                == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY>\n  <RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE>\n</REPLY>\n")
        #expect(String(decoding: IntakeReply.jsonStored(hours: 24), as: UTF8.self) == "{\"status\":\"ok\",\"expiration\":24}")
        #expect(String(decoding: IntakeReply.getConfig, as: UTF8.self) == "{\"schedule\":[],\"configValidityPeriod\":600}")
        let contact = try JSONParser.parse(IntakeReply.contact(hours: 12, enabledTasks: ["collect", "inventory", "deploy"]))
        #expect(contact == .object([("status", .string("ok")), ("expiration", .number("12")),
                                    ("tasks", .object([("inventory", .object([("server", .string("glpi")), ("version", .string("10.0.16"))]))])),
                                    ("disabled", .array([.string("collect"), .string("deploy")]))]))
        let error = String(decoding: IntakeReply.xmlError("<bad> & worse"), as: UTF8.self)
        #expect(error.contains("<ERROR>&lt;bad&gt; &amp; worse</ERROR>") && !error.contains("<REPLY/>"))
        #expect(String(decoding: IntakeReply.jsonError("no", hours: 24), as: UTF8.self) == "{\"status\":\"error\",\"message\":\"no\",\"expiration\":24}")
    }
}
