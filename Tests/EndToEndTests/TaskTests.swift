import DesksideTasks
import DesksideTestSupport
import Foundation
import Testing

/// Tasks with the real collector and agents over loopback, each agent confined to a throwaway root
/// (`--task-root`): a package installed and an account created for real, and every refusal of
/// SECURITY-TESTS 29-33 seen from the collector's side.
@Suite(.serialized) struct TaskTests {
    /// A machine: the laptop fixture for its inventory, a task root, and its running agent.
    final class Machine {
        let workspace: AgentSessionTests.Workspace
        let taskRoot: TaskRoot
        let allow: String
        var process: Process?
        var log: String { workspace.directory + "/agent.log" }

        init(allow: String = "default") throws {
            workspace = try AgentSessionTests.Workspace()
            taskRoot = try TaskRoot(in: workspace.directory + "/tasks")
            self.allow = allow
        }

        func start() throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: AgentSessionTests.agent)
            process.arguments = ["run", "--root", workspace.root, "--state", workspace.state, "--task-root", taskRoot.path, "--tasks", allow]
            FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            handle.seekToEndOfFile()
            process.standardError = handle
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            self.process = process
        }

        func stop(signal: Int32 = SIGTERM) {
            guard let process, process.isRunning else { return }
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }

        var agentID: String {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: workspace.state + "/identity/agent.json"))) ?? Data()
            return ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["agentID"] as? String ?? ""
        }

        deinit {
            stop()
            workspace.remove()
        }
    }

    static func json(_ response: (status: Int, body: Data), _ expected: Int) throws -> [String: Any] {
        try #require(response.status == expected, "\(response.status): \(String(decoding: response.body, as: UTF8.self))")
        return try AgentSessionTests.json(response.body)
    }

    /// The asset of an agent, once its first report is stored.
    static func asset(of machine: Machine, in collector: RunningCollector) throws -> Int {
        for _ in 0..<600 {
            let id = try AgentSessionTests.sql(collector.data + "/deskside.sqlite",
                                               "SELECT asset.id FROM asset JOIN agent ON agent.id = asset.agentId WHERE agent.uuid = '\(machine.agentID)'")
            if let id = Int(id) { return id }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TaskRootError.timeout("no asset for agent \(machine.agentID)")
    }

    /// Queues a task through the API; returns the tasks queued.
    static func run(_ collector: RunningCollector, _ body: String) throws -> [[String: Any]] {
        try json(collector.send("POST", "/api/v1/tasks", json: body), 201)["tasks"] as? [[String: Any]] ?? []
    }

    /// Waits until task `id` is finished; returns it.
    static func finished(_ collector: RunningCollector, _ id: Int, seconds: Double = 120) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let task = try json(collector.get("/api/v1/tasks/\(id)"), 200)
            if let state = task["state"] as? String, state != "queued", state != "sent" { return task }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TaskRootError.timeout("task \(id) did not finish")
    }

    static func sql(_ collector: RunningCollector, _ query: String) throws -> String {
        try AgentSessionTests.sql(collector.data + "/deskside.sqlite", query)
    }

    @Test func tasksRunAndEveryRefusalIsReported() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let collector = try RunningCollector(data: directory + "/data")
        defer { collector.stop() }
        let a = try Machine(), b = try Machine(allow: "none,account.create,inventory.refresh,script.run")
        for machine in [a, b] {
            try AgentSessionTests.enroll(machine.workspace, with: collector)
            try machine.start()
        }
        let assetA = try Self.asset(of: a, in: collector), assetB = try Self.asset(of: b, in: collector)

        // A package installed for real, in A's root and nowhere else.
        let install = try Self.run(collector, #"{"kind": "packages.install", "parameters": {"packages": ["deskside-hello"]}, "assetIds": [\#(assetA)]}"#)
        let installed = try Self.finished(collector, install[0]["id"] as! Int)
        #expect(installed["state"] as? String == "succeeded", "\(installed)")
        #expect(installed["summary"] as? String == "installed deskside-hello")
        #expect(FileManager.default.fileExists(atPath: a.taskRoot.path + TaskRoot.helloFile))
        #expect(!FileManager.default.fileExists(atPath: TaskRoot.helloFile))

        // An account with a one-time password made by the collector: only its hash leaves the collector.
        let account = try Self.json(collector.send("POST", "/api/v1/tasks", json: """
            {"kind": "account.create", "parameters": {"username": "jdupont", "fullName": "Jean Dupont", "groups": ["engineering"],
             "password": {"mode": "oneTime"}}, "assetIds": [\(assetA)]}
            """), 201)
        let password = try #require(account["oneTimePassword"] as? String)
        #expect(password.count == 16)
        let created = try Self.finished(collector, (account["tasks"] as! [[String: Any]])[0]["id"] as! Int)
        #expect(created["state"] as? String == "succeeded", "\(created)")
        #expect(String(describing: created["parameters"] ?? "").contains("(hidden)"))
        let shadow = try #require(a.taskRoot.line("/etc/shadow", "jdupont"))
        #expect(shadow.hasPrefix("jdupont:$y$") && shadow.contains(":0:"), "\(shadow)")
        let dump = try Fixtures.run("/usr/bin/sqlite3", [collector.data + "/deskside.sqlite", ".dump"])
        #expect(!String(decoding: dump.stdout, as: UTF8.self).contains(password))
        #expect(!collector.stderr.contains(password))

        // 33: an option smuggled in as a package name never becomes a task.
        let smuggled = try collector.send("POST", "/api/v1/tasks", json: #"{"kind": "packages.install", "parameters": {"packages": ["-o APT::Get::AllowUnauthenticated=1"]}, "assetIds": [\#(assetA)]}"#)
        #expect(smuggled.status == 400)
        #expect(String(decoding: smuggled.body, as: UTF8.self).contains("packages[0]"))
        let newline = try collector.send("POST", "/api/v1/tasks", json: #"{"kind": "account.create", "parameters": {"username": "bob\nroot"}, "assetIds": [\#(assetA)]}"#)
        #expect(newline.status == 400)
        #expect(try Self.sql(collector, "SELECT count(*) FROM task") == "2")

        // 36: a caller without the right to run tasks is refused, and the attempt is audited.
        let auditorToken = try Self.json(collector.send("POST", "/api/v1/api-tokens", json: #"{"name": "audit-bot", "role": "auditor"}"#), 201)["token"] as! String
        let refused = try collector.send("POST", "/api/v1/tasks", json: #"{"kind": "reboot", "assetIds": [\#(assetA)]}"#, token: auditorToken)
        #expect(refused.status == 403)
        #expect(try Self.sql(collector, "SELECT actor || ' ' || action || ' ' || outcome FROM auditEvent WHERE detail = 'forbidden'")
                == "token:audit-bot POST /api/v1/tasks refused")
        #expect(try Self.json(collector.get("/api/v1/tasks", token: auditorToken), 200)["total"] as? Int == 2)

        // 32: a kind outside B's allow-list, signed and all, is refused by B.
        let reboot = try Self.run(collector, #"{"kind": "hostname.set", "parameters": {"hostname": "lap-1"}, "assetIds": [\#(assetB)]}"#)
        let notAllowed = try Self.finished(collector, reboot[0]["id"] as! Int)
        #expect(notAllowed["state"] as? String == "refused")
        #expect(notAllowed["refusal"] as? String == "KIND_NOT_ALLOWED")

        // script.run: a script of the library, run only where the machine's own --tasks allows it, its
        // arguments passed as arguments (never put into its text).
        let saved = try collector.send("PUT", "/api/v1/scripts/hello", json: ##"{"description": "says hello", "body": "#!/bin/sh\necho \"hello $1 in $DESKSIDE_TASK_ROOT\"\n"}"##)
        #expect(saved.status == 200, "\(String(decoding: saved.body, as: UTF8.self))")
        let hello = #"{"kind": "script.run", "parameters": {"name": "hello", "arguments": ["world; rm -rf /"]}, "assetIds": [ASSET]}"#
        let onA = try Self.finished(collector, try Self.run(collector, hello.replacingOccurrences(of: "ASSET", with: String(assetA)))[0]["id"] as! Int)
        #expect(onA["refusal"] as? String == "KIND_NOT_ALLOWED")
        let onB = try Self.finished(collector, try Self.run(collector, hello.replacingOccurrences(of: "ASSET", with: String(assetB)))[0]["id"] as! Int)
        #expect(onB["state"] as? String == "succeeded", "\(onB)")
        #expect((onB["stdoutTail"] as? String ?? "").hasSuffix("hello world; rm -rf / in \(b.taskRoot.path)\n"))
        #expect(try collector.send("POST", "/api/v1/tasks", json: ##"{"kind": "script.run", "parameters": {"name": "hello", "body": "#!/bin/sh\nid\n"}, "assetIds": [1]}"##).status == 400)

        // A task for A, moved by hand to B in the database: B refuses it (wrong agent).
        a.stop()
        let forA = try Self.run(collector, #"{"kind": "inventory.refresh", "assetIds": [\#(assetA)]}"#)[0]["id"] as! Int
        _ = try Self.sql(collector, "UPDATE task SET agentId = (SELECT id FROM agent WHERE uuid = '\(b.agentID)'), assetId = \(assetB) WHERE id = \(forA)")
        // 29: a row written straight into the database, signed with another key.
        let forged = try TaskSigner.generate().signer.sign(TaskEnvelope(
            taskID: UUID().uuidString.lowercased(), agentID: b.agentID, spec: .accountCreate(AccountCreate(username: "mallory", groups: ["sudo"])),
            issuedAt: Date(), expiresAt: Date().addingTimeInterval(3600), nonce: "forged"))
        // 31: one signed with the collector's own key, expired (the row says otherwise, to get it sent).
        let key = try String(contentsOfFile: collector.data + "/tasks/signing-key", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let expired = try TaskSigner(rawRepresentation: Data(base64Encoded: key)!).sign(TaskEnvelope(
            taskID: UUID().uuidString.lowercased(), agentID: b.agentID, spec: .inventoryRefresh,
            issuedAt: Date().addingTimeInterval(-7200), expiresAt: Date().addingTimeInterval(-3600), nonce: "old"))
        for task in [forged, expired] {
            _ = try Self.sql(collector, """
                INSERT INTO task (uuid, agentId, assetId, kind, parameters, payload, signature, timeoutSeconds, state, requestedBy, createdAt, expiresAt)
                VALUES ('\(task.taskID)', (SELECT id FROM agent WHERE uuid = '\(b.agentID)'), \(assetB), 'inventory.refresh', '{}', '\(task.payload)',
                        '\(task.signature)', 60, 'queued', 'sqlite3', '2026-01-01T00:00:00Z', '2099-01-01T00:00:00Z')
                """)
        }
        // A task through the API wakes B's connection: the rows above go first, in order.
        let wake = try Self.run(collector, #"{"kind": "inventory.refresh", "assetIds": [\#(assetB)]}"#)[0]["id"] as! Int
        #expect(try Self.finished(collector, wake)["state"] as? String == "succeeded")
        func outcome(_ uuid: String) throws -> String { try Self.sql(collector, "SELECT state || ' ' || coalesce(refusal, '') FROM task WHERE uuid = '\(uuid)'") }
        #expect(try Self.sql(collector, "SELECT state || ' ' || refusal FROM task WHERE id = \(forA)") == "refused WRONG_AGENT")
        #expect(try outcome(forged.taskID) == "refused BAD_SIGNATURE")
        #expect(try outcome(expired.taskID) == "expired EXPIRED")
        #expect(!FileManager.default.fileExists(atPath: b.taskRoot.path + "/home/mallory"))

        // 30: a task A ran, put back in the queue by hand, after A restarted: refused as replayed.
        let installID = install[0]["id"] as! Int
        _ = try Self.sql(collector, "UPDATE task SET state = 'queued', finishedAt = NULL, summary = NULL WHERE id = \(installID)")
        try a.start()
        let replayed = try Self.finished(collector, installID)
        #expect(replayed["state"] as? String == "refused")
        #expect(replayed["refusal"] as? String == "REPLAYED")
        let log = (try? String(contentsOfFile: b.log, encoding: .utf8)) ?? ""
        #expect(log.contains("BAD_SIGNATURE"))
    }
}

extension TaskTests {
    /// SECURITY-TESTS 35 and the issue's "agent killed in the middle of a step": the power goes while
    /// a package installs (its pre-install script is running). After the restart the task is an honest
    /// `unknown`, and running it again converges.
    @Test func anAgentStoppedInTheMiddleOfATaskComesBackWithAnHonestUnknown() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let collector = try RunningCollector(data: directory + "/data")
        defer { collector.stop() }
        let machine = try Machine()
        try machine.taskRoot.installShell()
        try machine.taskRoot.addSlowPackage(seconds: 47)
        try AgentSessionTests.enroll(machine.workspace, with: collector)
        try machine.start()
        let asset = try Self.asset(of: machine, in: collector)
        let id = try Self.run(collector, #"{"kind": "packages.install", "parameters": {"packages": ["deskside-slow"]}, "assetIds": [\#(asset)]}"#)[0]["id"] as! Int
        let pgrep = Fixtures.which("pgrep")!, pkill = Fixtures.which("pkill")!
        var running = false
        for _ in 0..<300 where !running {
            running = try Fixtures.run(pgrep, ["-f", "^sleep 47$"]).status == 0
            if !running { Thread.sleep(forTimeInterval: 0.1) }
        }
        let seen = try Self.json(collector.get("/api/v1/tasks/\(id)"), 200)
        try #require(running, "the package's pre-install script never ran: \(seen)")
        // The power goes: the agent and everything the task started die at once.
        machine.stop(signal: SIGKILL)
        try Fixtures.run(pkill, ["-KILL", "-f", machine.taskRoot.path])
        try Fixtures.run(pkill, ["-KILL", "-f", "^sleep 47$"])
        #expect(try Self.sql(collector, "SELECT state FROM task WHERE id = \(id)") == "sent")

        try machine.start()
        let interrupted = try Self.finished(collector, id)
        #expect(interrupted["state"] as? String == "unknown", "\(interrupted)")
        #expect((interrupted["summary"] as? String ?? "").contains("stopped while packages.install ran"))

        let again = try Self.run(collector, #"{"kind": "packages.install", "parameters": {"packages": ["deskside-slow"]}, "assetIds": [\#(asset)]}"#)[0]["id"] as! Int
        let converged = try Self.finished(collector, again)
        #expect(converged["state"] as? String == "succeeded", "\(converged)")
        #expect(machine.taskRoot.isInstalled("deskside-slow"), "\((try? String(contentsOfFile: machine.taskRoot.path + "/var/lib/dpkg/status", encoding: .utf8)) ?? "")")
    }
}

extension TaskRootError {
    static func timeout(_ text: String) -> TaskRootError { TaskRootError(text) }
}
