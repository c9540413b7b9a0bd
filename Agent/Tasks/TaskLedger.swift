#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import DesksideFiles
import DesksideJSON
public import DesksideTasks

/// What the agent remembers of tasks, on disk in `<state>/tasks/`, so that a restart changes nothing:
///
/// - `ran`: one line per task it accepted (`id expires`), written and synced *before* the task runs,
///   so that a replayed task is refused, also after a restart, and a task is never run twice. Lines
///   are kept until their task has expired, after which a replay is refused as expired anyway.
/// - `running.json`: the task being run; found at start without a result, it was interrupted.
/// - `results/<id>.json`: results the collector has not acknowledged yet, sent at every connection.
public final class TaskLedger {
    public let directory: String
    private var ran: [String: Date] = [:]

    public init(stateDirectory: String) throws {
        directory = stateDirectory + "/tasks"
        try DurableFile.makeDirectory(directory)
        try DurableFile.makeDirectory(directory + "/results")
        load()
    }

    /// Task ids are file names here: the envelope's id is checked against this before it is used.
    public static func isSafeID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64 && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    public func hasRun(_ taskID: String) -> Bool { ran[taskID] != nil }

    /// Records that `envelope` is accepted and about to run; on disk before it returns.
    public func begin(_ envelope: TaskEnvelope, at now: Date) throws {
        let line = "\(envelope.taskID) \(Int64(envelope.expiresAt.timeIntervalSince1970))\n"
        try append(line, to: directory + "/ran")
        ran[envelope.taskID] = envelope.expiresAt
        let running = Running(taskID: envelope.taskID, kind: envelope.spec.kind, startedAt: now)
        try DurableFile.write(try JSONCoder.encode(running), to: directory + "/running.json")
    }

    /// Keeps `result` until the collector acknowledges it, and ends the running mark.
    public func finish(_ result: TaskResult) throws {
        if Self.isSafeID(result.taskID) {
            try DurableFile.write(try JSONCoder.encode(result), to: resultPath(result.taskID))
        }
        if let running = runningTask(), running.taskID == result.taskID { unlink(directory + "/running.json") }
    }

    public func acknowledge(_ taskID: String) {
        guard Self.isSafeID(taskID) else { return }
        unlink(resultPath(taskID))
    }

    public func result(_ taskID: String) -> TaskResult? {
        guard Self.isSafeID(taskID), let bytes = DurableFile.read(resultPath(taskID), limit: 1 << 20) else { return nil }
        return try? JSONCoder.decode(TaskResult.self, from: bytes)
    }

    /// Results not yet acknowledged, oldest first.
    public func pendingResults() -> [TaskResult] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/results")) ?? []
        return names.filter { $0.hasSuffix(".json") }.compactMap { result(String($0.dropLast(5))) }.sorted { $0.finishedAt < $1.finishedAt }
    }

    /// At start: a task marked running without a result was interrupted (a power cut, a crash, a
    /// kill); its result says so.
    @discardableResult
    public func recoverInterrupted(at now: Date) throws -> TaskResult? {
        guard let running = runningTask() else { return nil }
        if result(running.taskID) != nil {
            unlink(directory + "/running.json")
            return nil
        }
        let interrupted = TaskResult(taskID: running.taskID, status: .interrupted,
                                     summary: "the agent stopped while \(running.kind.rawValue) ran (started \(ISO8601.format(secondsSince1970: running.startedAt.timeIntervalSince1970))); whether it finished is not known, and running it again converges",
                                     startedAt: running.startedAt, finishedAt: now)
        try finish(interrupted)
        return interrupted
    }

    struct Running: Codable {
        var taskID: String
        var kind: TaskKind
        var startedAt: Date
    }

    func runningTask() -> Running? {
        DurableFile.read(directory + "/running.json", limit: 1 << 16).flatMap { try? JSONCoder.decode(Running.self, from: $0) }
    }

    private func resultPath(_ taskID: String) -> String { directory + "/results/" + taskID + ".json" }

    /// Reads `ran`, forgetting ids whose task expired more than a day ago; rewrites it when that
    /// drops many lines.
    private func load() {
        guard let bytes = DurableFile.read(directory + "/ran", limit: 64 << 20) else { return }
        let cutoff = Date().addingTimeInterval(-86_400)
        var dropped = 0
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let seconds = Int64(fields[1]) else { continue }
            let expires = Date(timeIntervalSince1970: TimeInterval(seconds))
            if expires < cutoff { dropped += 1 } else { ran[String(fields[0])] = expires }
        }
        if dropped > 1000 {
            let text = ran.map { "\($0.key) \(Int64($0.value.timeIntervalSince1970))\n" }.joined()
            try? DurableFile.write(Array(text.utf8), to: directory + "/ran")
        }
    }

    /// Appends and syncs: the line is on disk when this returns.
    private func append(_ line: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw TaskLedgerError(path: path, errno: errno) }
        defer { close(descriptor) }
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else { throw TaskLedgerError(path: path, errno: errno) }
    }
}

public struct TaskLedgerError: Error, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var description: String { "cannot write \(path): \(String(cString: strerror(errno)))" }
}
