import DesksideTestSupport
import Foundation
import Testing

/// The fault-to-ticket loop with the real programs: a collector, an enrolled agent reading a copy of
/// a laptop whose /home fills up, and the REST API through curl.
@Suite(.serialized) struct FaultTicketTests {
    typealias Session = AgentSessionTests

    /// Writes the copy's space figures: /home nearly full (4% free) or comfortable (40% free).
    static func setHome(full: Bool, in workspace: Session.Workspace) throws {
        let path = workspace.directory + "/space.json"
        let available = full ? 9_612_901 : 96_138_290
        let json = """
            {"/": {"blockSize": 4096, "blocks": 122783165, "blocksFree": 83201559, "blocksAvailable": 76963351},
             "/boot/efi": {"blockSize": 4096, "blocks": 261628, "blocksFree": 246914, "blocksAvailable": 246914},
             "/home": {"blockSize": 4096, "blocks": 240345726, "blocksFree": \(available + 12_209_510), "blocksAvailable": \(available)}}
            """
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func runOnce(_ workspace: Session.Workspace) throws {
        let result = try Session.agent(["run", "--once", "--root", workspace.root, "--space", workspace.directory + "/space.json",
                                        "--state", workspace.state])
        try #require(result.status == 0, "\(result.stderr)")
    }

    static func json(_ response: (status: Int, body: Data), _ expected: Int = 200) throws -> [String: Any] {
        try #require(response.status == expected, "\(response.status): \(String(decoding: response.body, as: UTF8.self))")
        return try Session.json(response.body)
    }

    /// The first admin's password, as the first start wrote it.
    static func adminPassword(_ workspace: Session.Workspace) throws -> String {
        try String(contentsOfFile: workspace.data + "/secrets/admin-password", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func diskTickets(_ collector: RunningCollector) throws -> [[String: Any]] {
        try Self.json(collector.get("/api/v1/tickets?faultCode=disk.space.low&sort=created"))["items"] as? [[String: Any]] ?? []
    }

    @Test func aNearlyFullDiskOpensOneTicketThatFollowsTheFault() throws {
        let workspace = try Session.Workspace()
        defer { workspace.remove() }
        let collector = try RunningCollector(data: workspace.data)
        defer { collector.stop() }
        // The owner and the knowledge-base article exist before the fault.
        let owner = try Self.json(collector.send("POST", "/api/v1/accounts", json: #"{"username": "jdupont", "name": "Jeanne Dupont", "role": "requester"}"#), 201)
        let article = try Self.json(collector.send("POST", "/api/v1/articles", json: """
            {"title": "Freeing disk space", "body": "Empty the trash, then `ncdu /home`.", "tags": ["disk"], "faultCodes": ["disk.space.low"]}
            """), 201)
        try Session.enroll(workspace, with: collector)
        try Self.setHome(full: false, in: workspace)
        try Self.runOnce(workspace)
        let assets = try Self.json(collector.get("/api/v1/assets"))["items"] as? [[String: Any]] ?? []
        let assetID = try #require(assets.first?["id"] as? Int)
        _ = try Self.json(collector.send("PUT", "/api/v1/assets/\(assetID)/owner", json: #"{"accountId": \#(owner["id"] as! Int), "note": "new hire"}"#))
        #expect(try Self.diskTickets(collector).isEmpty)

        // The disk fills: by the time the agent has its acknowledgement, the ticket exists.
        try Self.setHome(full: true, in: workspace)
        try Self.runOnce(workspace)
        var tickets = try Self.diskTickets(collector)
        try #require(tickets.count == 1)
        let ticketID = try #require(tickets[0]["id"] as? Int)
        #expect(tickets[0]["requester"] as? String == "jdupont")
        #expect(tickets[0]["tier"] as? Int == 1)
        #expect(tickets[0]["status"] as? String == "new")
        #expect(tickets[0]["assetIds"] as? [Int] == [assetID])
        let detail = try Self.json(collector.get("/api/v1/tickets/\(ticketID)"))
        let suggested = (detail["suggestedArticles"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        #expect(suggested.first == article["id"] as? Int, "the desk's own article first")
        let shipped = try #require((detail["suggestedArticles"] as? [[String: Any]])?.dropFirst().first)
        #expect(shipped["shipped"] as? Bool == true && shipped["title"] as? String == "Disk almost full", "then the starter article")
        let title = (detail["ticket"] as? [String: Any])?["title"] as? String ?? ""
        #expect(title.hasPrefix("tp-jdupont: /home has"), "the machine named in the title: \(title)")
        #expect((detail["faults"] as? [[String: Any]])?.first?["subject"] as? String == "/home")

        // Reported again: still one ticket.
        try Self.runOnce(workspace)
        #expect(try Self.diskTickets(collector).count == 1)

        // Cleared: resolved, with a note.
        try Self.setHome(full: false, in: workspace)
        try Self.runOnce(workspace)
        tickets = try Self.diskTickets(collector)
        #expect(tickets.count == 1)
        #expect(tickets.first?["status"] as? String == "resolved")
        #expect((tickets.first?["resolution"] as? String)?.contains("no longer reports disk.space.low") == true)

        // Back again: the same ticket, reopened.
        try Self.setHome(full: true, in: workspace)
        try Self.runOnce(workspace)
        tickets = try Self.diskTickets(collector)
        #expect(tickets.map { $0["id"] as? Int } == [ticketID])
        #expect(tickets.first?["status"] as? String == "inProgress")
    }

    /// Signing in over HTTP, a requester's view through its session, and the API's error codes.
    @Test func staffSignInAndRolesHoldOverHTTP() throws {
        let workspace = try Session.Workspace()
        defer { workspace.remove() }
        let collector = try RunningCollector(data: workspace.data)
        defer { collector.stop() }
        let password = try Self.adminPassword(workspace)
        let admin = try Self.json(collector.send("POST", "/api/v1/login", json: #"{"username": "admin", "password": "\#(password)"}"#))
        let adminToken = try #require(admin["token"] as? String)
        _ = try Self.json(collector.send("POST", "/api/v1/accounts", json: #"{"username": "ana", "name": "Ana", "role": "requester", "password": "ana's long password"}"#,
                                    token: adminToken), 201)
        let ana = try #require(try Self.json(collector.send("POST", "/api/v1/login", json: #"{"username": "ana", "password": "ana's long password"}"#))["token"] as? String)
        let own = try Self.json(collector.send("POST", "/api/v1/tickets", json: #"{"title": "Screen flickers", "description": "<script>x</script>"}"#, token: ana), 201)
        let staff = try Self.json(collector.send("POST", "/api/v1/tickets", json: #"{"title": "Rack audit", "description": ""}"#, token: adminToken), 201)
        #expect(own["description"] as? String == "<script>x</script>")
        #expect(try collector.get("/api/v1/tickets/\(staff["id"] as! Int)", token: ana).status == 404)
        #expect(try Self.json(collector.get("/api/v1/tickets", token: ana))["total"] as? Int == 1)
        #expect(try collector.send("POST", "/api/v1/tickets/\(own["id"] as! Int)/resolve", json: #"{"notes": "x"}"#, token: ana).status == 403)
        #expect(try collector.send("POST", "/api/v1/tickets/\(own["id"] as! Int)/comments", json: "{", token: ana).status == 400)
        #expect(try collector.send("POST", "/api/v1/login", json: #"{"username": "ana", "password": "wrong"}"#).status == 401)
        // A form post (no JSON content type) is refused before anything is read.
        let form = try Fixtures.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-d", "username=ana&password=x",
                                                      collector.httpAddress + "/api/v1/login"])
        #expect(String(decoding: form.stdout, as: UTF8.self) == "415")
        _ = try Self.json(collector.send("POST", "/api/v1/logout", token: ana))
        #expect(try collector.get("/api/v1/tickets", token: ana).status == 401)
        // A known path with a method it does not answer: 405 naming the methods it does (and Allow).
        let wrongMethod = try collector.send("DELETE", "/api/v1/tickets", token: adminToken)
        #expect(wrongMethod.status == 405)
        #expect(String(decoding: wrongMethod.body, as: UTF8.self).contains("allowed: GET, POST"))
        #expect(try collector.send("PUT", "/api/v1/tickets/7/resolve", token: adminToken).status == 405)
        #expect(try collector.get("/api/v1/no-such-thing", token: adminToken).status == 404)
        // A number parameter given empty is an error, not the default; ids start at 1.
        #expect(try collector.get("/api/v1/reports/weekly?days=", token: adminToken).status == 400)
        #expect(try collector.get("/api/v1/tickets?requester=0", token: adminToken).status == 400)
        #expect(try collector.get("/api/v1/tickets?status=", token: adminToken).status == 400)
        #expect(try collector.get("/api/v1/tickets?open=", token: adminToken).status == 400)
        #expect(try collector.get("/api/v1/tickets?assignee=", token: adminToken).status == 400)
        #expect(try collector.get("/api/v1/tickets?sort=", token: adminToken).status == 400)
        // What the document forbids is 400 INVALID; a well-formed request that names something not
        // stored is 422 UNPROCESSABLE; an integer written as a decimal (JSON Schema's integer) is one.
        func code(_ response: (status: Int, body: Data)) throws -> String? {
            try Session.json(response.body)["error"].flatMap { ($0 as? [String: Any])?["code"] as? String }
        }
        let blank = try collector.send("POST", "/api/v1/tickets", json: #"{"title": " \u3000 ", "description": ""}"#, token: adminToken)
        #expect(blank.status == 400)
        #expect(try code(blank) == "INVALID")
        let nobody = try collector.send("POST", "/api/v1/tickets", json: #"{"title": "Dock", "description": "", "requesterId": 999}"#, token: adminToken)
        #expect(nobody.status == 422)
        #expect(try code(nobody) == "UNPROCESSABLE")
        #expect(try collector.send("POST", "/api/v1/tickets/\(staff["id"] as! Int)/assign", json: #"{"accountId": 2}"#, token: adminToken).status == 422)
        #expect(try collector.send("POST", "/api/v1/tickets/\(staff["id"] as! Int)/escalate", json: #"{}"#, token: adminToken).status == 400)
        #expect(try collector.send("POST", "/api/v1/tickets/\(staff["id"] as! Int)/close", json: "164578", token: adminToken).status == 400)
        _ = try Self.json(collector.send("POST", "/api/v1/tickets", json: #"{"title": "Dock", "description": "", "tier": 2.0}"#, token: adminToken), 201)
        #expect(try collector.send("POST", "/api/v1/tickets", json: #"{"title": "Dock", "description": "", "tier": 2.5}"#, token: adminToken).status == 400)
        // A username longer than the register keeps is refused as such, not a database error (500).
        let long = try collector.send("POST", "/api/v1/accounts", json: #"{"username": "\#(String(repeating: "0", count: 65))", "name": "", "role": "requester"}"#,
                                      token: adminToken)
        #expect(long.status == 400)
        #expect(try code(long) == "INVALID")
        let allow = try Fixtures.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-D", "-", "-X", "DELETE", collector.httpAddress + "/api/v1/openapi.json"])
        #expect(String(decoding: allow.stdout, as: UTF8.self).lowercased().contains("allow: get"))
        // SECURITY-TESTS 36: the refused resolve is in the audit log, with who, what and no body.
        let audit = try AgentSessionTests.sql(workspace.data + "/deskside.sqlite",
                                              "SELECT actor || ' ' || action || ' ' || outcome || ' ' || detail FROM auditEvent WHERE detail = 'forbidden'")
        #expect(audit == "ana POST /api/v1/tickets/\(own["id"] as! Int)/resolve refused forbidden", "\(audit)")
    }

    /// Sign-in is rate-limited per address before any password is checked: past ten attempts a
    /// minute the answer is 429 with Retry-After, at once, and the right password does not help.
    @Test func aSignInFloodIsRefusedBeforeThePasswordCheck() throws {
        let workspace = try Session.Workspace()
        defer { workspace.remove() }
        let collector = try RunningCollector(data: workspace.data)
        defer { collector.stop() }
        let password = try Self.adminPassword(workspace)
        // Ten at once, then one every six seconds: the bucket runs dry within a few more (each refused
        // check takes a bcrypt's time, which the bucket refills a little during).
        var statuses: [Int] = []
        for attempt in 0..<20 where statuses.last != 429 {
            statuses.append(try collector.send("POST", "/api/v1/login", json: #"{"username": "nobody\#(attempt)", "password": "guess"}"#).status)
        }
        #expect(statuses.prefix(10).allSatisfy { $0 == 401 } && statuses.last == 429, "\(statuses)")
        let refused = try collector.send("POST", "/api/v1/login", json: #"{"username": "admin", "password": "\#(password)"}"#)
        #expect(refused.status == 429)
        #expect(try Session.json(refused.body)["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "TOO_MANY_SIGN_INS")
        // Refused on the event loop (SignInRefusal): the same headers as any answer, and the connection
        // stays usable, with its body read, for the next request on it.
        let login = collector.httpAddress + "/api/v1/login"
        let reuse = try Fixtures.run("/usr/bin/curl", [
            "-s", "-D", "-", "-o", "/dev/null", "-w", "status %{http_code} connects %{num_connects}\n", "-H", "Content-Type: application/json",
            "-d", #"{"username": "admin", "password": "\#(String(repeating: "x", count: 5000))"}"#, login,
            "--next", "-s", "-o", "/dev/null", "-w", "status %{http_code} connects %{num_connects}\n", collector.httpAddress + "/health"])
        let output = String(decoding: reuse.stdout, as: UTF8.self).lowercased()
        #expect(output.contains("status 429 connects 1") && output.contains("status 200 connects 0"), "\(output)")
        #expect(output.contains("retry-after: 60") && output.contains("x-content-type-options: nosniff") && output.contains("cache-control: no-store"))
    }
}
