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

/// The task runner's side of `ChildProcess` (SECURITY-TESTS 34).
@Suite struct ChildProcessInvocationTests {
    let sh = Fixtures.which("sh")!
    let environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"]

    func run(_ script: String, input: [UInt8]? = nil, timeout: Double = 10, limit: Int = 10_000, memory: UInt64? = nil) throws -> ChildProcess.Outcome {
        try ChildProcess.run(.init(executable: sh, arguments: ["-c", script], environment: environment, standardInput: input,
                                   timeoutSeconds: timeout, outputLimit: limit, memoryLimitBytes: memory))
    }

    /// A secret goes in on standard input, so it is in no process's arguments or environment.
    @Test func standardInputAndBothStreams() throws {
        let outcome = try run("read secret; echo \"got ${#secret} characters\"; echo warning >&2; env | grep -c SECRET; exit 3",
                              input: Array("hunter2-password\n".utf8))
        #expect(outcome.status == 3)
        #expect(String(decoding: outcome.standardOutput, as: UTF8.self) == "got 16 characters\n0\n")
        #expect(String(decoding: outcome.standardError, as: UTF8.self) == "warning\n")
    }

    /// 100 MB of output: the last part is kept, the rest is counted and dropped.
    @Test func hugeOutputKeepsTheTail() throws {
        let outcome = try run("head -c 104857600 /dev/zero | tr '\\0' 'x'; echo END", timeout: 120, limit: 10_000)
        #expect(outcome.status == 0)
        #expect(outcome.standardOutputBytes == 104_857_604)
        #expect(outcome.standardOutput.count == 10_000)
        #expect(String(decoding: outcome.standardOutput.suffix(4), as: UTF8.self) == "END\n")
    }

    /// A task that forks children and never ends: at the limit the whole group is killed.
    @Test func foreverForkingGroupIsKilledWhole() throws {
        let outcome = try run("while true; do sleep 1000 & sleep 0.05; done", timeout: 1)
        #expect(outcome.timedOut)
        #expect(outcome.status == nil)
        // No process of the group is left (the `sleep 1000`s included).
        let survivors = try ChildProcess.run(Fixtures.which("pgrep")!, ["-f", "^sleep 1000$"], timeoutSeconds: 5, outputLimit: 1000)
        #expect(survivors.output.isEmpty)
    }

    /// What a program leaves running in its group after it exits is killed too.
    @Test func leftoversAreKilledAfterExit() throws {
        let outcome = try run("sleep 999 & echo started", timeout: 10)
        #expect(outcome.status == 0)
        #expect(outcome.seconds < 9)
        let survivors = try ChildProcess.run(Fixtures.which("pgrep")!, ["-f", "^sleep 999$"], timeoutSeconds: 5, outputLimit: 1000)
        #expect(survivors.output.isEmpty)
    }

    /// A program that eats memory meets its address-space limit and fails; the agent is untouched.
    @Test func memoryLimit() throws {
        let python = try #require(Fixtures.which("python3"))
        let outcome = try ChildProcess.run(.init(executable: python, arguments: ["-c", "x = bytearray(2 * 1024 * 1024 * 1024)"], environment: environment,
                                                 timeoutSeconds: 30, outputLimit: 10_000, memoryLimitBytes: 256 << 20))
        #expect(outcome.status != 0)
        #expect(String(decoding: outcome.standardError, as: UTF8.self).contains("MemoryError"))
    }

    @Test func fixedEnvironment() throws {
        let outcome = try run("echo \"$LANG|$HOME\"")
        #expect(String(decoding: outcome.standardOutput, as: UTF8.self) == "C.UTF-8|\n")
    }
}
