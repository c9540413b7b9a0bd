import DesksideTestSupport
import Foundation
import Testing

/// Onboarding and offboarding end to end, with the real collector, agent and CLI over loopback:
/// a template written in YAML, `deskside onboarding start`, the machine enrolling with the token
/// the onboarding made, the run on a throwaway root, the ticket that shows each step and resolves
/// itself; a failing required step escalating its ticket; then the offboarding.
@Suite(.serialized) struct OnboardingTests {
    static let template = """
        name: engineering-laptop
        description: Laptops for engineers
        steps:
          - name: Create the account
            kind: account.create
            parameters:
              username: "{{account.username}}"
              fullName: "{{account.name}}"
              groups: ["{{account.departmentGroup}}"]
              password: {mode: oneTime}
          - name: Baseline software
            kind: packages.install
            parameters: {packages: [deskside-hello]}
          - name: Nice to have
            kind: packages.install
            parameters: {packages: [deskside-broken]}
            required: false
            retries: 1
          - name: Report the new state
            kind: inventory.refresh
        checklist:
          - Badge issued
        """

    static func provisioning(_ collector: RunningCollector, _ path: String, until done: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let record = try TaskTests.json(collector.get("/api/v1/" + path), 200)
            if done(record) { return record }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw TaskRootError("\(path) did not get there: \(try TaskTests.json(collector.get("/api/v1/" + path), 200))")
    }

    static func runState(_ record: [String: Any]) -> String? { ((record["runs"] as? [[String: Any]])?.first)?["state"] as? String }

    static func timeline(_ collector: RunningCollector, ticket: Int) throws -> [String] {
        let detail = try TaskTests.json(collector.get("/api/v1/tickets/\(ticket)"), 200)
        return (detail["timeline"] as? [[String: Any]] ?? []).map { "\($0["kind"] ?? "") \($0["body"] as? String ?? "")" }
    }

    @Test func aNewHiresMachineFromTemplateToResolvedTicketAndBack() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let collector = try RunningCollector(data: directory + "/data")
        defer { collector.stop() }
        let cli = StaffCLITests.CLI(credentials: directory + "/credentials.json")
        let password = try String(contentsOfFile: directory + "/data/secrets/admin-password", encoding: .utf8)
        try #require(try cli(["login", "--server", collector.httpAddress, "--username", "admin"], stdin: password).status == 0)

        try Self.template.write(toFile: directory + "/engineering.yaml", atomically: true, encoding: .utf8)
        let created = try cli(["templates", "create", directory + "/engineering.yaml"])
        try #require(created.status == 0, "\(created.err)")
        let started = try #require(try cli.json(["onboarding", "start", "--account", "jdupont", "--name", "Jean Dupont", "--department", "Engineering",
                                                 "--template", "engineering-laptop"]) as? [String: Any])
        let onboarding = try #require(started["onboarding"] as? [String: Any])
        let id = try #require(onboarding["id"] as? Int), ticket = try #require(onboarding["ticketId"] as? Int)
        let token = try #require(started["enrollmentToken"] as? String)
        #expect((started["enrollCommand"] as? String ?? "").contains("--token-file TOKEN-FILE --ca-fingerprint \(collector.fingerprint)"))
        #expect((started["oneTimePassword"] as? String)?.count == 16)
        #expect(Self.runState(onboarding) == "waiting")

        // The new hire's machine enrolls with the onboarding's token.
        let machine = try TaskTests.Machine()
        let tokenFile = directory + "/token"
        FileManager.default.createFile(atPath: tokenFile, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        let enrolled = try AgentSessionTests.agent(["enroll", "--collector", collector.agentAddress, "--token-file", tokenFile,
                                                    "--ca-fingerprint", collector.fingerprint, "--state", machine.workspace.state])
        try #require(enrolled.status == 0, "\(enrolled.stderr)")
        try machine.start()
        let done = try Self.provisioning(collector, "onboardings/\(id)") { Self.runState($0) == "succeeded" }
        let steps = ((done["runs"] as? [[String: Any]])?.first?["steps"] as? [[String: Any]] ?? []).map { $0["state"] as? String ?? "" }
        #expect(steps == ["succeeded", "succeeded", "skipped", "succeeded"])
        #expect(machine.taskRoot.line("/etc/passwd", "jdupont")?.contains("Jean Dupont") == true)
        #expect(machine.taskRoot.line("/etc/group", "engineering")?.hasSuffix(":jdupont") == true)
        #expect(machine.taskRoot.isInstalled("deskside-hello"))
        let asset = try TaskTests.asset(of: machine, in: collector)
        #expect(try TaskTests.sql(collector, "SELECT owner.username FROM asset JOIN account owner ON owner.id = asset.ownerId WHERE asset.id = \(asset)") == "jdupont")

        // Every step is on the ticket; it waits for the badge, then resolves itself.
        var events = try Self.timeline(collector, ticket: ticket)
        #expect(events.contains { $0.hasPrefix("comment Step 1 of 4, Create the account: succeeded") })
        #expect(events.contains { $0.hasPrefix("comment Step 3 of 4, Nice to have: skipped (failed") })
        #expect(done["state"] as? String == "running")
        let badge = try #require((done["checklist"] as? [[String: Any]])?.first { $0["title"] as? String == "Badge issued" }?["id"] as? Int)
        try #require(try cli(["onboarding", "check", String(id), String(badge)]).status == 0)
        let complete = try Self.provisioning(collector, "onboardings/\(id)") { $0["state"] as? String == "done" }
        #expect(complete["finishedAt"] is String)
        events = try Self.timeline(collector, ticket: ticket)
        #expect(events.last?.hasPrefix("resolved Onboarding complete") == true, "\(events)")
        #expect(try TaskTests.sql(collector, "SELECT status FROM account WHERE username = 'jdupont'") == "active")

        // A required step that keeps failing stops its run and escalates the ticket with its output.
        let broken = Self.template.replacingOccurrences(of: "name: engineering-laptop", with: "name: broken-laptop")
            .replacingOccurrences(of: "    required: false\n", with: "")
        try broken.write(toFile: directory + "/broken.yaml", atomically: true, encoding: .utf8)
        try #require(try cli(["templates", "create", directory + "/broken.yaml"]).status == 0)
        let second = try #require(try cli.json(["onboarding", "start", "--account", "mmartin", "--name", "Marie Martin", "--template", "broken-laptop",
                                                "--asset", String(asset)]) as? [String: Any])
        let secondID = try #require((second["onboarding"] as? [String: Any])?["id"] as? Int)
        let failed = try Self.provisioning(collector, "onboardings/\(secondID)") { $0["state"] as? String == "failed" }
        #expect(Self.runState(failed) == "failed")
        let secondTicket = try #require(failed["ticketId"] as? Int)
        let escalated = try TaskTests.json(collector.get("/api/v1/tickets/\(secondTicket)"), 200)
        #expect((escalated["ticket"] as? [String: Any])?["tier"] as? Int == 2)
        let escalation = try Self.timeline(collector, ticket: secondTicket).first { $0.hasPrefix("escalated") } ?? ""
        #expect(escalation.contains("Nice to have, failed after its retries") && escalation.contains("deskside-broken"), "\(escalation)")
        let runID = try #require((failed["runs"] as? [[String: Any]])?.first?["id"] as? Int)
        #expect(try cli(["runs", "cancel", String(runID)]).status == 0)

        // Offboarding: the local account locked on the machine, the laptop back in stock, the account departed.
        try #require(try cli(["assets", "assign", String(asset), "--to", "jdupont", "--note", "back from the test bench"]).status == 0)
        let off = try #require(try cli.json(["offboarding", "start", "--account", "jdupont"]) as? [String: Any])
        let offID = try #require(off["id"] as? Int)
        let locked = try Self.provisioning(collector, "offboardings/\(offID)") { Self.runState($0) == "succeeded" }
        #expect(machine.taskRoot.line("/etc/shadow", "jdupont")?.hasPrefix("jdupont:!") == true)
        #expect(machine.taskRoot.line("/etc/group", "engineering")?.hasSuffix(":") == true)
        let returned = try #require((locked["checklist"] as? [[String: Any]])?.first { ($0["title"] as? String ?? "").hasPrefix("Return") }?["id"] as? Int)
        try #require(try cli(["offboarding", "check", String(offID), String(returned)]).status == 0)
        _ = try Self.provisioning(collector, "offboardings/\(offID)") { $0["state"] as? String == "done" }
        #expect(try TaskTests.sql(collector, "SELECT status || ' ' || coalesce(ownerId, 'none') FROM asset WHERE id = \(asset)") == "inStock none")
        #expect(try TaskTests.sql(collector, "SELECT status FROM account WHERE username = 'jdupont'") == "departed")
    }
}
