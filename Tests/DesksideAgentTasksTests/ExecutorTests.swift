import DesksideAgentTasks
import DesksideTasks
import DesksideTestSupport
import Foundation
import Testing

/// The executors, for real, on throwaway roots: shadow's tools with `--root`, dpkg and apt on a
/// root of their own with a local repository. Nothing outside the root changes.
@Suite(.serialized) struct ExecutorTests {
    let directory: String
    let root: TaskRoot
    let executor: TaskExecutor

    init() throws {
        directory = try Fixtures.temporaryDirectory()
        root = try TaskRoot(in: directory)
        executor = TaskExecutor(settings: TaskSettings(allowed: Set(TaskKind.allCases), root: root.path, memoryLimitBytes: 1 << 30),
                                scratchDirectory: directory)
    }

    func run(_ spec: TaskSpec, timeout: Int = 120) -> TaskResult {
        let envelope = TaskEnvelope(taskID: UUID().uuidString, agentID: "a", spec: spec, issuedAt: Date(), expiresAt: Date().addingTimeInterval(60),
                                    nonce: "n", timeoutSeconds: timeout)
        return executor.run(envelope) { "refreshed" }
    }

    @Test func accountLifecycle() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let hash = "$y$j9T$abcdefghijklmnopqrstu.$0123456789012345678901234567890123456789012"
        let create = TaskSpec.accountCreate(AccountCreate(username: "jdupont", fullName: "Jean Dupont", groups: ["engineering", "users"],
                                                          password: .oneTime(hash: hash)))
        let created = run(create)
        #expect(created.status == .succeeded, "\(created.summary)\n\(created.stderrTail)")
        #expect(created.changed)
        #expect(created.summary.contains("created group engineering"))
        #expect(root.line("/etc/passwd", "jdupont")?.contains(":Jean Dupont:/home/jdupont:/bin/bash") == true)
        #expect(root.line("/etc/group", "engineering")?.hasSuffix(":jdupont") == true)
        // The hash went through standard input; the password must be changed at first sign-in (last change 0).
        #expect(root.line("/etc/shadow", "jdupont")?.hasPrefix("jdupont:\(hash):0:") == true)
        #expect(!created.stdoutTail.contains(hash))
        #expect(FileManager.default.fileExists(atPath: root.path + "/home/jdupont"))
        // This machine's own accounts are untouched.
        #expect(!((try? String(contentsOfFile: "/etc/passwd", encoding: .utf8)) ?? "").contains("jdupont:"))

        let again = run(create)
        #expect(again.status == .succeeded)
        #expect(!again.changed)
        #expect(again.summary == "user jdupont already exists with groups engineering, users")

        let locked = run(.accountLock(AccountLock(username: "jdupont")))
        #expect(locked.status == .succeeded && locked.changed, "\(locked.summary)\n\(locked.stderrTail)")
        #expect(root.line("/etc/shadow", "jdupont")?.hasPrefix("jdupont:!") == true)
        let lockedAgain = run(.accountLock(AccountLock(username: "jdupont")))
        #expect(lockedAgain.status == .succeeded && !lockedAgain.changed, "\(lockedAgain.summary)")

        let regrouped = run(.accountGroups(AccountGroups(username: "jdupont", groups: [])))
        #expect(regrouped.status == .succeeded && regrouped.changed)
        #expect(regrouped.summary.contains("removed from engineering, users"))
        #expect(root.line("/etc/group", "engineering")?.hasSuffix(":") == true)

        let absent = run(.accountGroups(AccountGroups(username: "nobody-here", groups: [])))
        #expect(absent.status == .failed)
    }

    @Test func packagesWithAptOnALocalRepository() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let installed = run(.packagesInstall(PackageList(packages: ["deskside-hello"])))
        #expect(installed.status == .succeeded, "\(installed.summary)\n\(installed.stdoutTail)\n\(installed.stderrTail)")
        #expect(installed.summary == "installed deskside-hello")
        #expect(root.isInstalled("deskside-hello"))
        #expect(FileManager.default.fileExists(atPath: root.path + TaskRoot.helloFile))
        #expect(installed.stdoutTail.contains("$ apt-get"))

        let again = run(.packagesInstall(PackageList(packages: ["deskside-hello"])))
        #expect(again.status == .succeeded && !again.changed)
        #expect(again.summary == "already installed: deskside-hello")

        let unknown = run(.packagesInstall(PackageList(packages: ["deskside-no-such-package"])))
        #expect(unknown.status == .failed)
        #expect(unknown.exitCode == 100)
        #expect(unknown.stderrTail.contains("Unable to locate package deskside-no-such-package"))

        let removed = run(.packagesRemove(PackageList(packages: ["deskside-hello"])))
        #expect(removed.status == .succeeded && removed.changed, "\(removed.stderrTail)")
        #expect(!root.isInstalled("deskside-hello"))
        let removedAgain = run(.packagesRemove(PackageList(packages: ["deskside-hello"])))
        #expect(removedAgain.status == .succeeded && !removedAgain.changed)
    }

    @Test func hostname() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "127.0.0.1\tlocalhost\n".write(toFile: root.path + "/etc/hosts", atomically: true, encoding: .utf8)
        let changed = run(.hostnameSet(HostnameSet(hostname: "lap-0042.corp.example")))
        #expect(changed.status == .succeeded && changed.changed)
        #expect(try String(contentsOfFile: root.path + "/etc/hostname", encoding: .utf8) == "lap-0042.corp.example\n")
        #expect(try String(contentsOfFile: root.path + "/etc/hosts", encoding: .utf8) == "127.0.0.1\tlocalhost\n127.0.1.1\tlap-0042.corp.example lap-0042\n")
        #expect(!run(.hostnameSet(HostnameSet(hostname: "lap-0042.corp.example"))).changed)
        // A reboot never happens from a task root.
        #expect(run(.reboot(Reboot())).status == .failed)
    }

    /// SECURITY-TESTS 34: a task that never ends is killed at its limit, with what it started.
    @Test func aTaskThatNeverEndsTimesOut() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let started = Date()
        let result = run(.scriptRun(ScriptRun(name: "forever", body: "#!/bin/sh\necho started\nwhile true; do sleep 1000 & sleep 0.1; done\n")), timeout: 2)
        #expect(result.status == .timedOut)
        #expect(result.stdoutTail.hasSuffix("started\n"))
        #expect(Date().timeIntervalSince(started) < 30)
        let survivors = try Fixtures.run(Fixtures.which("pgrep")!, ["-f", "^sleep 1000$"])
        #expect(survivors.stdout.isEmpty)
    }

    /// 100 MB of output: the result keeps the last 10,000 characters.
    @Test func hugeOutputIsCut() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = run(.scriptRun(ScriptRun(name: "noisy", body: "#!/bin/sh\nhead -c 104857600 /dev/zero | tr '\\0' 'y'\necho \"root was $DESKSIDE_TASK_ROOT\" >&2\necho done\n")))
        #expect(result.status == .succeeded)
        #expect(result.stdoutTail.count == TaskResult.outputTailLimit)
        let endsRight = result.stdoutTail.hasSuffix("yyyydone\n")
        #expect(endsRight)
        #expect(result.stderrTail == "root was \(root.path)\n")
    }

    /// A program that eats memory meets the limit; the task fails, the agent goes on.
    @Test func memoryHungryScript() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = run(.scriptRun(ScriptRun(name: "hungry", body: "#!/usr/bin/python3\nx = bytearray(8 * 1024 * 1024 * 1024)\n")))
        #expect(result.status == .failed)
        #expect(result.stderrTail.contains("MemoryError"))
    }
}
