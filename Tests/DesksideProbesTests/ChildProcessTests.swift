@testable import DesksideProbes
import DesksideInventory
import DesksideTestSupport
import Foundation
import Testing

@Suite struct ChildProcessTests {
    @Test func outputAndStatus() throws {
        let result = try ChildProcess.run(Fixtures.which("echo")!, ["hello", "; rm -rf /"], timeoutSeconds: 10, outputLimit: 1000)
        #expect(result.status == 0)
        // Arguments are passed as they are: no shell ever sees them.
        #expect(String(decoding: result.output, as: UTF8.self) == "hello ; rm -rf /\n")
    }

    @Test func hangingProgramIsKilledAtItsLimit() throws {
        let start = Date()
        let result = try ChildProcess.run(Fixtures.which("sleep")!, ["30"], timeoutSeconds: 0.3, outputLimit: 1000)
        #expect(result.timedOut)
        #expect(result.status == nil)
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func endlessOutputIsCapped() throws {
        let result = try ChildProcess.run(Fixtures.which("yes")!, [], timeoutSeconds: 0.5, outputLimit: 4096)
        #expect(result.output.count == 4096)
        #expect(result.timedOut)
    }

    /// A program that closes its output and keeps running is still held to the time limit.
    @Test func closingOutputDoesNotEscapeTheLimit() throws {
        let start = Date()
        let result = try ChildProcess.run(Fixtures.which("sh")!, ["-c", "exec >&- ; sleep 30"], timeoutSeconds: 0.5, outputLimit: 100)
        #expect(result.timedOut)
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func missingProgramIsALaunchError() {
        #expect(throws: ChildProcess.LaunchError.self) {
            _ = try ChildProcess.run("/no/such/program", [], timeoutSeconds: 1, outputLimit: 10)
        }
    }
}
