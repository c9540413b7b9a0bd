import DesksideTestSupport
import Foundation
import Testing

/// The real `deskside` CLI against a real collector: signing in (the password on standard input,
/// the token in an owner-only file), the ticket commands, table / JSON / CSV output, refusals.
@Suite(.serialized) struct StaffCLITests {
    static let program = Fixtures.program("deskside")

    struct CLI {
        let credentials: String

        @discardableResult
        func callAsFunction(_ arguments: [String], stdin: String? = nil) throws -> (status: Int32, out: String, err: String) {
            var environment = ProcessInfo.processInfo.environment
            environment["DESKSIDE_CREDENTIALS"] = credentials
            environment.removeValue(forKey: "DESKSIDE_TOKEN_FILE")
            let result = try Fixtures.run(StaffCLITests.program, arguments, stdin: stdin.map { Data($0.utf8) } ?? Data(), environment: environment)
            return (result.status, String(decoding: result.stdout, as: UTF8.self), String(decoding: result.stderr, as: UTF8.self))
        }

        func json(_ arguments: [String]) throws -> Any {
            let result = try self(arguments + ["--json"])
            try #require(result.status == 0, "\(arguments): \(result.err)")
            return try JSONSerialization.jsonObject(with: Data(result.out.utf8))
        }
    }

    /// A collector of the test's own, in a directory removed afterwards (with the CLI's credentials).
    static func collector() throws -> (directory: String, collector: RunningCollector) {
        let directory = try Fixtures.temporaryDirectory()
        do { return (directory, try RunningCollector(data: directory + "/data")) } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    @Test func staffWorkATicketFromTheTerminal() throws {
        let (directory, collector) = try Self.collector()
        defer { collector.stop(); try? FileManager.default.removeItem(atPath: directory) }
        let cli = CLI(credentials: directory + "/config/credentials.json")
        let password = try String(contentsOfFile: directory + "/data/secrets/admin-password", encoding: .utf8)

        #expect(try cli(["tickets", "list"]).err.contains("not signed in"))
        // A password never goes in the clear to another machine.
        let remote = try cli(["login", "--server", "http://192.0.2.1:8080", "--username", "admin"], stdin: "x\n")
        #expect(remote.status != 0 && remote.err.contains("plain HTTP"))
        #expect(try cli(["login", "--server", collector.httpAddress, "--username", "admin"], stdin: "wrong password\n").status != 0)
        let login = try cli(["login", "--server", collector.httpAddress, "--username", "admin"], stdin: password)
        try #require(login.status == 0, "\(login.err)")
        var info = stat()
        #expect(stat(cli.credentials, &info) == 0 && info.st_mode & 0o077 == 0)
        #expect(!login.out.contains(try String(contentsOfFile: cli.credentials, encoding: .utf8).components(separatedBy: "dss_").last!.prefix(16)))

        try #require(try cli(["accounts", "create", "--username", "tess", "--name", "Tess", "--role", "technician", "--tier", "1"]).status == 0)
        let hostile = "=HYPERLINK(\"http://x\") <script>alert(1)</script> \u{1b}[2J"
        let created = try #require(try cli.json(["tickets", "create", "--title", hostile, "--urgency", "high", "--impact", "high",
                                                 "--description", "The printer jams.\r\nSince Monday.\u{1b}[2J"]) as? [String: Any])
        let id = try #require(created["id"] as? Int)
        #expect(created["title"] as? String == hostile)
        #expect(created["priority"] as? String == "critical")
        try #require(try cli(["tickets", "assign", String(id), "--to", "tess"]).status == 0)
        try #require(try cli(["tickets", "comment", String(id), "--body", "on my way", "--internal"]).status == 0)
        #expect(try cli(["tickets", "resolve", String(id), "--notes", ""]).status != 0)
        try #require(try cli(["tickets", "resolve", String(id), "--notes", "replaced the toner"]).status == 0)

        // The table shows no escape sequence; the CSV defuses the formula.
        let table = try cli(["tickets", "list"]).out
        #expect(!table.contains("\u{1b}"))
        #expect(table.contains("resolved"))
        let csv = try cli(["tickets", "list", "--csv"]).out
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")"))
        // A description keeps its lines, indented under the first; other control characters are defused.
        let plain = try cli(["tickets", "show", String(id)]).out
        let lines = plain.components(separatedBy: "\n")
        let first = try #require(lines.firstIndex { $0.hasSuffix("The printer jams.") }, "\(plain)")
        #expect(lines[first + 1].trimmingCharacters(in: .whitespaces) == "Since Monday.?[2J")
        #expect(lines[first + 1].hasPrefix("  "))
        #expect(!plain.contains("\u{1b}") && !plain.contains("\r"))
        let shown = try #require(try cli.json(["tickets", "show", String(id)]) as? [String: Any])
        let timeline = shown["timeline"] as? [[String: Any]] ?? []
        #expect(timeline.map { $0["kind"] as? String } == ["opened", "assigned", "status", "note", "resolved"])

        // Errors: a clear message and a failing exit status.
        let missing = try cli(["tickets", "show", "999999"])
        #expect(missing.status != 0 && missing.err.contains("NOT_FOUND"))
        #expect(try cli(["assets", "list", "--silent", "7x"]).status != 0)
        let assets = try #require(try cli.json(["assets", "list", "--silent", "7d", "--missing-security-updates"]) as? [String: Any])
        #expect(assets["total"] as? Int == 0)

        // An auditor's API token for a script: its secret goes to an owner-only file, and it reads but does not write.
        let tokenFile = directory + "/auditor-token"
        try #require(try cli(["tokens", "create", "--name", "nightly audit", "--role", "auditor", "--to", tokenFile]).status == 0)
        #expect(stat(tokenFile, &info) == 0 && info.st_mode & 0o077 == 0)
        var environment = ProcessInfo.processInfo.environment
        environment["DESKSIDE_SERVER"] = collector.httpAddress
        environment["DESKSIDE_TOKEN_FILE"] = tokenFile
        let audit = try Fixtures.run(Self.program, ["reports", "audit", "--json"], environment: environment)
        #expect(audit.status == 0)
        let write = try Fixtures.run(Self.program, ["tickets", "create", "--title", "x"], environment: environment)
        #expect(write.status != 0 && String(decoding: write.stderr, as: UTF8.self).contains("FORBIDDEN"))

        try #require(try cli(["logout"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: cli.credentials))
    }

    /// `deskside kb` and `deskside canned` decode the API's typed resources (DesksideAPI): write,
    /// search, show, change and delete an article; add, list and delete a canned answer.
    /// Accounts, API tokens, the script library and webhooks through `deskside`, decoded as the API's types.
    @Test func accountsTokensScriptsAndWebhooksFromTheTerminal() throws {
        let (directory, collector) = try Self.collector()
        defer { collector.stop(); try? FileManager.default.removeItem(atPath: directory) }
        let cli = CLI(credentials: directory + "/config/credentials.json")
        let password = try String(contentsOfFile: directory + "/data/secrets/admin-password", encoding: .utf8)
        try #require(try cli(["login", "--server", collector.httpAddress, "--username", "admin"], stdin: password).status == 0)

        let tess = try #require(try cli.json(["accounts", "create", "--username", "tess", "--name", "Tess Tech", "--email", "tess@example.com",
                                              "--role", "technician", "--tier", "1"]) as? [String: Any])
        #expect(tess["role"] as? String == "technician" && tess["tier"] as? Int == 1 && tess["status"] as? String == "active")
        let wizard = try cli(["accounts", "create", "--username", "merlin", "--name", "M", "--role", "wizard"])
        #expect(wizard.status != 0 && wizard.err.contains("technician"), "a role the API does not know is refused before any request: \(wizard.err)")
        #expect(try cli(["accounts", "create", "--username", "nameless"]).err.contains("--name and --role"))
        let technicians = try cli(["accounts", "list", "--role", "technician"])
        #expect(technicians.status == 0 && technicians.out.contains("tess") && !technicians.out.contains("admin"), "\(technicians.out)")
        let promoted = try #require(try cli.json(["accounts", "update", "tess", "--tier", "2", "--manager", "admin"]) as? [String: Any])
        #expect(promoted["tier"] as? Int == 2 && promoted["managerId"] as? Int != nil)
        #expect(try cli(["accounts", "show", "tess"]).out.contains("Tess Tech"))

        let tokenFile = directory + "/sync.token"
        let made = try cli(["tokens", "create", "--name", "inventory sync", "--role", "auditor", "--to", tokenFile])
        #expect(made.status == 0 && !made.out.contains("dsa_"), "the secret goes to the file only: \(made.out)")
        let secret = try String(contentsOfFile: tokenFile, encoding: .utf8)
        #expect(try secret.hasPrefix("dsa_") && Self.mode(tokenFile) == 0o600)
        let tokens = try #require(try cli.json(["tokens", "list"]) as? [[String: Any]])
        let id = try #require(tokens.first { $0["name"] as? String == "inventory sync" }?["id"] as? Int)
        try #require(try cli(["tokens", "revoke", String(id)]).status == 0)
        let revoked = try #require(try cli.json(["tokens", "list"]) as? [[String: Any]])
        #expect(revoked.first { $0["id"] as? Int == id }?["revokedAt"] as? String != nil)

        let scriptFile = directory + "/clear.sh"
        try "#!/bin/sh\nlprm -\n".write(toFile: scriptFile, atomically: true, encoding: .utf8)
        try #require(try cli(["scripts", "put", "clear_queue", scriptFile, "--description", "Clears the print queue"]).status == 0)
        #expect(try cli(["scripts", "list"]).out.contains("Clears the print queue"))
        #expect(try cli(["scripts", "show", "clear_queue"]).out == "#!/bin/sh\nlprm -\n")
        try #require(try cli(["scripts", "delete", "clear_queue"]).status == 0)
        #expect(try cli(["scripts", "show", "clear_queue"]).err.contains("NOT_FOUND"))

        #expect(try cli.json(["webhooks", "list"]) as? [Any] != nil)
        #expect(try cli(["webhooks", "remove", "999"]).err.contains("NOT_FOUND"))
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? 0) & 0o777
    }

    @Test func theKnowledgeBaseFromTheTerminal() throws {
        let (directory, collector) = try Self.collector()
        defer { collector.stop(); try? FileManager.default.removeItem(atPath: directory) }
        let cli = CLI(credentials: directory + "/config/credentials.json")
        let password = try String(contentsOfFile: directory + "/data/secrets/admin-password", encoding: .utf8)
        try #require(try cli(["login", "--server", collector.httpAddress, "--username", "admin"], stdin: password).status == 0)

        let body = directory + "/article.md"
        try "Hold the **power** button for ten seconds.\nThen release it.".write(toFile: body, atomically: true, encoding: .utf8)
        let created = try #require(try cli.json(["kb", "create", "--title", "Docking station freezes", "--body-file", body,
                                                 "--tag", "dock", "--tag", "usb", "--fault-code", "dock.frozen"]) as? [String: Any])
        let id = try #require(created["id"] as? Int)
        #expect(created["tags"] as? [String] == ["dock", "usb"] && created["faultCodes"] as? [String] == ["dock.frozen"])

        let found = try cli(["kb", "list", "--search", "docking freezes"])
        #expect(found.status == 0 && found.out.contains("Docking station freezes"), "\(found.err)")
        #expect(!(try cli(["kb", "list", "--search", "docking toaster"]).out.contains("Docking station")), "every word must match")
        let shown = try cli(["kb", "show", String(id)])
        #expect(shown.out.contains("dock.frozen") && shown.out.contains("Then release it."), "\(shown.out)")

        try #require(try cli(["kb", "update", String(id), "--title", "Dock freezes after sleep"]).status == 0)
        let csv = try cli(["kb", "list", "--fault-code", "dock.frozen", "--csv"]).out
        #expect(csv.hasPrefix("id,title,tags,fault codes,helped,updated") && csv.contains("Dock freezes after sleep"), "\(csv)")
        let page = try #require(try cli.json(["kb", "list", "--fault-code", "dock.frozen"]) as? [String: Any])
        #expect(page["total"] as? Int == 1)

        let answer = try #require(try cli.json(["canned", "create", "--title", "Restart first", "--body", "Please restart and tell us."]) as? [String: Any])
        #expect(try cli(["canned", "create", "--title", "Restart first", "--body", "again"]).err.contains("CONFLICT"))
        #expect(try cli(["canned", "list"]).out.contains("Please restart and tell us."))
        try #require(try cli(["canned", "delete", String(try #require(answer["id"] as? Int))]).status == 0)
        #expect(!(try cli(["canned", "list"]).out.contains("Restart first")))

        try #require(try cli(["kb", "delete", String(id)]).status == 0)
        let gone = try cli(["kb", "show", String(id)])
        #expect(gone.status != 0 && gone.err.contains("NOT_FOUND"))
    }
}
