import DesksideTestSupport
import Foundation
import Testing

/// The register through the real collector and CLI: locations, a category with typed fields, a
/// phone and a monitor entered by hand, their fields edited, lists filtered, bad input refused
/// with its reason.
@Suite struct AssetRegisterTests {
    typealias Session = AgentSessionTests
    typealias Loop = FaultTicketTests

    struct CLI {
        let environment: [String: String]

        init(_ collector: RunningCollector, data: String) {
            var environment = ProcessInfo.processInfo.environment
            environment["DESKSIDE_SERVER"] = collector.httpAddress
            environment["DESKSIDE_TOKEN_FILE"] = data + "/secrets/admin-token"
            self.environment = environment
        }

        @discardableResult
        func run(_ arguments: [String], status: Int32 = 0) throws -> String {
            let result = try Fixtures.run(Fixtures.program("deskside"), arguments, environment: environment)
            try #require(result.status == status, "\(arguments): \(String(decoding: result.stderr, as: UTF8.self))")
            return String(decoding: result.stdout + result.stderr, as: UTF8.self)
        }

        func json(_ arguments: [String]) throws -> Any {
            try JSONSerialization.jsonObject(with: Data(run(arguments + ["--json"]).utf8))
        }
    }

    /// A collector on a fresh workspace and the CLI signed in as its first admin; `agent` enrolls the
    /// laptop fixture's agent and sends its first report.
    static func world(agent: Bool = false) throws -> (Session.Workspace, RunningCollector, CLI) {
        let workspace = try Session.Workspace()
        let collector = try RunningCollector(data: workspace.data)
        if agent {
            do {
                try Session.enroll(workspace, with: collector)
                try #require(try Session.runOnce(workspace).status == 0)
            } catch {
                collector.stop()
                workspace.remove()
                throw error
            }
        }
        return (workspace, collector, CLI(collector, data: workspace.data))
    }

    @Test func staffEnterEquipmentWithoutAnAgentAndKeepItsRegister() throws {
        let (workspace, collector, cli) = try Self.world()
        defer { collector.stop(); workspace.remove() }

        let site = try #require(try cli.json(["assets", "locations", "--add", "Paris", "--kind", "site"]) as? [String: Any])
        let building = try #require(try cli.json(["assets", "locations", "--add", "Tower B", "--kind", "building", "--in", "\(site["id"] as? Int ?? 0)"]) as? [String: Any])
        let room = try #require(try cli.json(["assets", "locations", "--add", "4.12", "--kind", "room", "--in", "\(building["id"] as? Int ?? 0)"]) as? [String: Any])
        #expect(room["path"] as? String == "Paris / Tower B / 4.12")
        try cli.run(["assets", "categories", "--set", "phone", "--audit-days", "365", "--field", "number:text:required", "--field", "carrier:choice:Orange|SFR"])
        let categories = try cli.run(["assets", "categories"])
        #expect(categories.contains("phone") && categories.contains("365"))

        // A required field missing is refused with its name; then entered properly.
        let refused = try cli.run(["assets", "create", "--name", "iPhone 15", "--category", "phone"], status: 1)
        #expect(refused.contains("field number is required in this category"), "\(refused)")
        let phone = try #require(try cli.json(["assets", "create", "--name", "iPhone 15", "--category", "phone", "--serial", "F2LXK1",
                                               "--field", "number=+33 6 12 34 56 78", "--field", "carrier=SFR"]) as? [String: Any])
        let phoneID = try #require(phone["id"] as? Int)
        #expect((phone["tag"] as? String)?.hasPrefix("DS-") == true && phone["status"] as? String == "inStock")
        let monitor = try #require(try cli.json(["assets", "create", "--name", "Dell U2723QE", "--category", "computer", "--attach-to", "\(phoneID)"]) as? [String: Any])

        let register = try #require(try cli.json(["assets", "update", "\(phoneID)", "--location", "\(room["id"] as? Int ?? 0)", "--department", "Sales",
                                                  "--purchase-date", "2025-01-15", "--supplier", "Bechtle", "--order", "PO-77", "--cost", "1,099.00",
                                                  "--warranty-months", "24", "--tags", "loaner,vip", "--status", "deployed", "--notes", "case in drawer"]) as? [String: Any])
        #expect(register["location"] as? String == "Paris / Tower B / 4.12" && register["cost"] as? String == "1099.00")
        #expect(register["warrantyEnds"] as? String == "2027-01-15" && register["status"] as? String == "deployed")
        #expect(register["attached"] as? [Int] == [monitor["id"] as? Int ?? 0])
        let moved = try cli.run(["assets", "update", "\(phoneID)", "--status", "ordered"], status: 1)
        #expect(moved.contains("cannot become ordered"), "\(moved)")
        let badDate = try cli.run(["assets", "update", "\(phoneID)", "--purchase-date", "2025-02-30"], status: 1)
        #expect(badDate.contains("YYYY-MM-DD"), "\(badDate)")
        try cli.run(["assets", "update", "\(phoneID)", "--clear", "notes"])

        let shown = try cli.run(["assets", "show", "\(phoneID)", "--section", "register"])
        #expect(shown.contains("Paris / Tower B / 4.12") && shown.contains("carrier=SFR; number=+33 6 12 34 56 78"), "\(shown)")
        #expect(!shown.contains("case in drawer"))
        let history = try cli.run(["assets", "history", "\(phoneID)", "--section", "register"])
        #expect(history.contains("status (by") && history.contains("deployed") && history.contains("notes (by"))

        // Lists: by location (the site finds the room's phone), status, warranty, without an agent.
        let bySite = try #require(try cli.json(["assets", "list", "--location", "\(site["id"] as? Int ?? 0)"]) as? [String: Any])
        #expect((bySite["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [phoneID])
        let expiring = try #require(try cli.json(["assets", "list", "--warranty-before", "2027-02-01", "--no-agent"]) as? [String: Any])
        #expect(expiring["total"] as? Int == 1)
        let csv = String(decoding: try collector.get("/api/v1/assets?status=deployed&format=csv").body, as: UTF8.self)
        #expect(csv.contains("Paris / Tower B / 4.12") && csv.contains("iPhone 15"))
        // An auditor reads the register but cannot change it.
        let auditor = try Loop.json(collector.send("POST", "/api/v1/accounts",
            json: #"{"username": "audrey", "name": "Audrey", "email": "a@example.com", "role": "auditor", "password": "correct horse battery"}"#), 201)
        #expect(auditor["id"] != nil)
        let token = try #require(try Loop.json(collector.send("POST", "/api/v1/login", json: #"{"username": "audrey", "password": "correct horse battery"}"#, token: nil))["token"] as? String)
        #expect(try collector.send("PATCH", "/api/v1/assets/\(phoneID)", json: #"{"notes": "x"}"#, token: token).status == 403)
        #expect(try collector.get("/api/v1/assets/\(phoneID)", token: token).status == 200)
    }

    @Test func aPersonConfirmsReceiptOfEverythingHandedOverAtOnce() throws {
        let (workspace, collector, cli) = try Self.world()
        defer { collector.stop(); workspace.remove() }
        _ = try Loop.json(collector.send("POST", "/api/v1/accounts",
            json: #"{"username": "jdupont", "name": "J Dupont", "email": "jd@example.com", "role": "requester", "password": "jeanne's long password"}"#), 201)
        let ids = try ["ThinkPad loaner", "USB-C dock"].map { name in
            try #require((try cli.json(["assets", "create", "--name", name]) as? [String: Any])?["id"] as? Int)
        }
        let due = String(ISO8601DateFormatter().string(from: Date().addingTimeInterval(365 * 86400)).prefix(10))
        let out = try cli.run(["assets", "checkout"] + ids.map(String.init) + ["--to", "jdupont", "--return", due, "--note", "while repaired"])
        #expect(out.contains("waiting for their confirmation") && out.contains("ThinkPad loaner") && out.contains(due), "\(out)")
        let again = try cli.run(["assets", "checkout", "\(ids[0])", "--to", "jdupont"], status: 1)
        #expect(again.contains("is checked out to jdupont"), "\(again)")

        // The person signs in and accepts once for both; the acceptance shows on the loans.
        let token = try #require(try Loop.json(collector.send("POST", "/api/v1/login", json: #"{"username": "jdupont", "password": "jeanne's long password"}"#))["token"] as? String)
        let pending = try #require(try JSONSerialization.jsonObject(with: collector.get("/api/v1/me/handovers?pending=true", token: token).body) as? [[String: Any]])
        #expect(pending.count == 1 && (pending.first?["loans"] as? [[String: Any]])?.count == 2)
        let handover = try #require(pending.first?["id"] as? Int)
        #expect(try collector.send("POST", "/api/v1/me/handovers/\(handover)/accept", json: "{}").status == 422, "an API token is not the person")
        #expect(try collector.send("POST", "/api/v1/me/handovers/\(handover)/accept", json: "{}", token: token).status == 200)
        #expect(try collector.send("POST", "/api/v1/me/handovers/\(handover)/accept", json: "{}", token: token).status == 409)
        let loans = try #require(try cli.json(["assets", "loans"]) as? [String: Any])
        let items = try #require(loans["items"] as? [[String: Any]])
        #expect(items.count == 2 && items.allSatisfy { $0["acceptedAt"] is String && $0["username"] as? String == "jdupont" })
        // The person sees their loans, not others'; the requester cannot check anything in.
        #expect(try Loop.json(collector.get("/api/v1/loans", token: token))["total"] as? Int == 2)
        #expect(try collector.send("POST", "/api/v1/assets/\(ids[1])/checkin", json: "{}", token: token).status == 403)
        try cli.run(["assets", "checkin", "\(ids[1])"])
        #expect(try #require(try cli.json(["assets", "loans"]) as? [String: Any])["total"] as? Int == 1)
        let csv = String(decoding: try collector.get("/api/v1/loans?state=all&format=csv").body, as: UTF8.self)
        #expect(csv.split(separator: "\r\n").count == 3 && csv.contains("USB-C dock"))
    }

    @Test func anAuditorScansLabelsAndTheRegisterListsWhatIsMisplaced() throws {
        let (workspace, collector, cli) = try Self.world()
        defer { collector.stop(); workspace.remove() }
        let site = try #require((try cli.json(["assets", "locations", "--add", "HQ", "--kind", "site"]) as? [String: Any])?["id"] as? Int)
        let building = try #require((try cli.json(["assets", "locations", "--add", "A", "--kind", "building", "--in", "\(site)"]) as? [String: Any])?["id"] as? Int)
        let desk = try #require((try cli.json(["assets", "locations", "--add", "Desk 12", "--kind", "room", "--in", "\(building)"]) as? [String: Any])?["id"] as? Int)
        let store = try #require((try cli.json(["assets", "locations", "--add", "Store", "--kind", "room", "--in", "\(building)"]) as? [String: Any])?["id"] as? Int)
        let monitor = try #require(try cli.json(["assets", "create", "--name", "Dell U2723QE", "--serial", "CN0ABC", "--location", "\(desk)"]) as? [String: Any])
        let (id, tag) = (try #require(monitor["id"] as? Int), try #require(monitor["tag"] as? String))

        // Its label, read back as a person and a scanner would: the tag in the text, the asset's page in the QR code.
        let pdf = workspace.directory + "/labels.pdf"
        let wrote = try cli.run(["assets", "labels", "\(id)", "--template", "avery-5160", "--output", pdf])
        #expect(wrote.contains("wrote"))
        let text = try Fixtures.run("/usr/bin/pdftotext", [pdf, "-"])
        #expect(String(decoding: text.stdout, as: UTF8.self).contains(tag))
        _ = try Fixtures.run("/usr/bin/pdftoppm", ["-r", "200", "-png", "-singlefile", pdf, workspace.directory + "/labels"])
        let scanned = try Fixtures.run("/usr/bin/zbarimg", ["-q", "--raw", workspace.directory + "/labels.png"])
        let url = String(decoding: scanned.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.hasSuffix("/assets/\(id)") && url.hasPrefix("http"), "\(url)")
        #expect(try collector.get("/api/v1/labels?ids=999999").status == 422)
        #expect(try collector.get("/api/v1/labels?ids=\(id)&template=nope").status == 400)

        // Scanned in the storeroom: found elsewhere than the register says, listed until moved.
        let audit = try #require(try cli.json(["assets", "audit", tag, "--location", "\(store)", "--note", "under a box"]) as? [String: Any])
        #expect(audit["registerLocation"] as? String == "HQ / A / Desk 12")
        let misplaced = try #require(try cli.json(["assets", "list", "--audit-location-mismatch"]) as? [String: Any])
        #expect((misplaced["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [id])
        try cli.run(["assets", "audit", "--serial", "CN0ABC", "--location", "\(store)", "--move"])
        #expect(try #require(try cli.json(["assets", "list", "--audit-location-mismatch"]) as? [String: Any])["total"] as? Int == 0)
        #expect(try cli.run(["assets", "show", "\(id)", "--section", "register"]).contains("HQ / A / Store"))
    }

    @Test func staffMergeTwoRecordsOfOneMachineAndUndoIt() throws {
        let (workspace, collector, cli) = try Self.world(agent: true)
        defer { collector.stop(); workspace.remove() }
        let reported = try #require((try Loop.json(collector.get("/api/v1/assets"))["items"] as? [[String: Any]])?.first?["id"] as? Int)
        let entered = try #require((try cli.json(["assets", "create", "--name", "Jeanne's ThinkPad", "--serial", "PF4ABCDE", "--supplier", "Bechtle"])
            as? [String: Any])?["id"] as? Int)
        // The record with the printed tag stays; the agent's asset goes into it with its agent and inventory.
        let merge = try #require(try cli.json(["assets", "merge", "\(entered)", "\(reported)"]) as? [String: Any])
        let mergeID = try #require(merge["id"] as? Int)
        let listed = try #require(try Loop.json(collector.get("/api/v1/assets"))["items"] as? [[String: Any]])
        #expect(listed.count == 1 && listed.first?["id"] as? Int == entered && listed.first?["hostname"] as? String == "tp-jdupont")
        let explained = try cli.run(["assets", "explain", "\(entered)"])
        #expect(explained.contains("merges (1)"), "\(explained)")
        #expect(try collector.get("/api/v1/assets/\(reported)").status == 404, "the merged asset is hidden")
        // The agent's next report goes to the survivor.
        try #require(try Session.runOnce(workspace).status == 0)
        #expect(try Loop.json(collector.get("/api/v1/assets"))["total"] as? Int == 1)
        try cli.run(["assets", "unmerge", "\(mergeID)"])
        #expect(try Loop.json(collector.get("/api/v1/assets"))["total"] as? Int == 2)
        #expect(try Loop.json(collector.get("/api/v1/assets/\(reported)/explain"))["agents"] as? [[String: Any]] != nil)
        let again = try cli.run(["assets", "unmerge", "\(mergeID)"], status: 1)
        #expect(again.contains("undone already"))
        let log = try TaskTests.sql(collector, "SELECT group_concat(action, ',') FROM auditEvent WHERE action LIKE '%merge%'")
        #expect(log == "merge assets,unmerge assets", "both are in the audit log")
    }

    @Test func aSnipeITExportIsImportedFromTheTerminalDryRunFirst() throws {
        let (workspace, collector, cli) = try Self.world(agent: true)
        defer { collector.stop(); workspace.remove() }
        _ = try Loop.json(collector.send("POST", "/api/v1/accounts", json: #"{"username": "jdupont", "name": "J Dupont", "email": "jd@example.com", "role": "requester"}"#), 201)
        let file = Fixtures.directory + "/imports/snipeit-assets.csv"
        let dry = try cli.run(["assets", "import", file, "--dry-run"])
        #expect(dry.contains("3 rows: 2 would be created, 0 would be updated, 1 would be matched"), "\(dry)")
        #expect(dry.contains("line 2: match asset 1 (the same serial and maker as the agent's asset 1)") && dry.contains("nothing written"))
        #expect(try Loop.json(collector.get("/api/v1/assets"))["total"] as? Int == 1)
        let real = try cli.run(["assets", "import", file])
        #expect(real.contains("written."), "\(real)")
        #expect(try Loop.json(collector.get("/api/v1/assets"))["total"] as? Int == 3)
        // A file of another tool, described by a mapping; a bad line stops the real run with its line number.
        let other = workspace.directory + "/other.csv", mapping = workspace.directory + "/mapping.json"
        try "Numéro;Désignation;N° de série;Etat\nINV-9;Casque;HS-1;En stock\nINV-10;Clavier;KB-1;volé\n".write(toFile: other, atomically: true, encoding: .utf8)
        try #"{"columns": {"Numéro": "tag", "Désignation": "name", "N° de série": "serial", "Etat": "ignore"}}"#.write(toFile: mapping, atomically: true, encoding: .utf8)
        let mapped = try cli.run(["assets", "import", other, "--mapping", mapping])
        #expect(mapped.contains("2 rows: 2 created") && mapped.contains("ignored columns: Etat"), "\(mapped)")
        try "Asset Tag,Name,Status\nX-1,ok,In stock\nX-2,bad,on the moon\n".write(toFile: other, atomically: true, encoding: .utf8)
        let refused = try cli.run(["assets", "import", other], status: 2)
        #expect(refused.contains("line 3: error: unknown status on the moon") && refused.contains("nothing was written"), "\(refused)")
        #expect(try Loop.json(collector.get("/api/v1/assets"))["total"] as? Int == 5)
    }
}

