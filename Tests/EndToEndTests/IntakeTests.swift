import DesksideCompression
import DesksideTestSupport
import Foundation
import Testing

/// The intake through the real collector: Debian's FusionInventory agent reporting over loopback
/// with zlib, gzip and plain bodies and with Basic authentication, and GLPI Agent's JSON protocol
/// with the Windows fixtures (a nearly full C: drive opens a disk ticket end to end), and hostile
/// requests refused.
@Suite(.serialized) struct IntakeTests {
    typealias Session = AgentSessionTests
    typealias Loop = FaultTicketTests

    /// A source made by `deskside-collector intake add`: its URL path and, with Basic, its password.
    struct Source {
        var path: String
        var user: String?
        var password: String?
    }

    static func addSource(_ data: String, _ name: String, basicAuth: String? = nil) throws -> Source {
        let result = try Fixtures.run(Fixtures.program("deskside-collector"), ["intake", "add", name, "--data", data] + (basicAuth.map { ["--basic-auth", $0] } ?? []))
        let text = String(decoding: result.stdout, as: UTF8.self)
        try #require(result.status == 0, "\(text) \(String(decoding: result.stderr, as: UTF8.self))")
        let path = try #require(text.components(separatedBy: "URL path ").dropFirst().first?.components(separatedBy: "\n").first)
        let password = text.components(separatedBy: "password ").dropFirst().first?.components(separatedBy: "\n").first
        return Source(path: path, user: basicAuth, password: password)
    }

    static func start(_ workspace: Session.Workspace) throws -> RunningCollector {
        let config = workspace.directory + "/collector.json"
        try Data(#"{"intake": {"enabled": true, "scheduleHours": 24}}"#.utf8).write(to: URL(fileURLWithPath: config))
        return try RunningCollector(data: workspace.data, extraArguments: ["--config", config])
    }

    /// Runs `fusioninventory-agent` once against `source` (its configuration in a file, so the
    /// password is never on a command line nor in the inventory's PERL_ARGS); returns its log.
    static func runAgent(_ collector: RunningCollector, _ source: Source, password: String? = nil, options: [String] = [],
                         environment extra: [String: String] = [:], in directory: String) throws -> String {
        let agent = try #require(Fixtures.which("fusioninventory-agent"), "scripts/test installs Debian's fusioninventory-agent")
        var config = "server = \(collector.httpAddress)\(source.path)\nno-httpd = 1\nlogger = stderr\n"
        if let user = source.user { config += "user = \(user)\npassword = \(password ?? source.password ?? "")\n" }
        let file = directory + "/agent.cfg"
        try Data(config.utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        let result = try Fixtures.run(agent, ["--conf-file=\(file)", "--force", "--tasks=inventory", "--no-category=process,environment", "--debug"] + options,
                                      environment: environment)
        return String(decoding: result.stdout + result.stderr, as: UTF8.self)
    }

    static func devices(_ data: String) throws -> String {
        String(decoding: try Fixtures.run(Fixtures.program("deskside-collector"), ["intake", "devices", "--data", data]).stdout, as: UTF8.self)
    }

    static func assets(_ collector: RunningCollector) throws -> [[String: Any]] {
        try Session.json(collector.get("/api/v1/assets").body)["items"] as? [[String: Any]] ?? []
    }

    static func packages(of collector: RunningCollector, asset: Int) throws -> Set<String> {
        let detail = try Session.json(collector.get("/api/v1/assets/\(asset)").body)
        let software = (detail["inventory"] as? [String: Any])?["software"] as? [String: Any]
        return Set((software?["packages"] as? [[String: Any]] ?? []).map { "\($0["name"] ?? "") \($0["version"] ?? "") \($0["architecture"] ?? "")" })
    }

    static func dpkgPackages() throws -> Set<String> {
        let listed = try Fixtures.run("/usr/bin/dpkg-query", ["-W", "-f", "${db:Status-Status} ${Package} ${Version} ${Architecture}\n"])
        return Set(String(decoding: listed.stdout, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("installed ") }.map { String($0.dropFirst("installed ".count)) })
    }

    @Test func theRealFusionInventoryAgentReportsWithEveryEncodingAndBasicAuthentication() throws {
        let workspace = try Session.Workspace()
        defer { workspace.remove() }
        let open = try Self.addSource(workspace.data, "fleet")
        let secured = try Self.addSource(workspace.data, "secured", basicAuth: "agent")
        let collector = try Self.start(workspace)
        defer { collector.stop() }

        // zlib, FusionInventory's default: the inventory appears as an asset with the packages dpkg lists.
        let first = try Self.runAgent(collector, open, in: workspace.directory)
        #expect(!first.contains("[error]"), "\(first.suffix(2000))")
        let assets = try Self.assets(collector)
        try #require(assets.count == 1, "\(first.suffix(2000)) \(collector.stderr.suffix(2000))")
        let asset = try #require(assets[0]["id"] as? Int)
        #expect(try Self.packages(of: collector, asset: asset) == Self.dpkgPackages())
        #expect(first.contains("Content-Type: application/x-compress-zlib") || first.contains("Using Compress::Zlib"))

        // Plain, then gzip (Compress::Zlib hidden from Perl, so the agent pipes through gzip): the same asset.
        let plain = try Self.runAgent(collector, open, options: ["--no-compression"], in: workspace.directory)
        #expect(!plain.contains("[error]"), "\(plain.suffix(2000))")
        let shim = workspace.directory + "/perl-shim/Compress"
        try FileManager.default.createDirectory(atPath: shim, withIntermediateDirectories: true)
        try Data("die \"Compress::Zlib hidden for the test\\n\";\n".utf8).write(to: URL(fileURLWithPath: shim + "/Zlib.pm"))
        let gzip = try Self.runAgent(collector, open, environment: ["PERL5LIB": workspace.directory + "/perl-shim"], in: workspace.directory)
        #expect(gzip.contains("Using gzip for compression"), "\(gzip.suffix(2000))")
        #expect(!gzip.contains("[error]"), "\(gzip.suffix(2000))")

        // Basic authentication: the right password reports (to the same asset, by its disk's serial), a wrong one nothing.
        let before = try Self.devices(workspace.data)
        let wrong = try Self.runAgent(collector, secured, password: "not-the-password", in: workspace.directory)
        #expect(wrong.contains("authentication required"), "\(wrong.suffix(2000))")
        #expect(try Self.devices(workspace.data) == before, "a refused request leaves no device behind")
        let authenticated = try Self.runAgent(collector, secured, in: workspace.directory)
        #expect(!authenticated.contains("[error]"), "\(authenticated.suffix(2000))")
        #expect(try Self.devices(workspace.data).contains("secured"))
        // The asset says which sources reported it, and when.
        let explanation = try Session.json(collector.get("/api/v1/assets/\(asset)/explain").body)
        let reporters = explanation["intakeDevices"] as? [[String: Any]] ?? []
        #expect(Set(reporters.compactMap { $0["source"] as? String }) == ["fleet", "secured"])
        #expect(reporters.allSatisfy { $0["lastInventoryAt"] is String && ($0["agentVersion"] as? String)?.hasPrefix("FusionInventory-Agent_v") == true })

        // Every run updated the one asset; the history says the packages did not change.
        #expect(try Self.assets(collector).count == 1)
        let detail = try Session.json(collector.get("/api/v1/assets/\(asset)").body)
        let history = detail["history"] as? [[String: Any]] ?? []
        #expect(!history.contains { ($0["section"] as? String) == "software" }, "no package event: the same packages each time")
        #expect(!collector.stderr.contains(open.path.dropFirst("/intake/".count)), "the token is in no log line")
    }

    /// POSTs `body` to the intake path as an agent would, through curl with its URL (and so the
    /// token) on standard input; returns the status, Content-Type and raw reply.
    static func post(_ collector: RunningCollector, _ source: Source, _ body: [UInt8], contentType: String, headers: [String] = [],
                     at address: String? = nil, in directory: String) throws -> (status: Int, contentType: String, body: [UInt8]) {
        let bodyFile = directory + "/request.bin", replyFile = directory + "/reply.bin"
        try Data(body).write(to: URL(fileURLWithPath: bodyFile))
        var config = "url = \"\(address ?? collector.httpAddress)\(source.path)\"\nheader = \"Content-Type: \(contentType)\"\n"
        for header in headers { config += "header = \"\(header)\"\n" }
        let result = try Fixtures.run("/usr/bin/curl", ["-sS", "-K", "-", "--data-binary", "@" + bodyFile, "-o", replyFile, "-w", "%{http_code} %{content_type}"],
                                      stdin: Data(config.utf8))
        let summary = String(decoding: result.stdout, as: UTF8.self).split(separator: " ", maxSplits: 1)
        return (Int(summary.first ?? "") ?? 0, summary.count > 1 ? String(summary[1]) : "", Array(try Data(contentsOf: URL(fileURLWithPath: replyFile))))
    }

    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.directory + "/interop/glpi/" + name)))
    }

    @Test func aWindowsMachinesFullDiskOpensATicketThroughGLPIAgentsProtocol() throws {
        let workspace = try Session.Workspace()
        defer { workspace.remove() }
        let source = try Self.addSource(workspace.data, "windows")
        let collector = try Self.start(workspace)
        defer { collector.stop() }

        // GLPI Agent's first PROLOG, with its id: the JSON answer that turns it to its native protocol.
        let prolog = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REQUEST>\n  <DEVICEID>DESKTOP-FIXTURE10-2026-02-16-09-41-07</DEVICEID>\n  <QUERY>PROLOG</QUERY>\n</REQUEST>\n".utf8)
        let switched = try Self.post(collector, source, Deflate.compress(prolog), contentType: "application/x-compress-zlib",
                                     headers: ["GLPI-Agent-ID: 3f9a1c52-8d4e-4b7a-9c21-6e0d5f8a2b13"], in: workspace.directory)
        #expect(String(decoding: try CompressedFile.decompress(switched.body, format: .gzip, maxOutputBytes: 1 << 20), as: UTF8.self)
                == "{\"status\":\"ok\",\"expiration\":24}")
        #expect(switched.contentType == "application/x-compress-zlib")
        let contact = try Self.post(collector, source, Deflate.compress(Self.fixture("contact.json")), contentType: "application/x-compress-zlib",
                                    headers: ["GLPI-Agent-ID: 3f9a1c52-8d4e-4b7a-9c21-6e0d5f8a2b13"], in: workspace.directory)
        #expect(contact.status == 200 && contact.contentType == "application/x-compress-zlib" && Array(contact.body.prefix(2)) == [0x78, 0x9C])
        let contactReply = String(decoding: try CompressedFile.decompress(contact.body, format: .gzip, maxOutputBytes: 1 << 20), as: UTF8.self)
        #expect(contactReply.hasPrefix("{\"status\":\"ok\",\"expiration\":24,") && contactReply.contains("\"disabled\":["))

        let stored = try Self.post(collector, source, Deflate.compress(Self.fixture("windows10.json")), contentType: "application/x-compress-zlib",
                                   in: workspace.directory)
        #expect(stored.status == 200)
        #expect(String(decoding: try CompressedFile.decompress(stored.body, format: .gzip, maxOutputBytes: 1 << 20), as: UTF8.self)
                == "{\"status\":\"ok\",\"expiration\":24}")
        let tickets = try Loop.diskTickets(collector)
        try #require(tickets.count == 1, "\(collector.stderr.suffix(2000))")
        #expect((tickets[0]["title"] as? String)?.contains("DESKTOP-FIXTURE10") == true)
        #expect((tickets[0]["title"] as? String)?.contains("C:") == true)

        // The Windows 11 desktop: its antivirus is off and its updates stopped; then a partial inventory.
        #expect(try Self.post(collector, source, Self.fixture("windows11.json"), contentType: "application/json", in: workspace.directory).status == 200)
        #expect(try Self.post(collector, source, Gzip.compress(Self.fixture("windows11-partial.json")), contentType: "application/x-compress-gzip",
                              in: workspace.directory).contentType == "application/x-compress-gzip")
        let assets = try Self.assets(collector)
        #expect(assets.count == 2)
        let antivirus = try Session.json(collector.get("/api/v1/tickets?faultCode=antivirus.disabled").body)["items"] as? [[String: Any]] ?? []
        #expect(antivirus.count == 1)
        // The ticket suggests the starter article shipped for it.
        let detail = try Session.json(collector.get("/api/v1/tickets/\(antivirus.first?["id"] as? Int ?? 0)").body)
        #expect((detail["suggestedArticles"] as? [[String: Any]] ?? []).contains { $0["title"] as? String == "Antivirus protection is off" })
        let getConfig = try Fixtures.run("/usr/bin/curl", ["-sS", "-K", "-"], stdin: Data("url = \"\(collector.httpAddress)\(source.path)?action=getConfig&machineid=x\"\n".utf8))
        #expect(String(decoding: getConfig.stdout, as: UTF8.self) == "{\"schedule\":[],\"configValidityPeriod\":600}")
    }

    /// SECURITY-TESTS 52 and the hostile cases of issue 15, against the running collector: nothing
    /// is stored, the collector keeps serving.
    @Test func hostileRequestsAreRefusedAndNothingIsStored() throws {
        let workspace = try Session.Workspace()
        defer { workspace.remove() }
        let source = try Self.addSource(workspace.data, "hostile")
        let collector = try Self.start(workspace)
        defer { collector.stop() }
        let bomb = """
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <REQUEST><QUERY>PROLOG</QUERY><DEVICEID>&lol1;</DEVICEID></REQUEST>
            """
        let external = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><REQUEST><QUERY>INVENTORY</QUERY><DEVICEID>&x;</DEVICEID></REQUEST>"#
        for document in [bomb, external] {
            let reply = try Self.post(collector, source, Deflate.compress(Array(document.utf8)), contentType: "application/x-compress-zlib", in: workspace.directory)
            #expect(reply.status == 400)
            let text = String(decoding: try CompressedFile.decompress(reply.body, format: .gzip, maxOutputBytes: 1 << 20), as: UTF8.self)
            #expect(text.contains("DOCTYPE") && !text.contains("root:"))
        }
        #expect(try Self.post(collector, Source(path: "/intake/not-a-token"), Array("<REQUEST/>".utf8), contentType: "application/xml", in: workspace.directory).status == 404)
        #expect(try Self.post(collector, source, Array("{\"action\":\"inventory\",\"deviceid\":\"x\",\"content\":".utf8), contentType: "application/json",
                              in: workspace.directory).status == 400)
        // HTML in every field is stored as text (the pages escape it).
        func poisoned(_ value: Any) -> Any {
            switch value {
            case let text as String: return "<img src=x onerror=alert(1)>" + text
            case let list as [Any]: return list.map(poisoned)
            case let object as [String: Any]: return object.mapValues(poisoned)
            default: return value
            }
        }
        var document = try #require(try JSONSerialization.jsonObject(with: Data(Self.fixture("macos.json"))) as? [String: Any])
        document["content"] = poisoned(document["content"] ?? [:])
        document["deviceid"] = poisoned(document["deviceid"] ?? "")
        let html = try JSONSerialization.data(withJSONObject: document)
        #expect(try Self.post(collector, source, Array(html), contentType: "application/json", in: workspace.directory).status == 200)
        let assets = try Self.assets(collector)
        #expect(assets.count == 1 && assets.first?["hostname"] as? String == "<img src=x onerror=alert(1)>FIXTURE-MBP14")
        #expect(try Self.devices(workspace.data).contains("<img src=x onerror=alert(1)>fixture-mbp14"))
        #expect(collector.process.isRunning)
    }

    /// `intake.listen`: the intake on a port of its own, and only there; off loopback without TLS
    /// only when the config says so.
    @Test func theIntakeOnAListenerOfItsOwn() throws {
        let workspace = try Session.Workspace()
        defer { workspace.remove() }
        let source = try Self.addSource(workspace.data, "own-port")
        let config = workspace.directory + "/collector.json"
        try Data(#"{"intake": {"enabled": true, "listen": "127.0.0.1:0"}}"#.utf8).write(to: URL(fileURLWithPath: config))
        let collector = try RunningCollector(data: workspace.data, extraArguments: ["--config", config])
        defer { collector.stop() }
        var intake = ""
        for _ in 0..<100 where intake.isEmpty {
            intake = collector.stdout.components(separatedBy: "agents' intake:").dropFirst().first?
                .trimmingCharacters(in: .whitespaces).components(separatedBy: "/intake/").first ?? ""
            if intake.isEmpty { Thread.sleep(forTimeInterval: 0.05) }
        }
        try #require(intake.hasPrefix("http://127.0.0.1:") && !intake.hasPrefix(collector.httpAddress), "\(collector.stdout)")
        let prolog = Array("<REQUEST><QUERY>PROLOG</QUERY><DEVICEID>pc-2026-01-01-00-00-00</DEVICEID></REQUEST>".utf8)
        let own = try Self.post(collector, source, prolog, contentType: "application/xml", at: intake, in: workspace.directory)
        #expect(own.status == 200 && String(decoding: own.body, as: UTF8.self).contains("<PROLOG_FREQ>24</PROLOG_FREQ>"))
        #expect(try Self.post(collector, source, prolog, contentType: "application/xml", in: workspace.directory).status == 404, "not on the HTTP port")
        let off = workspace.directory + "/off.json"
        try Data(#"{"intake": {"enabled": true, "listen": "0.0.0.0:0"}}"#.utf8).write(to: URL(fileURLWithPath: off))
        let refused = try Fixtures.run(Fixtures.program("deskside-collector"), ["serve", "--data", workspace.data, "--config", off, "--agent-listen", "127.0.0.1:0",
                                                                               "--http-listen", "127.0.0.1:0"])
        #expect(refused.status != 0 && String(decoding: refused.stderr, as: UTF8.self).contains("intake.plainHTTP"))
    }

    /// SECURITY-TESTS 53 end to end: an inventory through the intake that claims the machine an
    /// enrolled Deskside agent reports (its system UUID and serial) changes nothing of that asset;
    /// the refusal is on the device and in the asset's history.
    @Test func aClaimOnAnEnrolledAgentsMachineChangesNothing() throws {
        let workspace = try Session.Workspace()
        defer { workspace.remove() }
        let source = try Self.addSource(workspace.data, "claims")
        let collector = try Self.start(workspace)
        defer { collector.stop() }
        try Session.enroll(workspace, with: collector)
        try #require(try Session.runOnce(workspace).status == 0)
        let asset = try #require(try Self.assets(collector).first?["id"] as? Int)
        let identity = try #require(try Session.json(collector.get("/api/v1/assets/\(asset)/explain").body)["identity"] as? [String: Any])
        let uuid = try #require(identity["systemUUID"] as? String), serial = try #require(identity["serial"] as? String)
        let before = try Session.json(collector.get("/api/v1/assets/\(asset)").body)

        var document = try #require(try JSONSerialization.jsonObject(with: Data(Self.fixture("windows10.json"))) as? [String: Any])
        var content = try #require(document["content"] as? [String: Any])
        var hardware = try #require(content["hardware"] as? [String: Any]), bios = try #require(content["bios"] as? [String: Any])
        hardware["uuid"] = uuid
        bios["ssn"] = serial
        (content["hardware"], content["bios"]) = (hardware, bios)
        document["content"] = content
        let reply = try Self.post(collector, source, Array(try JSONSerialization.data(withJSONObject: document)), contentType: "application/json",
                                  in: workspace.directory)
        #expect(reply.status == 409)
        #expect(String(decoding: reply.body, as: UTF8.self).contains("\"status\":\"error\""))
        let after = try Session.json(collector.get("/api/v1/assets/\(asset)").body)
        #expect(NSDictionary(dictionary: before["asset"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: after["asset"] as? [String: Any] ?? [:]))
        #expect(NSDictionary(dictionary: before["inventory"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: after["inventory"] as? [String: Any] ?? [:]))
        #expect(try Self.assets(collector).count == 1)
        #expect(try Loop.diskTickets(collector).isEmpty, "the claim's full C: opened nothing")
        let history = after["history"] as? [[String: Any]] ?? []
        #expect(history.contains { $0["item"] as? String == "claim refused" })
        #expect(try Self.devices(workspace.data).contains("Deskside agent"))
    }
}
