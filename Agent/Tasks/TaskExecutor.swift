#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import DesksideTasks

/// Runs one accepted task to its result. Blocking: the agent calls it off its event loop.
public struct TaskExecutor: Sendable {
    public let settings: TaskSettings
    /// Owner-only directory for scripts while they run.
    public let scratchDirectory: String

    public init(settings: TaskSettings, scratchDirectory: String) {
        self.settings = settings
        self.scratchDirectory = scratchDirectory
    }

    /// `inventory.refresh` is the agent's own work (a full report); the caller does it and says
    /// what it did in `refreshed`.
    public func run(_ envelope: TaskEnvelope, refreshInventory: () throws -> String) -> TaskResult {
        let startedAt = Date()
        let session = TaskSession(settings: settings, timeoutSeconds: envelope.timeoutSeconds)
        let accounts = AccountTasks(session: session), packages = PackageTasks(session: session)
        let system = SystemTasks(session: session, scratchDirectory: scratchDirectory)
        func result(_ status: TaskResult.Status, _ summary: String, changed: Bool) -> TaskResult {
            TaskResult(taskID: envelope.taskID, status: status, summary: summary, changed: changed, exitCode: session.lastExitCode,
                       startedAt: startedAt, finishedAt: Date(), stdoutTail: session.standardOutput, stderrTail: session.standardError)
        }
        do throws(TaskSession.Stop) {
            let done: TaskDone
            switch envelope.spec {
            case .accountCreate(let account): done = try accounts.create(account)
            case .accountLock(let lock): done = try accounts.lock(lock)
            case .accountGroups(let change): done = try accounts.setGroups(change)
            case .packagesInstall(let list): done = try packages.install(list)
            case .packagesRemove(let list): done = try packages.remove(list)
            case .updatesApply(let request): done = try packages.applyUpdates(request)
            case .hostnameSet(let change): done = try system.setHostname(change)
            case .reboot(let reboot): done = try system.reboot(reboot)
            case .scriptRun(let script): done = try system.runScript(script, taskID: envelope.taskID)
            case .inventoryRefresh:
                do { done = TaskDone(summary: try refreshInventory(), changed: false) } catch { throw .failed("the inventory could not be taken: \(error)") }
            }
            return result(.succeeded, done.summary, changed: done.changed)
        } catch {
            switch error {
            case .timedOut(let reason): return result(.timedOut, reason, changed: false)
            case .failed(let reason): return result(.failed, reason, changed: false)
            }
        }
    }
}
