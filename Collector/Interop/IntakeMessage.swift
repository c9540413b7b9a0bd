public import DesksideJSON

/// A request from a FusionInventory, GLPI or OCS agent, read from its decompressed body: the body's
/// first character says the protocol (`<` the OCS XML one, `{` GLPI Agent's JSON one).
public enum IntakeMessage: Sendable, Equatable {
    /// XML `PROLOG`: the agent asks whether to send its inventory.
    case prolog(deviceID: String)
    /// XML `INVENTORY`: always a complete inventory.
    case xmlInventory(deviceID: String, content: IntakeValue)
    /// JSON `contact`: the first message of a GLPI Agent run.
    case contact(deviceID: String, tasks: [String])
    /// JSON `inventory`; `partial` when only the sections that changed are sent.
    case jsonInventory(deviceID: String, content: IntakeValue, partial: Bool, itemType: String?)
    /// An XML query this collector does not serve (network discovery, SNMP, ...).
    case unsupportedQuery(String)
    /// A JSON action this collector does not serve.
    case unsupportedAction(String)

    /// GLPI Agent's JSON protocol (else the OCS XML one): the reply is written in the same.
    public var isJSON: Bool {
        switch self {
        case .prolog, .xmlInventory, .unsupportedQuery: false
        case .contact, .jsonInventory, .unsupportedAction: true
        }
    }

    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public var message: String
        /// The request was in the JSON protocol (the refusal is answered in it).
        public var json: Bool
        public var description: String { message }

        public init(message: String, json: Bool) {
            self.message = message
            self.json = json
        }
    }

    /// How big a message may be once decompressed, and its XML's shape.
    public struct Limits: Sendable {
        public var maxBytes = 32 << 20
        public var xml = BoundedXML.Limits()
        public var json = JSONParser.Limits(maxDepth: 32, maxBytes: 32 << 20, maxElements: 2_000_000, maxStringBytes: 1 << 20, rejectNUL: true)

        public init() {}
    }

    /// The agent's identifier as the OCS server accepts it: printable, at most 255 characters.
    static func deviceID(_ text: String?, json: Bool) throws(Refusal) -> String {
        guard let text, !text.isEmpty, text.utf8.count <= 255, !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw Refusal(message: "the request has no usable DEVICEID", json: json)
        }
        return text
    }

    public static func parse(_ body: [UInt8], limits: Limits = Limits()) throws(Refusal) -> IntakeMessage {
        guard body.count <= limits.maxBytes else { throw Refusal(message: "the request is larger than \(limits.maxBytes) bytes", json: false) }
        let first = body.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }.first
        if first == UInt8(ascii: "{") { return try json(body, limits: limits) }
        let root: BoundedXML.Element
        do {
            root = try BoundedXML.parse(body, limits: limits.xml)
        } catch {
            throw Refusal(message: "the request is not an inventory agent's XML: \(error)", json: false)
        }
        guard root.name == "REQUEST", case .record(let fields) = IntakeValue(root) else {
            throw Refusal(message: "the XML's root is not REQUEST", json: false)
        }
        let query = (fields["query"]?.text ?? "INVENTORY").uppercased()
        switch query {
        case "PROLOG":
            return .prolog(deviceID: try deviceID(fields["deviceid"]?.text, json: false))
        case "INVENTORY":
            guard let content = fields["content"], case .record = content else { throw Refusal(message: "the inventory has no CONTENT", json: false) }
            if content["device"] != nil { return .unsupportedQuery("INVENTORY of a network device") }
            return .xmlInventory(deviceID: try deviceID(fields["deviceid"]?.text, json: false), content: content)
        default:
            return .unsupportedQuery(String(query.prefix(64)))
        }
    }

    static func json(_ body: [UInt8], limits: Limits) throws(Refusal) -> IntakeMessage {
        let document: JSONValue
        do {
            document = try JSONParser.parse(body, limits: limits.json)
        } catch {
            throw Refusal(message: "the request is not valid JSON: \(error)", json: true)
        }
        guard let message = IntakeValue(document), case .record(let fields) = message else { throw Refusal(message: "the request is not a JSON object", json: true) }
        let action = fields["action"]?.text ?? "inventory"
        switch action {
        case "contact":
            return .contact(deviceID: try deviceID(fields["deviceid"]?.text, json: true), tasks: fields["enabled-tasks"]?.texts ?? [])
        case "inventory":
            guard let content = fields["content"], case .record = content else { throw Refusal(message: "the inventory has no content", json: true) }
            guard content["versionclient"]?.text != nil else { throw Refusal(message: "content.versionclient is required", json: true) }
            let itemType = fields["itemtype"]?.text
            if let itemType, itemType != "Computer" { return .unsupportedAction("inventory of a \(itemType.prefix(32))") }
            return .jsonInventory(deviceID: try deviceID(fields["deviceid"]?.text, json: true), content: content,
                                  partial: fields["partial"]?.text == "1" || fields["partial"]?.text == "true", itemType: itemType)
        default:
            return .unsupportedAction(String(action.prefix(64)))
        }
    }
}
