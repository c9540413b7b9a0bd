#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideHelpdesk
public import DesksideJSON
public import DesksideProvisioning
public import DesksideTasks
public import GRDB

/// Tasks as rows: queued by the service layer (already signed), handed to the agent server one at a
/// time per agent, in order, and finished by the agent's result. The store decides nothing about
/// what a task may do; it keeps the states consistent (a finished task never changes again).
extension CollectorStore {
    /// A task's state (the rule that maps an agent's result to it is the domain's).
    public typealias TaskState = DesksideProvisioning.TaskState

    /// A task as staff see it.
    public struct TaskRecord: Codable, Sendable, Equatable, FetchableRecord {
        public var id: Int64
        public var uuid: String
        public var assetId: Int64?
        public var hostname: String?
        public var agentID: String
        public var kind: String
        /// Shown without secrets: password hashes are replaced by `(hidden)`.
        public var parameters: JSONValue
        public var timeoutSeconds: Int
        public var state: TaskState
        public var requestedBy: String
        public var createdAt: String
        public var expiresAt: String
        public var sentAt: String?
        public var startedAt: String?
        public var finishedAt: String?
        public var exitCode: Int?
        public var summary: String?
        public var refusal: String?
        public var changed: Bool?
        /// When the collector stopped waiting for the result (the task became `unknown`); a result
        /// that comes later still finishes the task.
        public var overdueAt: String?
        public var stdoutTail: String?
        public var stderrTail: String?

        public init(row: Row) throws {
            id = row["id"]
            uuid = row["uuid"]
            assetId = row["assetId"]
            hostname = row["hostname"]
            agentID = row["agentUUID"]
            kind = row["kind"]
            let text: String = row["parameters"]
            parameters = (try? JSONParser.parse(Array(text.utf8))) ?? .object([])
            timeoutSeconds = row["timeoutSeconds"]
            guard let state = TaskState(rawValue: row["state"]) else {
                throw DatabaseError(message: "task \(id) has an unknown state")
            }
            self.state = state
            requestedBy = row["requestedBy"]
            createdAt = row["createdAt"]
            expiresAt = row["expiresAt"]
            sentAt = row["sentAt"]
            startedAt = row["startedAt"]
            finishedAt = row["finishedAt"]
            exitCode = row["exitCode"]
            summary = row["summary"]
            refusal = row["refusal"]
            changed = row["changed"]
            overdueAt = row["overdueAt"]
            stdoutTail = row["stdoutTail"]
            stderrTail = row["stderrTail"]
        }
    }

    static let taskSelect = """
        SELECT task.*, agent.uuid AS agentUUID, asset.hostname AS hostname FROM task
        JOIN agent ON agent.id = task.agentId LEFT JOIN asset ON asset.id = task.assetId
        """

    /// A task to queue, signed by the service layer.
    public struct NewTask: Sendable {
        public var signed: SignedTask
        public var agentUUID: String
        public var assetID: Int64?
        public var kind: TaskKind
        /// The parameters as staff may see them (no secrets).
        public var shownParameters: JSONValue
        public var timeoutSeconds: Int
        public var requestedBy: String
        public var createdAt: Date
        public var expiresAt: Date

        public init(signed: SignedTask, agentUUID: String, assetID: Int64?, kind: TaskKind, shownParameters: JSONValue, timeoutSeconds: Int,
                    requestedBy: String, createdAt: Date, expiresAt: Date) {
            self.signed = signed
            self.agentUUID = agentUUID
            self.assetID = assetID
            self.kind = kind
            self.shownParameters = shownParameters
            self.timeoutSeconds = timeoutSeconds
            self.requestedBy = requestedBy
            self.createdAt = createdAt
            self.expiresAt = expiresAt
        }
    }

    /// The agent that reports for an asset, when it has one and it is not revoked.
    public func agentUUID(assetID: Int64) throws -> String? {
        try pool.read { db in
            try String.fetchOne(cached: db, sql: "SELECT agent.uuid FROM asset JOIN agent ON agent.id = asset.agentId WHERE asset.id = ? AND agent.revokedAt IS NULL",
                                arguments: [assetID])
        }
    }

    @discardableResult
    public func queueTasks(_ tasks: [NewTask]) throws -> [TaskRecord] {
        try pool.write { db in
            try tasks.map { task in
                try db.run("""
                    INSERT INTO task (uuid, agentId, assetId, kind, parameters, payload, signature, timeoutSeconds, state, requestedBy, createdAt, expiresAt)
                    VALUES (?, (SELECT id FROM agent WHERE uuid = ?), ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)
                    """, arguments: [task.signed.taskID, task.agentUUID, task.assetID, task.kind.rawValue,
                                     String(decoding: JSONSerializer.serialize(task.shownParameters), as: UTF8.self),
                                     task.signed.payload, task.signed.signature, task.timeoutSeconds, task.requestedBy,
                                     Timestamp.text(task.createdAt), Timestamp.text(task.expiresAt)])
                return try TaskRecord.fetchOne(cached: db, sql: Self.taskSelect + " WHERE task.id = ?", arguments: [db.lastInsertedRowID])!
            }
        }
    }

    /// The next task for the agent, marked sent: one sent before and not finished (the connection
    /// ended before its result came) goes again, else the oldest queued. Queued tasks whose time is
    /// up become `expired` on the way.
    public func takeNextTask(agentUUID: String, now: Date) throws -> SignedTask? {
        try pool.write { db in
            guard let agent = try Int64.fetchOne(cached: db, sql: "SELECT id FROM agent WHERE uuid = ? AND revokedAt IS NULL", arguments: [agentUUID]) else { return nil }
            let time = Timestamp.text(now)
            try db.run("UPDATE task SET state = 'expired', finishedAt = ?, summary = ? WHERE agentId = ? AND state = 'queued' AND expiresAt <= ?",
                       arguments: [time, Self.expiredSummary, agent, time])
            guard let row = try Row.fetchOne(cached: db, sql: """
                SELECT id, uuid, payload, signature FROM task WHERE agentId = ? AND state IN ('queued', 'sent')
                ORDER BY CASE state WHEN 'sent' THEN 0 ELSE 1 END, id LIMIT 1
                """, arguments: [agent]) else { return nil }
            try db.run("UPDATE task SET state = 'sent', sentAt = ? WHERE id = ?", arguments: [time, row["id"] as Int64])
            return SignedTask(taskID: row["uuid"], payload: row["payload"], signature: row["signature"])
        }
    }

    /// Whether the agent has a task open (queued or sent).
    public func hasOpenTask(agentUUID: String) throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(cached: db, sql: """
                SELECT EXISTS (SELECT 1 FROM task JOIN agent ON agent.id = task.agentId WHERE agent.uuid = ? AND task.state IN ('queued', 'sent'))
                """, arguments: [agentUUID]) ?? false
        }
    }

    static let expiredSummary = "expired before the agent could receive it"

    /// Queued tasks whose time ran out, for agents that never came to take them: `expired`.
    public func expireQueuedTasks(now: Date) throws -> [TaskRecord] {
        try pool.write { db in
            let time = Timestamp.text(now)
            let ids = try Int64.fetchAll(cached: db, sql: "SELECT id FROM task WHERE state = 'queued' AND expiresAt <= ?", arguments: [time])
            guard !ids.isEmpty else { return [] }
            try db.execute(literal: "UPDATE task SET state = 'expired', finishedAt = \(time), summary = \(Self.expiredSummary) WHERE id IN \(ids)")
            return try TaskRecord.fetchAll(db, SQLRequest(literal: SQL(sql: Self.taskSelect) + " WHERE task.id IN \(ids) ORDER BY task.id"))
        }
    }

    /// The tasks sent and waiting for their result: when, and the agent's time limit.
    public func sentTasks() throws -> [(id: Int64, sentAt: Date, timeoutSeconds: Int)] {
        try pool.read { db in
            try Row.fetchAll(cached: db, sql: "SELECT id, sentAt, timeoutSeconds FROM task WHERE state = 'sent'").compactMap { row in
                guard let sent = ISO8601.parse(row["sentAt"] ?? "") else { return nil }
                return (row["id"], Date(timeIntervalSince1970: sent), row["timeoutSeconds"])
            }
        }
    }

    /// Sent tasks the collector stops waiting for (the domain's `TaskDeadline` chose them): `unknown`,
    /// with `summary`; those whose result came in the meantime are left as they are.
    public func markTasksOverdue(ids: [Int64], summary: String, now: Date) throws -> [TaskRecord] {
        guard !ids.isEmpty else { return [] }
        return try pool.write { db in
            let time = Timestamp.text(now)
            var marked: [Int64] = []
            for id in ids {
                try db.run("UPDATE task SET state = 'unknown', overdueAt = ?, finishedAt = ?, summary = ? WHERE id = ? AND state = 'sent'",
                               arguments: [time, time, summary, id])
                if db.changesCount == 1 { marked.append(id) }
            }
            guard !marked.isEmpty else { return [] }
            return try TaskRecord.fetchAll(db, SQLRequest(literal: SQL(sql: Self.taskSelect) + " WHERE task.id IN \(marked) ORDER BY task.id"))
        }
    }

    /// Records the agent's result for one of its open tasks, or for one the collector stopped
    /// waiting for (overdue); `nil` otherwise (a result sent again after its acknowledgement was
    /// lost, or a task of another agent).
    public func finishTask(agentUUID: String, result: TaskResult, receivedAt: Date) throws -> TaskRecord? {
        try pool.write { db in
            let state = TaskState(result)
            try db.run("""
                UPDATE task SET state = ?, finishedAt = ?, startedAt = ?, exitCode = ?, summary = ?, refusal = ?, changed = ?, stdoutTail = ?, stderrTail = ?
                WHERE uuid = ? AND (state IN ('queued', 'sent') OR (state = 'unknown' AND overdueAt IS NOT NULL))
                AND agentId = (SELECT id FROM agent WHERE uuid = ?)
                """, arguments: [state.rawValue, Timestamp.text(receivedAt), result.startedAt.map { Timestamp.text($0) }, result.exitCode.map { Int($0) },
                                 String(result.summary.prefix(2000)), result.refusal?.rawValue, result.changed,
                                 TaskResult.tail(result.stdoutTail), TaskResult.tail(result.stderrTail), result.taskID, agentUUID])
            guard db.changesCount == 1 else { return nil }
            let record = try TaskRecord.fetchOne(cached: db, sql: Self.taskSelect + " WHERE task.uuid = ?", arguments: [result.taskID])
            if let record {
                try Outbox(db).webhookNotice(.taskFinished, actor: Principal.system.actor, assetID: record.assetId, text: record.summary,
                                             details: ["task": "\(record.id)", "kind": record.kind, "state": record.state.rawValue], at: Timestamp.text(receivedAt))
            }
            return record
        }
    }

    public struct TaskQuery: Sendable {
        public var assetID: Int64?
        public var state: TaskState?
        public var open: Bool?
        public var limit = 50
        public var offset = 0
        public init() {}
    }

    public func tasks(matching query: TaskQuery) throws -> (items: [TaskRecord], total: Int) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let asset = query.assetID {
            conditions.append("task.assetId = ?")
            _ = arguments.append(contentsOf: [asset])
        }
        if let state = query.state {
            conditions.append("task.state = ?")
            _ = arguments.append(contentsOf: [state.rawValue])
        }
        if let open = query.open { conditions.append(open ? "task.state IN ('queued', 'sent')" : "task.state NOT IN ('queued', 'sent')") }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try pool.read { db in
            let total = try Int.fetchOne(cached: db, sql: "SELECT count(*) FROM task" + filter, arguments: arguments) ?? 0
            let items = try TaskRecord.fetchAll(cached: db, sql: Self.taskSelect + filter + " ORDER BY task.id DESC LIMIT ? OFFSET ?",
                                                arguments: arguments + [query.limit, query.offset])
            return (items, total)
        }
    }

    public func task(id: Int64) throws -> TaskRecord? {
        try pool.read { db in try TaskRecord.fetchOne(cached: db, sql: Self.taskSelect + " WHERE task.id = ?", arguments: [id]) }
    }

    /// Cancels a queued task; `false` when it is not queued (sent ones run to their end).
    public func cancelTask(id: Int64, actor: String, now: Date) throws -> Bool {
        try pool.write { db in
            try db.run("UPDATE task SET state = 'cancelled', finishedAt = ?, summary = ? WHERE id = ? AND state = 'queued'",
                           arguments: [Timestamp.text(now), "cancelled by \(actor)", id])
            return db.changesCount == 1
        }
    }
}
