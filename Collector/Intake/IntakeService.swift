#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideChecks
import DesksideInterop
public import DesksideInventory
import DesksideMetrics
public import DesksideStoreSQLite
public import Logging

/// One request of a FusionInventory, GLPI or OCS agent, from its body to the reply, without HTTP:
/// the source by the token in the path and its Basic credentials, the body decompressed within its
/// caps, the message read, the inventory mapped, checked by the same fault checks as Deskside's
/// agent runs, and stored on the asset the register's rules say it is. Blocking (database, CPU):
/// the routes run it on the thread pool.
public struct IntakeService: Sendable {
    public let store: CollectorStore
    public let settings: IntakeSettings
    public let checker: FaultChecker
    let logger: Logger

    public init(store: CollectorStore, settings: IntakeSettings, policy: FaultPolicy, logger: Logger) {
        self.store = store
        self.settings = settings
        self.checker = FaultChecker(policy: policy)
        self.logger = logger
    }

    /// A request as the routes saw it.
    public struct Request: Sendable {
        public var token: String
        public var authorization: String?
        public var body: [UInt8]
        public var glpiAgentID: String?
        public var userAgent: String?
        /// `GET ?action=getConfig` (GLPI Agent's task side channel), rather than a POST.
        public var getConfig = false

        public init(token: String, authorization: String?, body: [UInt8], glpiAgentID: String?, userAgent: String?, getConfig: Bool = false) {
            self.token = token
            self.authorization = authorization
            self.body = body
            self.glpiAgentID = glpiAgentID
            self.userAgent = userAgent
            self.getConfig = getConfig
        }
    }

    /// The reply: status, Content-Type and body as the agent must get them.
    public struct Reply: Sendable, Equatable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]
        /// A Basic challenge (`WWW-Authenticate`).
        public var challenge: String?

        static func text(_ status: Int, _ message: String) -> Reply {
            Reply(status: status, contentType: "text/plain; charset=utf-8", body: Array((message + "\n").utf8))
        }
    }

    public static let realm = "Deskside intake"

    public func handle(_ request: Request, now: Date = Date()) -> Reply {
        do {
            return try answer(request, now: now)
        } catch {
            logger.error("intake: cannot store an inventory", metadata: ["error": "\(error)"])
            return .text(500, "the collector could not store this request")
        }
    }

    func answer(_ request: Request, now: Date) throws -> Reply {
        guard request.token.utf8.count <= 128, let source = try store.intakeCredentials(tokenHash: IntakeSecrets.tokenHash(request.token)) else {
            return .text(404, "no intake here")
        }
        if let user = source.basicUser, let salt = source.basicSalt, let hash = source.basicHash,
           !IntakeSecrets.basicMatches(request.authorization, user: user, salt: salt, hash: hash) {
            var reply = Reply.text(401, "authentication required")
            reply.challenge = "Basic realm=\"\(Self.realm)\""
            return reply
        }
        if request.getConfig {
            return Reply(status: 200, contentType: "application/json", body: IntakeReply.getConfig)
        }
        let encoding = IntakeBody(detecting: request.body)
        let text: [UInt8]
        do {
            text = try encoding.decode(request.body, limit: settings.maxInventoryBytes)
        } catch {
            logger.notice("intake: a request refused", metadata: ["source": "\(source.name)", "reason": "\(error)"])
            return .text(error is IntakeBody.TooLarge ? 413 : 400, "\(error)")
        }
        var limits = IntakeMessage.Limits()
        limits.maxBytes = settings.maxInventoryBytes
        let message: IntakeMessage
        do {
            message = try IntakeMessage.parse(text, limits: limits)
        } catch {
            logger.notice("intake: a request refused", metadata: ["source": "\(source.name)", "reason": "\(error.message)"])
            return reply(error.json ? IntakeReply.jsonError(error.message, hours: settings.scheduleHours) : IntakeReply.xmlError(error.message),
                         status: 400, json: error.json, encoding: encoding)
        }
        let hours = settings.scheduleHours
        func caller(_ deviceID: String) -> CollectorStore.IntakeCaller {
            CollectorStore.IntakeCaller(sourceID: source.id, json: message.isJSON, deviceID: deviceID,
                                        glpiAgentID: request.glpiAgentID.flatMap { $0.utf8.count <= 64 ? $0 : nil },
                                        agentVersion: request.userAgent.map { String($0.prefix(128)) }, scheduleHours: hours)
        }
        switch message {
        case .prolog(let deviceID):
            try store.intakeContact(caller(deviceID), at: now)
            // GLPI Agent asks in XML first, with its id in a header: answered as GLPI 10 does, it
            // speaks its native JSON protocol from then on (partial inventories, CONTACT).
            if request.glpiAgentID != nil {
                return reply(IntakeReply.glpiProlog(hours: hours), status: 200, json: true, encoding: encoding)
            }
            return reply(IntakeReply.prolog(hours: hours), status: 200, json: false, encoding: encoding)
        case .contact(let deviceID, let tasks):
            try store.intakeContact(caller(deviceID), at: now)
            return reply(IntakeReply.contact(hours: hours, enabledTasks: tasks), status: 200, json: true, encoding: encoding)
        case .xmlInventory(let deviceID, let content):
            return try store(content, partial: false, caller: caller(deviceID), encoding: encoding, now: now)
        case .jsonInventory(let deviceID, let content, let partial, _):
            return try store(content, partial: partial, caller: caller(deviceID), encoding: encoding, now: now)
        case .unsupportedQuery(let query):
            return reply(IntakeReply.xmlError("the query \(query) is not supported"), status: 501, json: false, encoding: encoding)
        case .unsupportedAction(let action):
            return reply(IntakeReply.jsonError("Query '\(action)' is not supported.", hours: hours), status: 501, json: true, encoding: encoding)
        }
    }

    func store(_ content: IntakeValue, partial: Bool, caller: CollectorStore.IntakeCaller, encoding: IntakeBody, now: Date) throws -> Reply {
        let checker = self.checker
        let outcome = try store.recordIntake(caller, partial: partial, receivedAt: now) { base in
            let inventory = IntakeInventory.inventory(content, onto: base, partial: partial, receivedAt: now)
            return (inventory, checker.faults(in: inventory, now: now))
        }
        switch outcome {
        case .stored:
            CollectorMetrics.intakeInventory(outcome: "stored")
            return caller.json ? reply(IntakeReply.jsonStored(hours: settings.scheduleHours), status: 200, json: true, encoding: encoding)
                               : reply(IntakeReply.inventoryStored, status: 200, json: false, encoding: encoding)
        case .refused(let reason):
            CollectorMetrics.intakeInventory(outcome: "refused")
            logger.warning("intake: an inventory refused", metadata: ["device": "\(caller.deviceID)", "reason": "\(reason)"])
            let message = "this machine is registered to another agent; the inventory was not stored"
            return caller.json ? reply(IntakeReply.jsonError(message, hours: settings.scheduleHours), status: 409, json: true, encoding: encoding)
                               : reply(IntakeReply.xmlError(message), status: 409, json: false, encoding: encoding)
        }
    }

    func reply(_ body: [UInt8], status: Int, json: Bool, encoding: IntakeBody) -> Reply {
        Reply(status: status, contentType: encoding.contentType(json: json), body: encoding.encode(body))
    }
}
