import DesksideJSON
import DesksideProvisioning
import DesksideTasks
import Testing

/// A run's decisions, as tables of cases.
@Suite struct RunProgressTests {
    func run(_ steps: [(required: Bool, retries: Int)]) -> RunProgress {
        RunProgress(state: .waiting, steps: steps.map { RunProgress.Step(required: $0.required, retries: $0.retries) })
    }

    @Test func stepsRunInOrderAndTheRunSucceeds() {
        var progress = run([(true, 0), (true, 3)])
        #expect(progress.handle(.start) == [.queue(index: 0, attempt: 1)])
        #expect(progress.handle(.stepFinished(index: 0, .succeeded)) == [.stepDone(index: 0, .succeeded), .queue(index: 1, attempt: 1)])
        #expect(progress.handle(.stepFinished(index: 1, .succeeded)) == [.stepDone(index: 1, .succeeded), .finished(.succeeded)])
        #expect(progress.state == .succeeded)
    }

    @Test func aFailingStepIsRetriedThenStopsTheRun() {
        var progress = run([(true, 2), (true, 0)])
        _ = progress.handle(.start)
        #expect(progress.handle(.stepFinished(index: 0, .failed)) == [.queue(index: 0, attempt: 2)])
        #expect(progress.handle(.stepFinished(index: 0, .failed)) == [.queue(index: 0, attempt: 3)])
        #expect(progress.handle(.stepFinished(index: 0, .failed)) == [.stepDone(index: 0, .failed), .finished(.failed)])
        #expect(progress.state == .failed)
        // Retried from the failed step, with its attempts counted afresh.
        #expect(progress.handle(.retry) == [.queue(index: 0, attempt: 1)])
        #expect(progress.handle(.stepFinished(index: 0, .succeeded)) == [.stepDone(index: 0, .succeeded), .queue(index: 1, attempt: 1)])
    }

    @Test func anOptionalStepIsMarkedAndTheRunGoesOn() {
        var progress = run([(false, 1), (true, 0)])
        _ = progress.handle(.start)
        #expect(progress.handle(.stepFinished(index: 0, .failed)) == [.queue(index: 0, attempt: 2)])
        #expect(progress.handle(.stepFinished(index: 0, .failed)) == [.stepDone(index: 0, .skipped), .queue(index: 1, attempt: 1)])
    }

    @Test func aRefusalIsNotRetried() {
        var progress = run([(true, 3)])
        _ = progress.handle(.start)
        #expect(progress.handle(.stepFinished(index: 0, .refused)) == [.stepDone(index: 0, .failed), .finished(.failed)])
    }

    @Test func eventsOutOfPlaceChangeNothing() {
        var progress = run([(true, 0), (true, 0)])
        #expect(progress.handle(.stepFinished(index: 0, .succeeded)) == [])
        _ = progress.handle(.start)
        #expect(progress.handle(.stepFinished(index: 1, .succeeded)) == [])
        #expect(progress.handle(.retry) == [])
        #expect(progress.handle(.cancel) == [.finished(.cancelled)])
        #expect(progress.handle(.start) == [])
        #expect(progress.steps.map(\.state) == [.skipped, .skipped])
    }
}

@Suite struct TemplateTests {
    func parse(_ text: String) throws -> Template { try JSONCoder.decode(Template.self, from: Array(text.utf8)) }

    @Test func bindsTheAccountAndAsset() throws {
        let template = try parse(#"""
            {"name": "engineering-laptop", "steps": [
              {"name": "Account", "kind": "account.create", "parameters": {"username": "{{account.username}}", "fullName": "{{ account.name }}",
               "groups": ["{{account.departmentGroup}}", "sudo"], "password": {"mode": "oneTime"}}},
              {"kind": "packages.install", "parameters": {"packages": ["htop"]}, "required": false},
              {"kind": "hostname.set", "parameters": {"hostname": "lap-{{asset.id}}"}}],
             "checklist": ["Badge issued"]}
            """#)
        try template.validate()
        #expect(template.steps[1].retries == 3)
        #expect(template.steps[0].retries == 0)
        #expect(template.steps[1].name == "packages.install")
        let binding = Binding(username: "mmartin", name: "Marie Martin", email: "", department: "Field Sales", assetID: 42, hostname: nil, serial: nil)
        let bound = try binding.bind(template.steps[0].parameters, passwordHash: "$y$j9T$a$b")
        #expect(try TaskSpec(kind: .accountCreate, parameters: bound) == .accountCreate(AccountCreate(
            username: "mmartin", fullName: "Marie Martin", groups: ["field-sales", "sudo"], password: .oneTime(hash: "$y$j9T$a$b"))))
        #expect(try binding.bind(template.steps[2].parameters, passwordHash: nil) == .object([("hostname", .string("lap-42"))]))
    }

    /// A value from the account goes into one JSON string and is then validated: it cannot become
    /// an option or a second line.
    @Test func boundValuesAreValidatedLikeAnyOther() throws {
        let template = try parse(#"{"name": "t", "steps": [{"kind": "account.create", "parameters": {"username": "{{account.username}}", "fullName": "{{account.name}}"}}]}"#)
        let binding = Binding(username: "ok", name: "Evil:0:0:root", email: "", department: "", assetID: nil, hostname: nil, serial: nil)
        let bound = try binding.bind(template.steps[0].parameters, passwordHash: nil)
        #expect(throws: TaskValidationError.self) { try TaskSpec(kind: .accountCreate, parameters: bound) }
    }

    @Test(arguments: [
        (#"{"name": "t", "steps": []}"#, "steps"),
        (#"{"name": "Bad Name", "steps": [{"kind": "inventory.refresh"}]}"#, "name"),
        (#"{"name": "t", "steps": [{"kind": "packages.install", "parameters": {"packages": ["{{account.shoe}}"]}}]}"#, "steps[0].parameters.packages[0]"),
        (#"{"name": "t", "steps": [{"kind": "packages.install", "parameters": {"packages": ["-f"]}}]}"#, "steps[0].parameters.packages[0]"),
        (#"{"name": "t", "steps": [{"kind": "reboot", "retries": 11}]}"#, "steps[0].retries"),
        (#"{"name": "t", "steps": [{"kind": "reboot", "timeoutSeconds": 7200}]}"#, "steps[0].timeoutSeconds"),
        (#"{"name": "t", "steps": [{"kind": "reboot"}], "checklist": ["line\nbreak"]}"#, "checklist[0]"),
    ])
    func refusesBadTemplates(text: String, field: String) throws {
        let template = try parse(text)
        do {
            try template.validate()
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.field == field, "\(error)")
        }
    }

    @Test func groupNames() {
        #expect(Binding.groupName("Field Sales") == "field-sales")
        #expect(Binding.groupName("R&D / Lab 2") == "r-d-lab-2")
        #expect(Binding.groupName("") == "")
    }
}

@Suite struct RunChecklistTests {
    /// A succeeded step ticks its item; an optional step that failed ticks it as such; a required
    /// step that failed does not; a finished run has no queued task left.
    @Test func ticksAndEnd() {
        var progress = RunProgress(state: .waiting, steps: [.init(required: true, retries: 0), .init(required: false, retries: 0), .init(required: true, retries: 0)])
        _ = progress.handle(.start)
        _ = progress.handle(.stepFinished(index: 0, .succeeded))
        _ = progress.handle(.stepFinished(index: 1, .failed))
        #expect(progress.checklistTicks == [0: "deskside", 1: "deskside (optional step failed)"])
        #expect(!progress.isFinished)
        _ = progress.handle(.stepFinished(index: 2, .failed))
        #expect(progress.checklistTicks == [0: "deskside", 1: "deskside (optional step failed)"])
        #expect(progress.isFinished)
    }
}
