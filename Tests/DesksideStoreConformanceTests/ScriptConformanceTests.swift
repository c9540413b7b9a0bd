import DesksideAPI
import DesksideJSON
import DesksideStore
import Foundation
import Testing

/// `ScriptRepository` on both engines: the library by name, a save that replaces, a delete.
@Suite struct ScriptConformanceTests {
    let now = Date(timeIntervalSince1970: 1_796_000_000)
    func text(_ date: Date) -> String { ISO8601.format(secondsSince1970: date.timeIntervalSince1970) }

    @Test(arguments: Engine.allCases)
    func aSavedScriptIsKeptAsWrittenAndASecondSaveReplacesIt(_ engine: Engine) async throws {
        try await engine.withScripts { scripts in
            #expect(try await scripts.scripts() == [])
            let first = try await scripts.saveScript(name: "clear_queue", description: "Clears the print queue", body: "#!/bin/sh\nlprm -\n",
                                                     actor: "ann", now: now)
            #expect(first.name == "clear_queue" && first.description == "Clears the print queue" && first.body == "#!/bin/sh\nlprm -\n")
            #expect(first.createdAt == text(now) && first.updatedAt == text(now) && first.updatedBy == "ann")
            #expect(try await scripts.script(name: "clear_queue") == first)
            #expect(try await scripts.script(name: "clear") == nil)

            let later = now.addingTimeInterval(60)
            let second = try await scripts.saveScript(name: "clear_queue", description: "", body: "#!/bin/bash\ncancel -a\n", actor: "bob", now: later)
            #expect(second.id == first.id && second.createdAt == first.createdAt, "the same script, replaced")
            #expect(second.body == "#!/bin/bash\ncancel -a\n" && second.description == "" && second.updatedAt == text(later) && second.updatedBy == "bob")

            _ = try await scripts.saveScript(name: "a_first", description: "", body: "#!/bin/sh\n", actor: "ann", now: now)
            #expect(try await scripts.scripts().map(\.name) == ["a_first", "clear_queue"])
            #expect(try await scripts.deleteScript(name: "clear_queue"))
            #expect(try await !scripts.deleteScript(name: "clear_queue"))
            #expect(try await scripts.scripts().map(\.name) == ["a_first"])
        }
    }
}
