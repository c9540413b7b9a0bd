#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideHelpdesk
public import DesksideJSON
public import DesksideNotifications
public import DesksideProvisioning
public import DesksideTasks
import DesksideStore
import GRDB

/// Templates, onboardings and offboardings ("provisionings"), their runs with steps, and their
/// checklists. The service layer decides (with `RunProgress`); these functions write what it
/// decided, each in one transaction.
extension CollectorStore {
    // MARK: - Templates

    public struct TemplateRecord: Codable, Sendable, Equatable {
        public var id: Int64
        public var template: Template
        public var createdAt: String
        public var updatedAt: String
        public var updatedBy: String
    }

    private static func templateRecord(_ row: Row) throws -> TemplateRecord {
        let text: String = row["document"]
        return TemplateRecord(id: row["id"], template: try JSONCoder.decode(Template.self, from: Array(text.utf8)),
                              createdAt: row["createdAt"], updatedAt: row["updatedAt"], updatedBy: row["updatedBy"])
    }

    public func templates() throws -> [TemplateRecord] {
        try pool.read { db in try Row.fetchAll(cached: db, sql: "SELECT * FROM template ORDER BY name").map(Self.templateRecord) }
    }

    public func template(name: String) throws -> TemplateRecord? {
        try pool.read { db in try Row.fetchOne(cached: db, sql: "SELECT * FROM template WHERE name = ?", arguments: [name]).map(Self.templateRecord) }
    }

    public enum TemplateWrite: Sendable { case create, replace }

    /// Creates or replaces a template; `nil` when `create` finds the name taken or `replace` finds
    /// none.
    public func saveTemplate(_ template: Template, _ write: TemplateWrite, actor: String, now: Date) throws -> TemplateRecord? {
        let document = String(decoding: try JSONCoder.encode(template), as: UTF8.self)
        let time = Timestamp.text(now)
        return try pool.write { db in
            switch write {
            case .create:
                guard try Bool.fetchOne(cached: db, sql: "SELECT EXISTS (SELECT 1 FROM template WHERE name = ?)", arguments: [template.name]) == false else { return nil }
                try db.run("INSERT INTO template (name, document, createdAt, updatedAt, updatedBy) VALUES (?, ?, ?, ?, ?)",
                               arguments: [template.name, document, time, time, actor])
            case .replace:
                try db.run("UPDATE template SET document = ?, updatedAt = ?, updatedBy = ? WHERE name = ?",
                               arguments: [document, time, actor, template.name])
                guard db.changesCount == 1 else { return nil }
            }
            return try Row.fetchOne(cached: db, sql: "SELECT * FROM template WHERE name = ?", arguments: [template.name]).map(Self.templateRecord)
        }
    }

    // MARK: - Records

    public enum ProvisioningKind: String, Codable, Sendable { case onboarding, offboarding }
    public enum ProvisioningState: String, Codable, Sendable { case waiting, running, done, failed, cancelled }

    public struct RunStepRecord: Codable, Sendable, Equatable {
        public var id: Int64
        public var position: Int
        public var name: String
        public var kind: TaskKind
        public var parameters: JSONValue
        public var required: Bool
        public var retries: Int
        public var timeoutSeconds: Int
        public var state: RunProgress.StepState
        public var attempts: Int
        public var taskId: Int64?
        public var summary: String?
        public var startedAt: String?
        public var finishedAt: String?
    }

    public struct RunRecord: Codable, Sendable, Equatable {
        public var id: Int64
        public var provisioningId: Int64?
        public var templateName: String
        public var assetId: Int64?
        public var hostname: String?
        public var state: RunProgress.State
        public var createdAt: String
        public var startedAt: String?
        public var finishedAt: String?
        /// "step k of n" as numbers: the step being worked on (or the last one), and how many.
        public var step: Int
        public var steps: [RunStepRecord]

        public var progress: RunProgress {
            RunProgress(state: state, steps: steps.map { RunProgress.Step(required: $0.required, retries: $0.retries, state: $0.state, attempts: $0.attempts) })
        }
    }

    public struct ChecklistItem: Codable, Sendable, Equatable {
        public var id: Int64
        public var position: Int
        public var title: String
        /// Ticked by the collector when this run step succeeds; manual items have none.
        public var runStepId: Int64?
        /// An asset to hand back (offboarding): ticking the item puts it in stock, unassigned.
        public var assetId: Int64?
        public var done: Bool
        public var doneBy: String?
        public var doneAt: String?
    }

    public struct ProvisioningRecord: Codable, Sendable, Equatable {
        public var id: Int64
        public var kind: ProvisioningKind
        public var accountId: Int64
        public var username: String
        public var name: String
        public var templateName: String?
        public var ticketId: Int64?
        /// The agent that enrolled with this onboarding's token, until its run starts.
        public var agentID: String?
        public var state: ProvisioningState
        public var createdBy: String
        public var createdAt: String
        public var finishedAt: String?
        public var runs: [RunRecord]
        public var checklist: [ChecklistItem]
    }

    static func runs(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [RunRecord] {
        try Row.fetchAll(cached: db, sql: "SELECT run.*, asset.hostname FROM run LEFT JOIN asset ON asset.id = run.assetId WHERE \(condition) ORDER BY run.id",
                         arguments: arguments).map { row in
            let id: Int64 = row["id"]
            let steps = try Row.fetchAll(cached: db, sql: "SELECT * FROM runStep WHERE runId = ? ORDER BY position", arguments: [id]).map { step in
                let text: String = step["parameters"]
                return RunStepRecord(id: step["id"], position: step["position"], name: step["name"], kind: TaskKind(rawValue: step["kind"]) ?? .inventoryRefresh,
                                     parameters: (try? JSONParser.parse(Array(text.utf8))) ?? .object([]), required: step["required"],
                                     retries: step["retries"], timeoutSeconds: step["timeoutSeconds"],
                                     state: RunProgress.StepState(rawValue: step["state"]) ?? .pending, attempts: step["attempts"], taskId: step["taskId"],
                                     summary: step["summary"], startedAt: step["startedAt"], finishedAt: step["finishedAt"])
            }
            let current = steps.firstIndex { $0.state == .pending || $0.state == .running } ?? max(0, steps.count - 1)
            return RunRecord(id: id, provisioningId: row["provisioningId"], templateName: row["templateName"], assetId: row["assetId"],
                             hostname: row["hostname"], state: RunProgress.State(rawValue: row["state"]) ?? .waiting, createdAt: row["createdAt"],
                             startedAt: row["startedAt"], finishedAt: row["finishedAt"], step: current + 1, steps: steps)
        }
    }

    static func provisioning(_ db: Database, id: Int64) throws -> ProvisioningRecord? {
        guard let row = try Row.fetchOne(cached: db, sql: """
            SELECT provisioning.*, account.username, account.name, agent.uuid AS agentUUID FROM provisioning
            JOIN account ON account.id = provisioning.accountId LEFT JOIN agent ON agent.id = provisioning.agentId WHERE provisioning.id = ?
            """, arguments: [id]) else { return nil }
        let checklist = try Row.fetchAll(cached: db, sql: "SELECT * FROM checklistItem WHERE provisioningId = ? ORDER BY position", arguments: [id]).map {
            ChecklistItem(id: $0["id"], position: $0["position"], title: $0["title"], runStepId: $0["runStepId"], assetId: $0["assetId"], done: $0["done"],
                          doneBy: $0["doneBy"], doneAt: $0["doneAt"])
        }
        return ProvisioningRecord(id: id, kind: ProvisioningKind(rawValue: row["kind"]) ?? .onboarding, accountId: row["accountId"],
                                  username: row["username"], name: row["name"], templateName: row["templateName"], ticketId: row["ticketId"],
                                  agentID: row["agentUUID"], state: ProvisioningState(rawValue: row["state"]) ?? .waiting,
                                  createdBy: row["createdBy"], createdAt: row["createdAt"], finishedAt: row["finishedAt"],
                                  runs: try runs(db, where: "run.provisioningId = ?", [id]), checklist: checklist)
    }

    public func provisioning(id: Int64) throws -> ProvisioningRecord? {
        try pool.read { db in try Self.provisioning(db, id: id) }
    }

    public func provisionings(kind: ProvisioningKind, accountID: Int64? = nil, openOnly: Bool = false) throws -> [ProvisioningRecord] {
        try pool.read { db in
            var conditions = ["kind = ?"]
            var arguments: StatementArguments = [kind.rawValue]
            if let accountID {
                conditions.append("accountId = ?")
                _ = arguments.append(contentsOf: [accountID])
            }
            if openOnly { conditions.append("state IN ('waiting', 'running')") }
            return try Int64.fetchAll(cached: db, sql: "SELECT id FROM provisioning WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT 500",
                                      arguments: arguments).compactMap { try Self.provisioning(db, id: $0) }
        }
    }

    public func run(id: Int64) throws -> RunRecord? {
        try pool.read { db in try Self.runs(db, where: "run.id = ?", [id]).first }
    }

    /// The runs on an asset (onboardings, offboardings), oldest first.
    public func runs(assetID: Int64) throws -> [RunRecord] {
        try pool.read { db in try Self.runs(db, where: "run.assetId = ?", [assetID]) }
    }

    // MARK: - Writes

    /// A new onboarding or offboarding, written at once: its runs and their steps, its checklist
    /// (one item per step, then the manual ones), and for an onboarding without a machine a
    /// one-time enrollment token bound to it.
    public struct NewProvisioning: Sendable {
        public struct NewRun: Sendable {
            public var templateName: String
            public var assetID: Int64?
            public var steps: [Template.Step]
            public init(templateName: String, assetID: Int64?, steps: [Template.Step]) {
                self.templateName = templateName
                self.assetID = assetID
                self.steps = steps
            }
        }
        public var kind: ProvisioningKind
        public var accountID: Int64
        public var templateName: String?
        public var ticketID: Int64
        public var passwordHash: String?
        public var runs: [NewRun]
        public var manualItems: [(title: String, assetID: Int64?)]
        /// Makes a one-time enrollment token for the machine, valid this long.
        public var enrollmentTokenDays: Int?
        public var actor: String
        public init(kind: ProvisioningKind, accountID: Int64, templateName: String?, ticketID: Int64, passwordHash: String?, runs: [NewRun],
                    manualItems: [(title: String, assetID: Int64?)], enrollmentTokenDays: Int?, actor: String) {
            self.kind = kind
            self.accountID = accountID
            self.templateName = templateName
            self.ticketID = ticketID
            self.passwordHash = passwordHash
            self.runs = runs
            self.manualItems = manualItems
            self.enrollmentTokenDays = enrollmentTokenDays
            self.actor = actor
        }
    }

    public func createProvisioning(_ new: NewProvisioning, now: Date) throws -> (record: ProvisioningRecord, enrollmentToken: String?) {
        let time = Timestamp.text(now)
        return try pool.write { db in
            try db.run("""
                INSERT INTO provisioning (kind, accountId, templateName, ticketId, passwordHash, state, createdBy, createdAt)
                VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?)
                """, arguments: [new.kind.rawValue, new.accountID, new.templateName, new.ticketID, new.passwordHash, new.actor, time])
            let id = db.lastInsertedRowID
            var position = 0
            for run in new.runs {
                try db.run("INSERT INTO run (provisioningId, templateName, assetId, state, createdAt) VALUES (?, ?, ?, 'waiting', ?)",
                               arguments: [id, run.templateName, run.assetID, time])
                let runID = db.lastInsertedRowID
                for (index, step) in run.steps.enumerated() {
                    try db.run("""
                        INSERT INTO runStep (runId, position, name, kind, parameters, required, retries, timeoutSeconds, state)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')
                        """, arguments: [runID, index, step.name, step.kind.rawValue, String(decoding: JSONSerializer.serialize(step.parameters), as: UTF8.self),
                                         step.required, step.retries, step.timeoutSeconds])
                    let title = new.runs.count > 1 ? "\(step.name) (asset \(run.assetID.map(String.init) ?? "?"))" : step.name
                    try db.run("INSERT INTO checklistItem (provisioningId, position, title, runStepId) VALUES (?, ?, ?, ?)",
                                   arguments: [id, position, title, db.lastInsertedRowID])
                    position += 1
                }
            }
            for item in new.manualItems {
                try db.run("INSERT INTO checklistItem (provisioningId, position, title, assetId) VALUES (?, ?, ?, ?)",
                               arguments: [id, position, item.title, item.assetID])
                position += 1
            }
            var secret: String?
            if let days = new.enrollmentTokenDays {
                let token = "dsk_" + SecretDigest.randomHex(bytes: 32)
                try db.run("""
                    INSERT INTO enrollmentToken (name, secretHash, reusable, createdAt, expiresAt, provisioningId) VALUES (?, ?, 0, ?, ?, ?)
                    """, arguments: ["onboarding \(id)", Self.hash(token), time, Timestamp.text(now.addingTimeInterval(Double(days) * 86400)), id])
                secret = token
            }
            return (try Self.provisioning(db, id: id)!, secret)
        }
    }

    /// The onboardings waiting for `agentUUID`'s first report (it enrolled with their token).
    public func waitingOnboardings(agentUUID: String) throws -> [Int64] {
        try pool.read { db in
            try Int64.fetchAll(cached: db, sql: """
                SELECT provisioning.id FROM provisioning JOIN agent ON agent.id = provisioning.agentId
                WHERE agent.uuid = ? AND provisioning.state = 'waiting'
                """, arguments: [agentUUID])
        }
    }

    /// Agents bound to a waiting onboarding (kept in memory by the service, so that a report costs
    /// no query).
    public func agentsAwaitingOnboarding() throws -> [String] {
        try pool.read { db in
            try String.fetchAll(cached: db, sql: "SELECT agent.uuid FROM provisioning JOIN agent ON agent.id = provisioning.agentId WHERE provisioning.state = 'waiting'")
        }
    }

    /// What the service decided for a run, written in one transaction.
    public struct RunChange: Sendable {
        public var runID: Int64
        /// The state the run was read in: the change is written only if it still is (a result and a
        /// staff action racing: the second finds the run moved and reads it again).
        public var expectedState: RunProgress.State
        public var progress: RunProgress
        /// Per step that changed: its summary (a task's result) and whether it started or finished.
        public var summaries: [Int: String]
        /// New tasks, each for a step (by position).
        public var tasks: [(position: Int, task: NewTask)]
        public var assetID: Int64?
        public var provisioningState: ProvisioningState?
        /// Step positions whose checklist item is ticked now, and by whom (`RunProgress.checklistTicks`).
        public var checklistTicks: [Int: String]
        /// The run ended: its queued task is cancelled.
        public var cancelQueuedTasks: Bool
        /// What the run's ticket is told, in the same transaction: changes made by the collector
        /// (comments are quiet: `notices` say what happened), then the notifications.
        public var ticketID: Int64?
        public var ticketChanges: [TicketChange] = []
        public var notices: [(type: EventType, text: String, details: [String: String])] = []

        public init(runID: Int64, expectedState: RunProgress.State, progress: RunProgress, summaries: [Int: String] = [:],
                    tasks: [(position: Int, task: NewTask)] = [], assetID: Int64? = nil, provisioningState: ProvisioningState? = nil) {
            self.runID = runID
            self.expectedState = expectedState
            self.progress = progress
            self.summaries = summaries
            self.tasks = tasks
            self.assetID = assetID
            self.provisioningState = provisioningState
            checklistTicks = progress.checklistTicks
            cancelQueuedTasks = progress.isFinished
        }
    }

    /// Writes `change`; `nil` when the run was no longer in `expectedState`.
    public func applyRunChange(_ change: RunChange, now: Date) throws -> RunRecord? {
        let time = Timestamp.text(now)
        return try pool.write { db in
            let state = change.progress.state
            let open = state == .running || state == .waiting
            try db.run("""
                UPDATE run SET state = ?, assetId = coalesce(?, assetId), startedAt = CASE WHEN ? = 'running' THEN coalesce(startedAt, ?) ELSE startedAt END,
                finishedAt = ? WHERE id = ? AND state = ?
                """, arguments: [state.rawValue, change.assetID, state.rawValue, time, open ? nil : time, change.runID, change.expectedState.rawValue])
            guard db.changesCount == 1 else { return nil }
            for (position, step) in change.progress.steps.enumerated() {
                let finished = step.state == .succeeded || step.state == .failed || step.state == .skipped
                try db.run("""
                    UPDATE runStep SET state = ?, attempts = ?, summary = coalesce(?, summary),
                    startedAt = CASE WHEN ? = 'running' THEN coalesce(startedAt, ?) WHEN ? = 'pending' THEN NULL ELSE startedAt END,
                    finishedAt = CASE WHEN ? THEN coalesce(finishedAt, ?) ELSE NULL END
                    WHERE runId = ? AND position = ?
                    """, arguments: [step.state.rawValue, step.attempts, change.summaries[position], step.state.rawValue, time, step.state.rawValue,
                                     finished, time, change.runID, position])
                if let by = change.checklistTicks[position] {
                    try db.run("""
                        UPDATE checklistItem SET done = 1, doneBy = ?, doneAt = ?
                        WHERE done = 0 AND runStepId = (SELECT id FROM runStep WHERE runId = ? AND position = ?)
                        """, arguments: [by, time, change.runID, position])
                }
            }
            for (position, task) in change.tasks {
                try db.run("""
                    INSERT INTO task (uuid, agentId, assetId, kind, parameters, payload, signature, timeoutSeconds, state, requestedBy, createdAt, expiresAt,
                                      runStepId)
                    VALUES (?, (SELECT id FROM agent WHERE uuid = ?), ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, (SELECT id FROM runStep WHERE runId = ? AND position = ?))
                    """, arguments: [task.signed.taskID, task.agentUUID, task.assetID, task.kind.rawValue,
                                     String(decoding: JSONSerializer.serialize(task.shownParameters), as: UTF8.self), task.signed.payload, task.signed.signature,
                                     task.timeoutSeconds, task.requestedBy, Timestamp.text(task.createdAt), Timestamp.text(task.expiresAt),
                                     change.runID, position])
                try db.run("UPDATE runStep SET taskId = ? WHERE runId = ? AND position = ?", arguments: [db.lastInsertedRowID, change.runID, position])
            }
            if change.cancelQueuedTasks {
                try db.run("""
                    UPDATE task SET state = 'cancelled', finishedAt = ?, summary = 'its run ended' WHERE state = 'queued'
                    AND runStepId IN (SELECT id FROM runStep WHERE runId = ?)
                    """, arguments: [time, change.runID])
            }
            if let provisioningState = change.provisioningState {
                let finished = provisioningState != .waiting && provisioningState != .running
                try db.run("UPDATE provisioning SET state = ?, finishedAt = ? WHERE id = (SELECT provisioningId FROM run WHERE id = ?)",
                               arguments: [provisioningState.rawValue, finished ? time : nil, change.runID])
            }
            if let ticketID = change.ticketID {
                for ticketChange in change.ticketChanges {
                    guard let ticket = try Self.fetchTicket(db, id: ticketID) else { break }
                    var quiet = false
                    if case .comment = ticketChange { quiet = true }
                    try Self.apply(ticketChange, to: ticket, db: db, actor: Principal.system.actor, isStaff: true, now: now,
                                   levels: helpdesk.serviceLevels, notify: !quiet)
                }
                for notice in change.notices {
                    try Outbox(db).ticketNotice(notice.type, ticketID: ticketID, actor: Principal.system.actor, text: notice.text, details: notice.details, at: time)
                }
            }
            return try Self.runs(db, where: "run.id = ?", [change.runID]).first
        }
    }

    /// The run and step position a task belongs to.
    public func runStep(taskUUID: String) throws -> (runID: Int64, position: Int)? {
        try pool.read { db in
            try Row.fetchOne(cached: db, sql: """
                SELECT runStep.runId, runStep.position FROM task JOIN runStep ON runStep.id = task.runStepId
                WHERE task.uuid = ? AND runStep.taskId = task.id
                """, arguments: [taskUUID]).map { ($0["runId"], $0["position"]) }
        }
    }

    /// Ticks (or unticks) a manual checklist item; `false` when there is no such manual item.
    public func tickChecklistItem(id: Int64, provisioningID: Int64, done: Bool, actor: String, now: Date) throws -> Bool {
        try pool.write { db in
            try db.run("""
                UPDATE checklistItem SET done = ?, doneBy = ?, doneAt = ? WHERE id = ? AND provisioningId = ? AND runStepId IS NULL
                """, arguments: [done, done ? actor : nil, done ? Timestamp.text(now) : nil, id, provisioningID])
            return db.changesCount == 1
        }
    }

    public func setProvisioningState(id: Int64, _ state: ProvisioningState, now: Date) throws {
        let finished = state != .waiting && state != .running
        try pool.write { db in
            try db.run("UPDATE provisioning SET state = ?, finishedAt = ? WHERE id = ?", arguments: [state.rawValue, finished ? Timestamp.text(now) : nil, id])
        }
    }

    /// A returned asset: in stock, and assigned to nobody (the history keeps who had it).
    public func returnAsset(id: Int64, actor: String, note: String, now: Date) throws {
        try assignAsset(id: id, to: nil, actor: actor, note: note, now: now)
        try pool.write { db in
            try db.run("UPDATE asset SET status = 'inStock', updatedAt = ? WHERE id = ?", arguments: [Timestamp.text(now), id])
        }
    }

    /// The password hash an onboarding made for its account's one-time password.
    public func provisioningPasswordHash(id: Int64) throws -> String? {
        try pool.read { db in try String.fetchOne(cached: db, sql: "SELECT passwordHash FROM provisioning WHERE id = ?", arguments: [id]) }
    }
}
