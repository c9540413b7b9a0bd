import DesksideTestSupport
import Foundation
import Testing

/// The real agent, collector and CLI: a machine reinstalled (its agent's state gone, a new agent
/// enrolled on the same hardware) comes back as the same asset, with its owner, and
/// `deskside assets explain` says why; the old agent reporting again afterwards is a conflict, not
/// a merge.
@Suite struct ReenrollmentTests {
    typealias Session = AgentSessionTests
    typealias Loop = FaultTicketTests

    @Test func reEnrollingTheSameMachineGetsTheSameAsset() throws {
        let first = try Session.Workspace()
        defer { first.remove() }
        let collector = try RunningCollector(data: first.data)
        defer { collector.stop() }
        try Session.enroll(first, with: collector)
        try #require(try Session.runOnce(first).status == 0)
        func assets() throws -> [[String: Any]] { try #require(try Loop.json(collector.get("/api/v1/assets"))["items"] as? [[String: Any]]) }
        let asset = try #require(try assets().first?["id"] as? Int)
        // The first report's faults opened tickets titled with the machine's name, not its asset number.
        let opened = try #require(try Loop.json(collector.get("/api/v1/tickets"))["items"] as? [[String: Any]]).filter { $0["faultCode"] is String }
        try #require(!opened.isEmpty, "the laptop fixture has a worn battery")
        for ticket in opened { #expect((ticket["title"] as? String)?.hasPrefix("tp-jdupont: ") == true, "\(ticket["title"] ?? "")") }
        let account = try #require(try Loop.json(collector.send("POST", "/api/v1/accounts",
            json: #"{"username": "jdupont", "name": "J Dupont", "email": "jd@example.com", "role": "requester"}"#), 201)["id"] as? Int)
        _ = try Loop.json(collector.send("PUT", "/api/v1/assets/\(asset)/owner", json: #"{"accountId": \#(account), "note": "laptop"}"#))

        // Reinstalled: a fresh agent state on the same machine's files, a new enrollment.
        let second = try Session.Workspace()
        defer { second.remove() }
        try Session.enroll(second, with: collector)
        try #require(try Session.runOnce(second).status == 0)
        let after = try assets()
        #expect(after.count == 1, "the same asset, not a second one")
        #expect(after.first?["id"] as? Int == asset)
        #expect(after.first?["owner"] as? String == "jdupont")
        let explanation = try Loop.json(collector.get("/api/v1/assets/\(asset)/explain"))
        let agents = try #require(explanation["agents"] as? [[String: Any]])
        #expect(agents.count == 2)
        #expect(agents.last?["rule"] as? String == "uuidAndSerial")
        #expect((explanation["identity"] as? [String: Any])?["serial"] as? String == "PF4ABCDE")

        var environment = ProcessInfo.processInfo.environment
        environment["DESKSIDE_SERVER"] = collector.httpAddress
        environment["DESKSIDE_TOKEN_FILE"] = first.data + "/secrets/admin-token"
        func cli(_ arguments: [String]) throws -> String {
            let result = try Fixtures.run(Fixtures.program("deskside"), arguments, environment: environment)
            try #require(result.status == 0, "\(arguments): \(String(decoding: result.stderr, as: UTF8.self))")
            return String(decoding: result.stdout, as: UTF8.self)
        }
        let text = try cli(["assets", "explain", String(asset)])
        #expect(text.contains("uuidAndSerial") && text.contains("the same system UUID and serial") && text.contains("PF4ABCDE"), "\(text)")
        #expect(text.contains("never the hostname alone"))

        // The asset from the terminal: every section, one section, the whole history, the packages.
        let shown = try cli(["assets", "show", String(asset)])
        for part in ["hardware", "S64KNX0T412345", "operating system", "pending updates", "owners (1)", "history"] {
            #expect(shown.contains(part), "show has \(part)")
        }
        let updates = try cli(["assets", "show", String(asset), "--section", "updates"])
        #expect(updates.contains("pending updates") && !updates.contains("owners") && !updates.contains("S64KNX0T412345"))
        let history = try #require(try JSONSerialization.jsonObject(with: Data(cli(["assets", "history", String(asset), "--section", "agent", "--json"]).utf8)) as? [String: Any])
        let events = try #require(history["items"] as? [[String: Any]])
        #expect(events.count == history["total"] as? Int && !events.isEmpty && events.allSatisfy { $0["section"] as? String == "agent" })
        #expect(events.contains { ($0["newValue"] as? String)?.contains("the same system UUID and serial") == true })
        let software = try #require(try JSONSerialization.jsonObject(with: Data(cli(["assets", "software", String(asset), "--search", "ssl", "--json"]).utf8)) as? [String: Any])
        #expect((software["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["libssl3", "openssl"])
        let versions = Dictionary(uniqueKeysWithValues: (software["items"] as? [[String: Any]] ?? []).compactMap { item in
            (item["name"] as? String).map { ($0, item["version"] as? String ?? "") }
        })
        #expect(software["total"] as? Int == 2)

        // Any list of the API as CSV, for a spreadsheet.
        let csv = try collector.get("/api/v1/assets/\(asset)/software?q=ssl&format=csv")
        #expect(csv.status == 200)
        let rows = String(decoding: csv.body, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(rows == ["architecture,manager,name,version", "amd64,dpkg,libssl3,\(versions["libssl3"] ?? "")", "amd64,dpkg,openssl,\(versions["openssl"] ?? "")", ""])
        let tickets = String(decoding: try collector.get("/api/v1/tickets?format=csv").body, as: UTF8.self)
        #expect(tickets.hasPrefix("id,") && tickets.contains("tp-jdupont: "), "\(tickets.prefix(300))")
        #expect(try collector.get("/api/v1/tickets?format=xml").status == 400)

        // The first agent was not gone after all (a restored image): its next report is a conflict,
        // on a new asset, and both are flagged.
        try #require(try Session.runOnce(first).status == 0)
        let conflicted = try assets()
        #expect(conflicted.count == 2)
        for item in conflicted {
            let id = try #require(item["id"] as? Int)
            let detail = try Loop.json(collector.get("/api/v1/assets/\(id)"))
            let history = try #require(detail["history"] as? [[String: Any]])
            #expect(history.contains { $0["item"] as? String == "asset.identity.conflict" }, "asset \(id) is flagged")
            let tickets = try #require(detail["tickets"] as? [[String: Any]])
            #expect(tickets.contains { $0["faultCode"] as? String == "asset.identity.conflict" }, "a ticket for a person to look at asset \(id)")
        }
    }
}
