#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import DesksideHelpdesk
public import DesksideJSON
import DesksideProvisioning
public import DesksideAPI
import DesksideStore
public import DesksideStoreSQLite
public import DesksideTasks
import Synchronization

/// What the desk needs to send tasks: the signing key, and a way to tell the agent server that an
/// agent has a task waiting (it pushes it at once over the agent's connection, if it is open).
public final class TaskDispatch: Sendable {
    public let signer: TaskSigner
    /// Where agents enroll (`HOST:PORT`, known once the listener is bound) and the CA they pin: for
    /// the enroll command an onboarding prints.
    private let address = Mutex<String?>(nil)
    public let caFingerprint: String?
    private let waker = Mutex<(@Sendable (String) -> Void)?>(nil)
    /// Agents bound to a waiting onboarding, so that a report costs no query to find out.
    let awaitingOnboarding = Mutex<Set<String>>([])

    public init(signer: TaskSigner, caFingerprint: String? = nil) {
        self.signer = signer
        self.caFingerprint = caFingerprint
    }

    public var collectorAddress: String? {
        get { address.withLock { $0 } }
        set { address.withLock { $0 = newValue } }
    }

    /// Set once the agent server exists.
    public func onQueued(_ wake: @escaping @Sendable (String) -> Void) { waker.withLock { $0 = wake } }

    func queued(agentUUID: String) { waker.withLock { $0 }?(agentUUID) }
}

extension Desk {
    /// A request to run one task kind on some assets (`POST /tasks`).
    public struct TaskRequest: Codable, Sendable {
        public var kind: TaskKind
        public var parameters: JSONValue?
        public var assetIds: [Int64]
        public var timeoutSeconds: Int?
        /// How long the task may wait for an offline machine (default a day, at most 30 days).
        public var expiresInMinutes: Int?

        public init(kind: TaskKind, parameters: JSONValue? = nil, assetIds: [Int64], timeoutSeconds: Int? = nil, expiresInMinutes: Int? = nil) {
            self.kind = kind
            self.parameters = parameters
            self.assetIds = assetIds
            self.timeoutSeconds = timeoutSeconds
            self.expiresInMinutes = expiresInMinutes
        }
    }

    /// The queued tasks, and the one-time password the collector made for an `account.create`
    /// without one (shown in this answer only).
    public struct QueuedTasks: Codable, Sendable {
        public var tasks: [CollectorStore.TaskRecord]
        public var oneTimePassword: String?
    }

    /// Technicians and admins run tasks. Parameters are checked by the same rules as the agent's
    /// before anything is signed; a one-time password is hashed here and only its hash travels.
    public func runTask(_ principal: Principal, _ request: TaskRequest) throws -> QueuedTasks {
        try requireStaff(principal)
        guard let dispatch = tasks else { throw HelpdeskError.conflict("this collector has no task-signing key") }
        guard (1...500).contains(request.assetIds.count) else { throw HelpdeskError.invalid("assetIds must name 1 to 500 assets") }
        guard Set(request.assetIds).count == request.assetIds.count else { throw HelpdeskError.invalid("assetIds names an asset more than once") }
        let timeout = request.timeoutSeconds ?? TaskKind.defaultTimeoutSeconds
        do { try TaskValidation.checkTimeout(timeout) } catch { throw HelpdeskError.invalid(error.description) }
        let minutes = request.expiresInMinutes ?? 1440
        guard (1...43_200).contains(minutes) else { throw HelpdeskError.invalid("expiresInMinutes must be between 1 and 43200 (30 days)") }
        var parameters = request.parameters ?? .object([])
        if request.kind == .scriptRun { parameters = try withLibraryScript(parameters) }
        var oneTimePassword: String?
        if request.kind == .accountCreate { (parameters, oneTimePassword) = try hashPassword(in: parameters) }
        let spec: TaskSpec
        do { spec = try TaskSpec(kind: request.kind, parameters: parameters) } catch { throw HelpdeskError.invalid("parameters.\(error)") }

        var agents: [(asset: Int64, agent: String)] = []
        for asset in request.assetIds {
            guard try store.asset(id: asset) != nil else { throw HelpdeskError.unprocessable("there is no asset \(asset)") }
            guard let agent = try store.agentUUID(assetID: asset) else {
                throw HelpdeskError.unprocessable("asset \(asset) has no enrolled agent to run tasks")
            }
            agents.append((asset, agent))
        }
        let now = clock()
        let expires = now.addingTimeInterval(Double(minutes) * 60)
        let queued = try agents.map { target in
            let envelope = TaskEnvelope(taskID: UUID().uuidString.lowercased(), agentID: target.agent, spec: spec, issuedAt: now, expiresAt: expires,
                                        nonce: SecretDigest.randomHex(bytes: 16), timeoutSeconds: timeout)
            return CollectorStore.NewTask(signed: try dispatch.signer.sign(envelope), agentUUID: target.agent, assetID: target.asset, kind: spec.kind,
                                          shownParameters: Self.shown(spec), timeoutSeconds: timeout, requestedBy: principal.actor,
                                          createdAt: now, expiresAt: expires)
        }
        let records = try store.queueTasks(queued)
        try store.audit(actor: principal.actor, action: "task.run", allowed: true,
                        detail: "\(spec.kind.rawValue) on asset\(request.assetIds.count == 1 ? "" : "s") \(request.assetIds.map(String.init).joined(separator: ", "))", at: now)
        for target in agents { dispatch.queued(agentUUID: target.agent) }
        return QueuedTasks(tasks: records, oneTimePassword: oneTimePassword)
    }

    /// `password: {"mode": "oneTime", "password": "…"}` (or without `password`: one is made) becomes
    /// `{"mode": "oneTime", "hash": "$y$…"}`; other modes pass as they are.
    private func hashPassword(in parameters: JSONValue) throws -> (JSONValue, String?) {
        guard case .object(var members) = parameters, let index = members.firstIndex(where: { $0.key == "password" }),
              case .object(var password) = members[index].value,
              password.contains(where: { $0.key == "mode" && $0.value == .string("oneTime") }) else { return (parameters, nil) }
        guard !password.contains(where: { $0.key == "hash" }) else {
            throw HelpdeskError.invalid("parameters.password: a one-time password is given as 'password' (or left out to have one made), never as a hash")
        }
        var plain: String
        var made: String?
        password.removeAll { $0.key == "password" && $0.value == .null }
        if let given = password.firstIndex(where: { $0.key == "password" }) {
            guard case .string(let text) = password[given].value else { throw HelpdeskError.invalid("parameters.password.password: must be text") }
            guard (10...128).contains(text.count), !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw HelpdeskError.invalid("parameters.password.password: must be 10 to 128 characters without control characters")
            }
            plain = text
            password.remove(at: given)
        } else {
            plain = TaskPasswords.generate()
            made = plain
        }
        defer { plain = "" }
        guard let hash = TaskPasswords.hash(plain) else { throw HelpdeskError.conflict("the one-time password could not be hashed") }
        password.append(("hash", .string(hash)))
        members[index].value = .object(password)
        return (.object(members), made)
    }

    /// `script.run` parameters with the text of the library script they name.
    func withLibraryScript(_ parameters: JSONValue) throws -> JSONValue {
        guard case .object(let members) = parameters, case .string(let name)? = members.first(where: { $0.key == "name" })?.value else {
            throw HelpdeskError.invalid("parameters.name: script.run names a script of the library")
        }
        guard let script = try store.scripts.blocking.script(name: name) else { throw HelpdeskError.unprocessable("there is no script \(name) in the library") }
        do { return try Template.withScriptBody(parameters, body: script.body) } catch { throw HelpdeskError.invalid("parameters.\(error)") }
    }

    /// The parameters as staff see them: a password hash is never shown, nor a script's text (its
    /// name says which).
    static func shown(_ spec: TaskSpec) -> JSONValue {
        if case .scriptRun(let script) = spec {
            return .object([("name", .string(script.name)), ("arguments", .array(script.arguments.map { .string($0) }))])
        }
        guard case .accountCreate(var account) = spec else { return spec.parameters }
        switch account.password {
        case .locked: break
        case .hash: account.password = .hash("(hidden)")
        case .oneTime: account.password = .oneTime(hash: "(hidden)")
        }
        return TaskSpec.accountCreate(account).parameters
    }

    /// Staff and auditors see tasks; requesters do not.
    public func tasks(_ principal: Principal, _ query: CollectorStore.TaskQuery) throws -> (items: [CollectorStore.TaskRecord], total: Int) {
        try requireReader(principal)
        return try store.tasks(matching: query)
    }

    public func task(_ principal: Principal, id: Int64) throws -> CollectorStore.TaskRecord {
        try requireReader(principal)
        guard let task = try store.task(id: id) else { throw HelpdeskError.notFound }
        return task
    }

    /// A queued task can be cancelled; one already sent runs to its end or its time limit.
    public func cancelTask(_ principal: Principal, id: Int64) throws -> CollectorStore.TaskRecord {
        try requireStaff(principal)
        guard let task = try store.task(id: id) else { throw HelpdeskError.notFound }
        guard try store.cancelTask(id: id, actor: principal.actor, now: clock()) else {
            throw HelpdeskError.conflict("task \(id) is \(task.state.rawValue): only a queued task can be cancelled; a sent one runs to its end or its time limit")
        }
        return try store.task(id: id) ?? task
    }
}

extension Desk {
    // MARK: - Script library

    public func scripts(_ principal: Principal) async throws -> [Script] {
        try requireReader(principal)
        return try await scripts.scripts()
    }

    public func script(_ principal: Principal, name: String) async throws -> Script {
        try requireReader(principal)
        guard let script = try await scripts.script(name: name) else { throw HelpdeskError.notFound }
        return script
    }

    /// Admins write the library; a script is checked as a `script.run` task would be (its name, its
    /// `#!` line naming an allowed interpreter, its size).
    public func saveScript(_ principal: Principal, name: String, description: String, body: String) async throws -> Script {
        try requireAdmin(principal)
        do { try TaskSpec.scriptRun(ScriptRun(name: name, body: body)).validate() } catch { throw HelpdeskError.invalid("\(error)") }
        guard TextLimits.length(description) <= 2000 else { throw HelpdeskError.invalid("description: must be at most 2,000 characters") }
        let saved = try await scripts.saveScript(name: name, description: description, body: body, actor: principal.actor, now: clock())
        try await audit(actor: principal.actor, action: "script.save", allowed: true, detail: name, at: clock())
        return saved
    }

    public func deleteScript(_ principal: Principal, name: String) async throws {
        try requireAdmin(principal)
        guard try await scripts.deleteScript(name: name) else { throw HelpdeskError.notFound }
    }
}
