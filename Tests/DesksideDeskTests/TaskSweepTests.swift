import DesksideDesk
import DesksideHelpdesk
import DesksideInventory
import DesksideJSON
import DesksideProbes
import DesksideProvisioning
import DesksideStoreSQLite
import DesksideTasks
import DesksideTestSupport
import Foundation
import Testing

/// The help-desk clock ends tasks no agent will answer: queued ones past their expiry (the machine
/// never came), sent ones past their time limit and an hour's grace (the machine went away with the
/// task). A run waiting on one goes on as on any failure; a late result is still recorded.
@Suite struct TaskSweepTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    final class World: Sendable {
        let directory: String
        let store: CollectorStore
        let desk: Desk
        let clock = TestClock(TaskSweepTests.start)
        let asset: Int64
        let staff: Principal

        init() async throws {
            directory = try Fixtures.temporaryDirectory()
            store = try CollectorStore(path: directory + "/deskside.sqlite")
            let dispatch = TaskDispatch(signer: TaskSigner.generate().signer)
            let clock = self.clock
            desk = Desk(store: store, passwordCost: 4, tasks: dispatch, clock: { clock.now })
            let account = try await desk.createAccount(.system, .init(username: "tess", name: "Tess", role: .technician, tier: 1), password: "correct horse tess")
            staff = Principal(role: .technician, accountID: account.id, tier: 1, actor: "tess")
            let collected = InventoryProbe(.init(root: SystemRoot(Fixtures.system("laptop")), now: { TaskSweepTests.start })).collect()
            let inventory = try JSONCoder.decode(Inventory.self, from: JSONCoder.encode(collected))
            try store.registerAgent(uuid: "agent-1", certificateFingerprint: "SHA256:01", at: TaskSweepTests.start)
            guard case .stored(let asset, _) = try store.record(agentUUID: "agent-1", reportID: "r", sequence: 1, kind: .full,
                                                                 inventory: inventory, faults: [], receivedAt: TaskSweepTests.start) else {
                throw CancellationError()
            }
            self.asset = asset
        }

        func at(_ seconds: Double) { clock.at(seconds) }
        func task(_ id: Int64) throws -> CollectorStore.TaskRecord { try desk.task(staff, id: id) }
        func result(_ task: CollectorStore.TaskRecord, _ status: TaskResult.Status) throws -> CollectorStore.TaskRecord? {
            try store.finishTask(agentUUID: "agent-1", result: TaskResult(taskID: task.uuid, status: status, summary: "inventory sent", finishedAt: Date()),
                                 receivedAt: clock.now)
        }
        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test func aSentTaskWithoutResultBecomesUnknownAfterItsLimitAndGraceAndTakesALateResult() async throws {
        let world = try await World()
        defer { world.remove() }
        let queued = try world.desk.runTask(world.staff, .init(kind: .inventoryRefresh, assetIds: [world.asset], timeoutSeconds: 300)).tasks[0]
        _ = try world.store.takeNextTask(agentUUID: "agent-1", now: Self.start)
        world.at(300 + TaskDeadline.grace)
        #expect(try world.desk.sweep().tasks == 0)
        #expect(try world.task(queued.id).state == .sent)

        world.at(300 + TaskDeadline.grace + 61)
        #expect(try world.desk.sweep().tasks == 1)
        let overdue = try world.task(queued.id)
        #expect(overdue.state == .unknown)
        #expect(overdue.overdueAt != nil)
        #expect(overdue.summary == TaskDeadline.overdueSummary)
        #expect(try world.desk.sweep().tasks == 0, "an ended task is not ended again")

        // The agent comes back with the result it kept: the register says what happened.
        #expect(try world.result(queued, .succeeded)?.state == .succeeded)
        #expect(try world.task(queued.id).summary == "inventory sent")
        #expect(try world.result(queued, .failed) == nil, "a finished task never changes again")
        #expect(try world.task(queued.id).state == .succeeded)
    }

    @Test func aQueuedTaskForAMachineThatNeverCameExpires() async throws {
        let world = try await World()
        defer { world.remove() }
        let queued = try world.desk.runTask(world.staff, .init(kind: .inventoryRefresh, assetIds: [world.asset], expiresInMinutes: 5)).tasks[0]
        world.at(299)
        #expect(try world.desk.sweep().tasks == 0)
        world.at(300)
        #expect(try world.desk.sweep().tasks == 1)
        #expect(try world.task(queued.id).state == .expired)
        #expect(try world.store.takeNextTask(agentUUID: "agent-1", now: Self.start.addingTimeInterval(301)) == nil)
        #expect(try world.result(queued, .succeeded) == nil, "an expired task was never sent and takes no result")
    }

    /// The overdue step is retried with a new task; the old task's late result is recorded on the
    /// old task and does not move the run, which waits for the retry's.
    @Test func anOnboardingStepWhoseMachineWentAwayIsRetriedAndALateResultDoesNotMoveTheRun() async throws {
        let world = try await World()
        defer { world.remove() }
        let admin = Principal(role: .admin, accountID: nil, tier: nil, actor: "root")
        _ = try world.desk.saveTemplate(admin, Template(name: "laptop", steps: [
            .init(name: "Refresh", kind: .inventoryRefresh, retries: 1, timeoutSeconds: 60),
            .init(name: "Refresh again", kind: .inventoryRefresh, retries: 0, timeoutSeconds: 60),
        ]), .create)
        let started = try world.desk.startOnboarding(world.staff, .init(account: "jdoe", name: "Jane Doe", template: "laptop", assetId: world.asset))
        let runID = started.onboarding.runs[0].id
        let first = try #require(world.desk.run(world.staff, id: runID).steps[0].taskId)
        _ = try world.store.takeNextTask(agentUUID: "agent-1", now: Self.start)

        world.at(60 + TaskDeadline.grace + 1)
        #expect(try world.desk.sweep().tasks == 1)
        var run = try world.desk.run(world.staff, id: runID)
        #expect(run.state == .running)
        #expect(run.steps[0].attempts == 2)
        let retry = try #require(run.steps[0].taskId)
        #expect(retry != first)
        #expect(try world.task(retry).state == .queued)

        #expect(try world.result(world.task(first), .succeeded)?.state == .succeeded)
        try world.desk.taskFinished(world.task(first))
        run = try world.desk.run(world.staff, id: runID)
        #expect(run.steps[0].state == .running, "the late result of the first attempt does not finish the step")
        #expect(run.steps[1].taskId == nil)

        _ = try world.store.takeNextTask(agentUUID: "agent-1", now: Self.start.addingTimeInterval(3_700))
        let done = try #require(try world.result(world.task(retry), .succeeded))
        try world.desk.taskFinished(done)
        run = try world.desk.run(world.staff, id: runID)
        #expect(run.steps[0].state == .succeeded)
        #expect(run.steps[1].taskId != nil)
    }
}
