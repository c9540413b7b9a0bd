import DesksideJSON

/// The replies the agents accept, byte for byte as interop/PROTOCOL.md gives them (§2.3, §2.8,
/// §3.2, §3.4, §3.5). Never the self-closed `<REPLY/>`, which FusionInventory refuses.
public enum IntakeReply {
    /// PROLOG: send the inventory, and come back in `hours`.
    public static func prolog(hours: Int) -> [UInt8] {
        Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY>\n  <PROLOG_FREQ>\(hours)</PROLOG_FREQ>\n  <RESPONSE>SEND</RESPONSE>\n</REPLY>\n".utf8)
    }

    /// PROLOG from GLPI Agent (it sends `GLPI-Agent-ID`): the JSON answer GLPI 10 gives, which turns
    /// the agent to the native JSON protocol from then on (CONTACT, partial inventories; §3.1).
    public static func glpiProlog(hours: Int) -> [UInt8] {
        JSONSerializer.serialize(.object([("status", .string("ok")), ("expiration", .number(String(hours)))]))
    }

    /// XML INVENTORY stored.
    public static let inventoryStored = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY>\n  <RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE>\n</REPLY>\n".utf8)

    /// An XML request refused; the agent logs the HTTP status, the text is for people reading the traffic.
    public static func xmlError(_ message: String) -> [UInt8] {
        Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY>\n  <ERROR>\(escaped(message))</ERROR>\n</REPLY>\n".utf8)
    }

    /// GLPI Agent's tasks this collector does not run: listed as disabled so that the agent stops
    /// asking for them (and for `getConfig`).
    public static let unsupportedTasks = ["collect", "deploy", "esx", "netdiscovery", "netinventory", "remoteinventory", "wakeonlan"]

    /// CONTACT: run the inventory task (in the JSON protocol), nothing else; come back in `hours`.
    public static func contact(hours: Int, enabledTasks: [String]) -> [UInt8] {
        let disabled = enabledTasks.filter { $0 != "inventory" }.isEmpty ? unsupportedTasks : enabledTasks.filter { $0 != "inventory" }
        return JSONSerializer.serialize(.object([
            ("status", .string("ok")), ("expiration", .number(String(hours))),
            ("tasks", .object([("inventory", .object([("server", .string("glpi")), ("version", .string("10.0.16"))]))])),
            ("disabled", .array(Array(Set(disabled)).sorted().map { .string($0) })),
        ]))
    }

    /// JSON inventory stored.
    public static func jsonStored(hours: Int) -> [UInt8] { glpiProlog(hours: hours) }

    /// A JSON request refused; GLPI Agent logs `message`.
    public static func jsonError(_ message: String, hours: Int) -> [UInt8] {
        JSONSerializer.serialize(.object([("status", .string("error")), ("message", .string(message)), ("expiration", .number(String(hours)))]))
    }

    /// The `getConfig` side channel of the Deploy, Collect and ESX tasks: nothing scheduled.
    public static let getConfig = Array("{\"schedule\":[],\"configValidityPeriod\":600}".utf8)

    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            default: out.append(character)
            }
        }
        return out
    }
}
