import DesksideProvisioning
import DesksideTasks
import Foundation
import Testing

/// How an agent's result becomes the collector's task state.
@Suite struct TaskStateTests {
    @Test(arguments: [
        (TaskResult.Status.succeeded, TaskRefusal.Code?.none, TaskState.succeeded),
        (.failed, nil, .failed),
        (.timedOut, nil, .timedOut),
        (.refused, .badSignature, .refused),
        (.refused, .expired, .expired),
        (.interrupted, nil, .unknown),
    ])
    func resultToState(status: TaskResult.Status, refusal: TaskRefusal.Code?, expected: TaskState) {
        let result = TaskResult(taskID: "t", status: status, refusal: refusal, summary: "", finishedAt: Date())
        #expect(TaskState(result) == expected)
        #expect(!expected.isOpen)
    }
}
