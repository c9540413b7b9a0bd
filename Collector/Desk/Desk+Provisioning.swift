#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import DesksideHelpdesk
import DesksideJSON
import DesksideNotifications
public import DesksideProvisioning
import DesksideAPI
import DesksideStore
public import DesksideStoreSQLite
import DesksideTasks

/// Templates, onboardings, offboardings and their runs. The rules are `RunProgress`'s and
/// `Template`'s; this file reads the state, asks them, and has the store write the answer, then
/// tells the ticket and wakes the agent.
extension Desk {
    // MARK: - Templates

    public func templates(_ principal: Principal) throws -> [CollectorStore.TemplateRecord] {
        try requireReader(principal)
        return try store.templates()
    }

    public func template(_ principal: Principal, name: String) throws -> CollectorStore.TemplateRecord {
        try requireReader(principal)
        guard let record = try store.template(name: name) else { throw HelpdeskError.notFound }
        return record
    }

    /// Admins manage templates.
    public func saveTemplate(_ principal: Principal, _ template: Template, _ write: CollectorStore.TemplateWrite) throws -> CollectorStore.TemplateRecord {
        try requireAdmin(principal)
        // The shape (names, lengths, the checklist's lines) is the document's: 400. A step's parameters
        // are checked once bound to a sample account and asset, which no schema can say: 422.
        do { try template.validate() } catch {
            if error.field.contains(".parameters") || error.field.hasSuffix(".kind") { throw HelpdeskError.unprocessable("template: \(error)") }
            throw HelpdeskError.invalid("template: \(error)")
        }
        for name in template.scriptNames where try store.scripts.blocking.script(name: name) == nil {
            throw HelpdeskError.unprocessable("template: there is no script \(name) in the library")
        }
        guard let record = try store.saveTemplate(template, write, actor: principal.actor, now: clock()) else {
            throw write == .create ? HelpdeskError.conflict("a template named \(template.name) exists; edit it instead") : HelpdeskError.notFound
        }
        return record
    }

    // MARK: - Onboarding

    public struct OnboardingRequest: Codable, Sendable {
        /// The person's username; a new account (status onboarding) is made when none has it.
        public var account: String
        public var name: String?
        public var email: String?
        public var department: String?
        public var template: String
        /// The machine, when it is enrolled already; otherwise a one-time enrollment token is made.
        public var assetId: Int64?

        public init(account: String, name: String? = nil, email: String? = nil, department: String? = nil, template: String, assetId: Int64? = nil) {
            self.account = account
            self.name = name
            self.email = email
            self.department = department
            self.template = template
            self.assetId = assetId
        }
    }

    public struct OnboardingStarted: Codable, Sendable {
        public var onboarding: CollectorStore.ProvisioningRecord
        /// Shown once: the one-time password of the local account, to hand to the person.
        public var oneTimePassword: String?
        /// Shown once: the enrollment token for the person's machine, and the command that uses it once
        /// the token is saved in a file only root reads (`TOKEN-FILE`, mode 600).
        public var enrollmentToken: String?
        public var enrollCommand: String?
    }

    public func startOnboarding(_ principal: Principal, _ request: OnboardingRequest) throws -> OnboardingStarted {
        try requireStaff(principal)
        guard let dispatch = tasks else { throw HelpdeskError.conflict("this collector has no task-signing key") }
        guard let template = try store.template(name: request.template)?.template else {
            throw HelpdeskError.unprocessable("there is no template \(request.template)")
        }
        let now = clock()
        let account = try onboardingAccount(request, now: now)
        if let open = try store.provisionings(kind: .onboarding, accountID: account.id, openOnly: true).first {
            throw HelpdeskError.conflict("\(account.username) has an onboarding in progress (\(open.id))")
        }
        if let asset = request.assetId {
            guard try store.asset(id: asset) != nil else { throw HelpdeskError.unprocessable("there is no asset \(asset)") }
            guard try store.agentUUID(assetID: asset) != nil else { throw HelpdeskError.unprocessable("asset \(asset) has no enrolled agent to run tasks") }
        }
        var password: String?
        var passwordHash: String?
        if template.steps.contains(where: { Self.wantsOneTimePassword($0) }) {
            password = TaskPasswords.generate()
            guard let hash = TaskPasswords.hash(password!) else { throw HelpdeskError.conflict("the one-time password could not be hashed") }
            passwordHash = hash
        }
        let steps = template.steps.enumerated().map { "\($0.offset + 1). \($0.element.name) (\($0.element.kind.rawValue))" }
        let ticket = try store.createTicket(.init(
            title: "Onboarding: \(account.name.isEmpty ? account.username : account.name) (\(account.username))",
            description: "Template \(template.name). Steps:\n" + steps.joined(separator: "\n")
                + (template.checklist.isEmpty ? "" : "\nAlso: " + template.checklist.joined(separator: "; ")),
            requesterId: account.id, category: "onboarding", impact: .medium, urgency: .medium, tier: 1,
            assetIds: request.assetId.map { [$0] } ?? [], source: "staff"), actor: principal.actor, now: now)
        let (record, token) = try store.createProvisioning(.init(
            kind: .onboarding, accountID: account.id, templateName: template.name, ticketID: ticket.id, passwordHash: passwordHash,
            runs: [.init(templateName: template.name, assetID: request.assetId, steps: template.steps)],
            manualItems: template.checklist.map { ($0, nil) }, enrollmentTokenDays: request.assetId == nil ? 14 : nil, actor: principal.actor), now: now)
        try store.audit(actor: principal.actor, action: "onboarding.start", allowed: true, detail: "\(account.username) with \(template.name)", at: now)
        if let asset = request.assetId {
            try store.assignAsset(id: asset, to: account.id, actor: principal.actor, note: "onboarding \(record.id)", now: now)
            try startRun(record.runs[0], assetID: asset, provisioning: record)
        }
        // The token itself stays out of the command (and so out of shell history and process lists).
        let command = token.map { _ in
            "deskside-agent enroll --collector \(dispatch.collectorAddress ?? "COLLECTOR:PORT") --token-file TOKEN-FILE --ca-fingerprint \(dispatch.caFingerprint ?? "FINGERPRINT")"
        }
        return OnboardingStarted(onboarding: try store.provisioning(id: record.id) ?? record, oneTimePassword: password, enrollmentToken: token, enrollCommand: command)
    }

    static func wantsOneTimePassword(_ step: Template.Step) -> Bool {
        guard step.kind == .accountCreate, case .object(let members) = step.parameters,
              case .object(let password)? = members.first(where: { $0.key == "password" })?.value else { return false }
        return password.contains { $0.key == "mode" && $0.value == .string("oneTime") }
    }

    /// The person's account, made (requester, status onboarding) when none has the username.
    private func onboardingAccount(_ request: OnboardingRequest, now: Date) throws -> Account {
        if let account = try store.accounts.blocking.account(username: request.account, now: now) { return account }
        guard let name = request.name, !name.isEmpty else {
            throw HelpdeskError.unprocessable("there is no account \(request.account); give the person's name to create it")
        }
        guard TextLimits.length(request.account) <= 64, !request.account.isEmpty, !request.account.contains(where: { $0.isWhitespace }) else {
            throw HelpdeskError.invalid("account must be one word of at most 64 characters")
        }
        return try store.accounts.blocking.createAccount(.init(username: request.account, name: name, email: request.email ?? "",
                                                               department: request.department ?? "", status: .onboarding, role: .requester), now: now)
    }

    /// Onboardings and offboardings: staff and auditors see all; a requester sees their own.
    public func provisionings(_ principal: Principal, kind: CollectorStore.ProvisioningKind, openOnly: Bool) throws -> [CollectorStore.ProvisioningRecord] {
        if principal.role.readsEverything { return try store.provisionings(kind: kind, openOnly: openOnly) }
        guard let own = principal.accountID else { return [] }
        return try store.provisionings(kind: kind, accountID: own, openOnly: openOnly)
    }

    public func provisioning(_ principal: Principal, id: Int64) throws -> CollectorStore.ProvisioningRecord {
        guard let record = try store.provisioning(id: id), principal.role.readsEverything || record.accountId == principal.accountID else {
            throw HelpdeskError.notFound
        }
        return record
    }

    /// Ticks or unticks a manual checklist item; a ticked return puts the asset in stock.
    public func tickChecklist(_ principal: Principal, provisioningID: Int64, itemID: Int64, done: Bool) throws -> CollectorStore.ProvisioningRecord {
        try requireStaff(principal)
        guard let record = try store.provisioning(id: provisioningID) else { throw HelpdeskError.notFound }
        guard let item = record.checklist.first(where: { $0.id == itemID }) else { throw HelpdeskError.notFound }
        guard item.runStepId == nil else { throw HelpdeskError.conflict("this item is a step: it is ticked when the step succeeds") }
        guard record.state == .waiting || record.state == .running else { throw HelpdeskError.conflict("this \(record.kind.rawValue) is \(record.state.rawValue)") }
        let now = clock()
        _ = try store.tickChecklistItem(id: itemID, provisioningID: provisioningID, done: done, actor: principal.actor, now: now)
        if done, let asset = item.assetId {
            try store.returnAsset(id: asset, actor: principal.actor, note: "returned (\(record.kind.rawValue) \(record.id))", now: now)
        }
        if let ticket = record.ticketId {
            _ = try store.applyTicketChange(.comment(body: "\(done ? "Done" : "Not done")" + ": \(item.title) (\(principal.actor))", internal: false),
                                            ticketID: ticket, by: .system, now: now)
        }
        try completeIfDone(provisioningID)
        return try store.provisioning(id: provisioningID) ?? record
    }

    // MARK: - Offboarding

    public func startOffboarding(_ principal: Principal, username: String) throws -> CollectorStore.ProvisioningRecord {
        try requireStaff(principal)
        guard tasks != nil else { throw HelpdeskError.conflict("this collector has no task-signing key") }
        let now = clock()
        guard let account = try store.accounts.blocking.account(username: username, now: now) else {
            throw HelpdeskError.unprocessable("there is no account \(username)")
        }
        let id = account.id
        guard id != principal.accountID else { throw HelpdeskError.conflict("an account cannot offboard itself") }
        if account.role == .admin {
            guard try store.accounts.blocking.activeAdmins() > 1 else { throw HelpdeskError.conflict("\(username) is the last active admin") }
        }
        if let open = try store.provisionings(kind: .offboarding, accountID: id, openOnly: true).first {
            throw HelpdeskError.conflict("\(username) has an offboarding in progress (\(open.id))")
        }
        var query = CollectorStore.AssetQuery()
        query.ownerId = id
        query.limit = 500
        let assets = try store.assets(matching: query).items
        var runs: [CollectorStore.NewProvisioning.NewRun] = []
        var items: [(title: String, assetID: Int64?)] = []
        for asset in assets {
            items.append(("Return \(asset.hostname ?? "asset \(asset.id)") (asset \(asset.id))", asset.id))
            guard try store.agentUUID(assetID: asset.id) != nil else { continue }
            // The person's local account: locked, and out of every group. Only where it exists; the
            // lock says so when there is none.
            let user = JSONValue.string("{{account.username}}")
            runs.append(.init(templateName: "offboarding", assetID: asset.id, steps: [
                .init(name: "Lock the local account", kind: .accountLock, parameters: .object([("username", user)])),
                .init(name: "Remove it from its groups", kind: .accountGroups, parameters: .object([("username", user), ("groups", .array([]))]), required: false),
            ]))
        }
        let ticket = try store.createTicket(.init(
            title: "Offboarding: \(account.name.isEmpty ? account.username : account.name) (\(account.username))",
            description: assets.isEmpty ? "No asset is assigned to \(account.username)." : "Assets: " + assets.map { "\($0.hostname ?? "?") (\($0.id))" }.joined(separator: ", "),
            requesterId: id, category: "offboarding", impact: .medium, urgency: .medium, tier: 1, assetIds: assets.map(\.id), source: "staff"),
            actor: principal.actor, now: now)
        let (record, _) = try store.createProvisioning(.init(
            kind: .offboarding, accountID: id, templateName: nil, ticketID: ticket.id, passwordHash: nil, runs: runs, manualItems: items,
            enrollmentTokenDays: nil, actor: principal.actor), now: now)
        try store.audit(actor: principal.actor, action: "offboarding.start", allowed: true, detail: username, at: now)
        for run in record.runs { try startRun(run, assetID: run.assetId, provisioning: record) }
        try completeIfDone(record.id)
        return try store.provisioning(id: record.id) ?? record
    }

    // MARK: - Runs

    public func run(_ principal: Principal, id: Int64) throws -> CollectorStore.RunRecord {
        guard let run = try store.run(id: id) else { throw HelpdeskError.notFound }
        if !principal.role.readsEverything {
            guard let provisioning = run.provisioningId, let record = try store.provisioning(id: provisioning), record.accountId == principal.accountID else {
                throw HelpdeskError.notFound
            }
        }
        return run
    }

    /// A failed run again from its failed step.
    public func retryRun(_ principal: Principal, id: Int64) throws -> CollectorStore.RunRecord {
        try requireStaff(principal)
        guard let run = try store.run(id: id) else { throw HelpdeskError.notFound }
        guard run.state == .failed else { throw HelpdeskError.conflict("run \(id) is \(run.state.rawValue); only a failed run is retried") }
        if let provisioning = run.provisioningId { try store.setProvisioningState(id: provisioning, .running, now: clock()) }
        try advance(run, .retry)
        return try store.run(id: id) ?? run
    }

    public func cancelRun(_ principal: Principal, id: Int64) throws -> CollectorStore.RunRecord {
        try requireStaff(principal)
        guard let run = try store.run(id: id) else { throw HelpdeskError.notFound }
        guard run.state == .waiting || run.state == .running || run.state == .failed else {
            throw HelpdeskError.conflict("run \(id) is \(run.state.rawValue)")
        }
        try advance(run, .cancel)
        return try store.run(id: id) ?? run
    }

    // MARK: - Hooks from the agent server (on its thread pool)

    /// An agent enrolled: if its token was an onboarding's, its first report starts the run.
    public func agentEnrolled(_ agentUUID: String) throws {
        guard let dispatch = tasks, !(try store.waitingOnboardings(agentUUID: agentUUID)).isEmpty else { return }
        dispatch.awaitingOnboarding.withLock { _ = $0.insert(agentUUID) }
    }

    /// At start: the agents that enrolled for an onboarding and have not reported yet.
    public func loadAwaitingOnboardings() throws {
        let agents = try store.agentsAwaitingOnboarding()
        tasks?.awaitingOnboarding.withLock { $0.formUnion(agents) }
    }

    /// A report of `agentUUID` was stored: the machine of a waiting onboarding is ready.
    public func agentReported(_ agentUUID: String) throws {
        guard let dispatch = tasks, dispatch.awaitingOnboarding.withLock({ $0.contains(agentUUID) }) else { return }
        defer { dispatch.awaitingOnboarding.withLock { _ = $0.remove(agentUUID) } }
        guard let asset = try store.assetID(agentUUID: agentUUID) else { return }
        for id in try store.waitingOnboardings(agentUUID: agentUUID) {
            guard let record = try store.provisioning(id: id), let run = record.runs.first else { continue }
            try store.assignAsset(id: asset, to: record.accountId, actor: "deskside", note: "onboarding \(id): enrolled with its token", now: clock())
            if let ticket = record.ticketId {
                _ = try store.applyTicketChange(.comment(body: "The machine enrolled (asset \(asset)); the run starts.", internal: false),
                                                ticketID: ticket, by: .system, now: clock())
            }
            try startRun(run, assetID: asset, provisioning: record)
        }
    }

    /// A task finished: if it belongs to a run, the run goes on.
    public func taskFinished(_ task: CollectorStore.TaskRecord) throws {
        guard let (runID, position) = try store.runStep(taskUUID: task.uuid), let run = try store.run(id: runID) else { return }
        let outcome: RunProgress.Outcome = switch task.state {
        case .succeeded: .succeeded
        case .refused: .refused
        default: .failed
        }
        try advance(run, .stepFinished(index: position, outcome), summary: (position, Self.describe(task)))
    }

    /// Queued tasks no agent took before their expiry, and sent tasks whose result is overdue
    /// (`TaskDeadline`), end; a run waiting on one goes on as for any other failure. Returns how many.
    func sweepTasks() throws -> Int {
        let now = clock()
        let overdue = try store.sentTasks().filter { TaskDeadline.isOverdue(sentAt: $0.sentAt, timeoutSeconds: $0.timeoutSeconds, now: now) }.map(\.id)
        let ended = try store.expireQueuedTasks(now: now) + store.markTasksOverdue(ids: overdue, summary: TaskDeadline.overdueSummary, now: now)
        for task in ended { try taskFinished(task) }
        return ended.count
    }

    /// A step's summary: the task's own, with its state when it did not succeed.
    static func describe(_ task: CollectorStore.TaskRecord) -> String {
        let summary = task.summary ?? ""
        guard task.state != .succeeded else { return summary }
        return task.state.rawValue + (task.refusal.map { " (\($0))" } ?? "") + (summary.isEmpty ? "" : ": " + summary)
    }

    private func startRun(_ run: CollectorStore.RunRecord, assetID: Int64?, provisioning: CollectorStore.ProvisioningRecord) throws {
        try store.setProvisioningState(id: provisioning.id, .running, now: clock())
        var run = run
        run.assetId = assetID ?? run.assetId
        try advance(run, .start, assetID: assetID)
    }

    /// Asks `RunProgress` what `event` means for `run`, signs the tasks it queues, has the store
    /// write it all, then tells the ticket and wakes the agent. A step whose parameters cannot be
    /// bound (the account's name has a ':' for a full name) fails as a refusal would.
    private func advance(_ run: CollectorStore.RunRecord, _ event: RunProgress.Event, assetID: Int64? = nil, summary: (Int, String)? = nil) throws {
        guard let dispatch = tasks else { return }
        let now = clock()
        let record = try run.provisioningId.flatMap { try store.provisioning(id: $0) }
        var progress = run.progress
        var actions = progress.handle(event)
        var summaries: [Int: String] = [:]
        if let (position, text) = summary { summaries[position] = text }
        var newTasks: [(position: Int, task: CollectorStore.NewTask)] = []
        let asset = assetID ?? run.assetId
        let agent = try asset.flatMap { try store.agentUUID(assetID: $0) }
        var index = 0
        while index < actions.count {
            if case .queue(let position, _) = actions[index] {
                do {
                    newTasks.append((position, try signedStep(run.steps[position], agent: agent, asset: asset, provisioning: record, dispatch: dispatch, now: now)))
                } catch {
                    summaries[position] = "not run: \(error)"
                    actions += progress.handle(.stepFinished(index: position, .refused))
                }
            }
            index += 1
        }
        let finished = actions.compactMap { action -> RunProgress.State? in if case .finished(let state) = action { state } else { nil } }.last
        var provisioningState: CollectorStore.ProvisioningState?
        if finished == .failed { provisioningState = .failed }
        if finished == .cancelled { provisioningState = .cancelled }
        var change = CollectorStore.RunChange(runID: run.id, expectedState: run.state, progress: progress, summaries: summaries, tasks: newTasks,
                                              assetID: assetID, provisioningState: provisioningState)
        if let record, let ticket = record.ticketId {
            change.ticketID = ticket
            (change.ticketChanges, change.notices) = try ticketNews(actions, run: run, progress: progress, summaries: summaries, kind: record.kind)
        }
        guard try store.applyRunChange(change, now: now) != nil else { return }
        if let agent, !newTasks.isEmpty { dispatch.queued(agentUUID: agent) }
        guard let record, record.ticketId != nil else { return }
        if finished == .succeeded { try completeIfDone(record.id) }
    }

    /// What the run's ticket is told of `actions`: a public comment per step done (its notification is
    /// `onboarding.step.finished` or `.failed`), an escalation with the output when the run failed, a
    /// comment and `onboarding.finished` when it ended.
    private func ticketNews(_ actions: [RunProgress.Action], run: CollectorStore.RunRecord, progress: RunProgress, summaries: [Int: String],
                            kind: CollectorStore.ProvisioningKind) throws
        -> ([TicketChange], [(type: EventType, text: String, details: [String: String])]) {
        var changes: [TicketChange] = [], notices: [(type: EventType, text: String, details: [String: String])] = []
        let total = run.steps.count
        func summary(_ position: Int) -> String? { summaries[position] ?? run.steps[position].summary }
        for action in actions {
            switch action {
            case .stepDone(let position, let state):
                let step = run.steps[position]
                let text = "Step \(position + 1) of \(total), \(step.name): \(state.rawValue)" + (summary(position).map { " (\($0))" } ?? "")
                changes.append(.comment(body: text, internal: false))
                notices.append((state == .failed ? .onboardingStepFailed : .onboardingStepFinished, text,
                                ["step": step.name, "position": "\(position + 1)", "of": "\(total)", "state": state.rawValue, "run": "\(run.id)"]))
            case .finished(.failed):
                let position = progress.steps.firstIndex { $0.state == .failed } ?? 0
                let failed = run.steps[position]
                let output = try failed.taskId.flatMap { try store.task(id: $0) }
                let detail = [output?.stderrTail, output?.stdoutTail].compactMap { $0 }.filter { !$0.isEmpty }
                    .map { String($0.suffix(4000)) }.joined(separator: "\n---\n")
                changes.append(.escalate(reason: "Step \(position + 1) of \(total), \(failed.name), failed after its retries: " + (summary(position) ?? "")
                                         + (detail.isEmpty ? "" : "\n\nOutput (end):\n" + detail)))
            case .finished(let state):
                let text = state == .succeeded ? "All \(total) steps are done" + (kind == .onboarding ? " on the machine." : ".") : "The run was cancelled."
                changes.append(.comment(body: text, internal: false))
                notices.append((.onboardingFinished, text, ["state": state.rawValue, "run": "\(run.id)"]))
            default:
                break
            }
        }
        return (changes, notices)
    }

    /// A step's task, bound to the account and asset, validated and signed.
    private func signedStep(_ step: CollectorStore.RunStepRecord, agent: String?, asset: Int64?, provisioning: CollectorStore.ProvisioningRecord?,
                            dispatch: TaskDispatch, now: Date) throws -> CollectorStore.NewTask {
        guard let agent else { throw HelpdeskError.unprocessable("the run's asset has no enrolled agent") }
        let account = try provisioning.flatMap { try store.accounts.blocking.account(id: $0.accountId, now: now) }
        let summary = try asset.flatMap { try store.asset(id: $0) }
        let binding = Binding(username: account?.username ?? "", name: account?.name ?? "", email: account?.email ?? "", department: account?.department ?? "",
                              assetID: asset, hostname: summary?.hostname, serial: summary?.serial)
        let hash = try provisioning.flatMap { try store.provisioningPasswordHash(id: $0.id) }
        var parameters = try binding.bind(step.parameters, passwordHash: hash)
        if step.kind == .scriptRun { parameters = try withLibraryScript(parameters) }
        let spec = try TaskSpec(kind: step.kind, parameters: parameters)
        let envelope = TaskEnvelope(taskID: UUID().uuidString.lowercased(), agentID: agent, spec: spec, issuedAt: now, expiresAt: now.addingTimeInterval(86_400),
                                    nonce: SecretDigest.randomHex(bytes: 16), timeoutSeconds: step.timeoutSeconds)
        return CollectorStore.NewTask(signed: try dispatch.signer.sign(envelope), agentUUID: agent, assetID: asset, kind: step.kind,
                                      shownParameters: Self.shown(spec), timeoutSeconds: step.timeoutSeconds,
                                      requestedBy: provisioning.map { "\($0.kind.rawValue) \($0.id)" } ?? "run", createdAt: now,
                                      expiresAt: now.addingTimeInterval(86_400))
    }

    /// An onboarding is done when its run succeeded and every checklist item is ticked: its ticket
    /// resolves itself and the account becomes active. An offboarding: every run ended (a failed
    /// optional step included) and every item ticked; the account is then departed.
    private func completeIfDone(_ id: Int64) throws {
        guard let record = try store.provisioning(id: id), record.state == .running || record.state == .waiting else { return }
        let runsDone = record.runs.allSatisfy { $0.state == .succeeded }
        guard runsDone, record.checklist.allSatisfy(\.done) else { return }
        let now = clock()
        try store.setProvisioningState(id: id, .done, now: now)
        let status: AccountStatus = record.kind == .onboarding ? .active : .departed
        _ = try store.accounts.blocking.updateAccount(id: record.accountId, .init(status: status), now: now)
        if let ticket = record.ticketId {
            _ = try store.applyTicketChange(.resolve(notes: "\(record.kind == .onboarding ? "Onboarding" : "Offboarding") complete: every step and checklist item is done; "
                                                     + "the account \(record.username) is \(status.rawValue).", articleIDs: []), ticketID: ticket, by: .system, now: now)
        }
    }
}
