#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import DesksideProbes
import DesksideTasks

/// One task's programs: each run with the time left of the task's limit, the fixed environment,
/// and its outputs added to the task's (the command line first, so that the result reads like a
/// terminal). Secrets go to standard input and are never logged.
final class TaskSession {
    let settings: TaskSettings
    private let deadline: Double
    private(set) var standardOutput = ""
    private(set) var standardError = ""
    private(set) var lastExitCode: Int32?

    static let environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "DEBIAN_FRONTEND=noninteractive",
                              "APT_LISTCHANGES_FRONTEND=none", "NEEDRESTART_MODE=a", "HOME=/root"]

    init(settings: TaskSettings, timeoutSeconds: Int) {
        self.settings = settings
        deadline = ChildProcess.monotonicSeconds() + Double(timeoutSeconds)
    }

    enum Stop: Error {
        case timedOut(String)
        case failed(String)
    }

    /// The program's path on this machine (the tools run from the host, on the task root's files).
    static func find(_ program: String) -> String? {
        for directory in ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] where access(directory + "/" + program, X_OK) == 0 {
            return directory + "/" + program
        }
        return nil
    }

    /// Runs `program` (a name looked up on this machine, or an absolute path); a non-zero exit is
    /// thrown as a failure when `check` is set, and returned otherwise.
    @discardableResult
    func run(_ program: String, _ arguments: [String], input: [UInt8]? = nil, environment extra: [String] = [],
             check: Bool = true) throws(Stop) -> ChildProcess.Outcome {
        guard let path = program.hasPrefix("/") ? program : Self.find(program) else { throw .failed("\(program) is not installed on this machine") }
        let remaining = deadline - ChildProcess.monotonicSeconds()
        guard remaining > 0 else { throw .timedOut("the task's time limit was reached before \(program) ran") }
        note("$ " + ([program] + arguments).map(Self.quoted).joined(separator: " ") + (input == nil ? "" : " < (standard input)"))
        let outcome: ChildProcess.Outcome
        do throws(ChildProcess.LaunchError) {
            outcome = try ChildProcess.run(.init(executable: path, arguments: arguments, environment: Self.environment + extra, standardInput: input,
                                                 timeoutSeconds: remaining, outputLimit: TaskResult.outputTailLimit * 4,
                                                 memoryLimitBytes: settings.memoryLimitBytes))
        } catch {
            throw .failed("\(program) could not be started (errno \(error.errno))")
        }
        standardOutput = TaskResult.tail(standardOutput + String(decoding: outcome.standardOutput, as: UTF8.self))
        standardError = TaskResult.tail(standardError + String(decoding: outcome.standardError, as: UTF8.self))
        lastExitCode = outcome.status
        if outcome.timedOut { throw .timedOut("\(program) was still running at the task's time limit; its process group was killed") }
        if check, outcome.status != 0 {
            let how = outcome.status.map { "exited with status \($0)" } ?? "was killed by signal \(outcome.signal ?? 0)"
            throw .failed("\(program) \(how)")
        }
        return outcome
    }

    /// A line in the task's output that is not a program's.
    func note(_ line: String) {
        standardOutput = TaskResult.tail(standardOutput + line + "\n")
    }

    /// An argument as a reader would type it (the programs never see this: no shell is involved).
    static func quoted(_ argument: String) -> String {
        let plain = argument.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_./:=,+@%".unicodeScalars.contains($0) }
        if plain && !argument.isEmpty { return argument }
        return "'" + argument.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// `--root DIR` style options for tools run on a task root; none on the live system.
    func rootOption(_ option: String = "--root") -> [String] {
        settings.isLiveSystem ? [] : [option, settings.root]
    }

    /// A path inside the task root.
    func hostPath(_ path: String) -> String {
        settings.isLiveSystem ? path : settings.root + path
    }
}

/// What a task did, in one line, and whether the machine changed.
struct TaskDone {
    var summary: String
    var changed: Bool
}
