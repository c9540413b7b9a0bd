import DesksideNotifications
import DesksideTestSupport
import Foundation
import Testing

/// Notifications with real parts: the real collector, a real SMTP server (aiosmtpd) receiving its
/// mail, a real webhook receiver checking signatures, Python's smtplib sending mail to the desk.
@Suite(.serialized) struct NotificationTests {
    typealias Session = AgentSessionTests
    typealias Loop = FaultTicketTests

    /// The SMTP server's messages, oldest first.
    struct Mailbox {
        let directory: String

        var messages: [String] {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
            return names.compactMap { try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }
        }

        static func header(_ name: String, _ message: String) -> String? {
            let head = message.components(separatedBy: "\r\n\r\n").first ?? ""
            return head.replacingOccurrences(of: "\r\n ", with: " ").components(separatedBy: "\r\n")
                .first { $0.lowercased().hasPrefix(name.lowercased() + ":") }.map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }

        static func read(_ message: String) throws -> InboundMail { try InboundMail(Array(message.utf8)) }
    }

    /// Polls without holding a thread: the suite shares two cores, and a blocked cooperative thread
    /// starves every async test beside it. The bound is a liveness check, not a timing: delivery runs
    /// at nice +10 (`BackgroundThreads`) and waits behind every busy test of the suite (a 50,000-line
    /// import takes a core for half a minute), so it is generous.
    static func wait(_ seconds: TimeInterval = 180, for what: @autoclosure () throws -> String, _ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out waiting for \((try? what()) ?? "?")")
        throw CancellationError()
    }

    static func config(_ directory: String, _ notifications: String) throws -> [String] {
        let path = directory + "/collector.json"
        try Data(#"{"notifications": \#(notifications)}"#.utf8).write(to: URL(fileURLWithPath: path))
        return ["--config", path]
    }

    static func account(_ collector: RunningCollector, _ username: String, role: String, tier: Int? = nil) throws -> Int {
        let body = #"{"username": "\#(username)", "name": "\#(username.capitalized)", "email": "\#(username)@example.com", "role": "\#(role)", "tier": \#(tier.map(String.init) ?? "null")}"#
        return try #require(try Loop.json(collector.send("POST", "/api/v1/accounts", json: body), 201)["id"] as? Int)
    }

    /// A ticket opened by a fault reaches its owner and the tier's technician; a crash of the collector
    /// in the middle of sending loses nothing and changes nothing (a copy has the same id and bytes);
    /// a relay down for a while gets everything once it is back, in order per ticket.
    @Test func mailReachesThePeopleOfATicketThroughACrashAndAnOutage() async throws {
        let workspace = try Session.Workspace()
        defer { workspace.remove() }
        let mailbox = Mailbox(directory: workspace.directory + "/mailbox")
        let portFile = workspace.directory + "/smtp-port"
        var sink = try PythonTool("mail_sink.py", ["--dir", mailbox.directory, "--delay", "0.25"], portFile: portFile)
        let smtpPort = sink.port
        defer { sink.stop() }
        let arguments = try Self.config(workspace.directory, """
            {"consoleURL": "https://desk.example.com", "retryDelaysSeconds": [1, 1, 2, 2, 5, 5, 10, 10, 30, 60],
             "mail": {"host": "127.0.0.1", "port": \(smtpPort), "security": "none", "from": "helpdesk@example.com", "fromName": "IT help desk"}}
            """)
        var collector = try RunningCollector(data: workspace.data, extraArguments: arguments)
        defer { collector.stop() }
        let jd = try Self.account(collector, "jd", role: "requester")
        _ = try Self.account(collector, "tess", role: "technician", tier: 1)

        // The machine's disk fills: its ticket is mailed to its owner and to the tier's technician.
        try Session.enroll(workspace, with: collector)
        try Loop.setHome(full: false, in: workspace)
        try Loop.runOnce(workspace)
        let asset = try #require((try Loop.json(collector.get("/api/v1/assets"))["items"] as? [[String: Any]])?.first?["id"] as? Int)
        _ = try Loop.json(collector.send("PUT", "/api/v1/assets/\(asset)/owner", json: #"{"accountId": \#(jd), "note": "laptop"}"#))
        try Loop.setHome(full: true, in: workspace)
        try Loop.runOnce(workspace)
        let ticket = try #require(try Loop.diskTickets(collector).first?["id"] as? Int)
        func about(_ id: Int) -> [String] { mailbox.messages.filter { Mailbox.header("Subject", $0)?.hasPrefix("[DS-\(id)] ") == true } }
        try await Self.wait(for: "the two mails of the new ticket") { about(ticket).count >= 2 }
        let first = about(ticket)
        #expect(Set(first.compactMap { Mailbox.header("To", $0) }) == ["<jd@example.com>", "<tess@example.com>"])
        let toJD = try #require(first.first { Mailbox.header("To", $0) == "<jd@example.com>" })
        #expect(Mailbox.header("Subject", toJD)?.hasPrefix("[DS-\(ticket)] ") == true)
        #expect(Mailbox.header("From", toJD) == "IT help desk <helpdesk@example.com>")
        #expect(Mailbox.header("X-Deskside-Event", toJD) == "ticket.opened")
        let text = try Mailbox.read(toJD).text
        #expect(text.contains("https://desk.example.com/go/tickets/\(ticket)") && text.contains("Hello Jd"))

        // Eight public comments: sixteen more mails. The collector is killed while it sends them.
        for n in 1...8 {
            _ = try Loop.json(collector.send("POST", "/api/v1/tickets/\(ticket)/comments", json: #"{"body": "Update \#(n)", "internal": false}"#))
        }
        try await Self.wait(for: "a few comment mails") { about(ticket).count >= 5 }
        collector.kill()
        collector = try RunningCollector(data: workspace.data, extraArguments: arguments)
        func unique() -> [String: [String]] { Dictionary(grouping: mailbox.messages) { Mailbox.header("Message-ID", $0) ?? "" } }
        // Three for the two tickets (the laptop's worn battery opened one for the tier before it had an owner), sixteen for the comments.
        try await Self.wait(for: "all 19 mails after the restart") { unique().count >= 19 }
        try await Task.sleep(for: .seconds(1))
        let copies = unique()
        #expect(copies.count == 19, "nothing lost, nothing made twice: \(copies.count) distinct messages")
        #expect((try Loop.json(collector.get("/api/v1/notifications"))["total"] as? Int) == 19)
        for (id, messages) in copies where messages.count > 1 {
            #expect(Set(messages).count == 1, "a copy of \(id) is the same message")
        }
        // Outcomes are written once a second; the relay takes a mail every quarter second: at most
        // the last second's mails (four, five at a stretch) come twice, none three times.
        #expect(copies.values.allSatisfy { $0.count <= 2 }, "a duplicate at most")
        #expect(copies.values.map(\.count).reduce(0, +) <= 19 + 5, "at most the mails the relay took in the second before the kill")
        func updates(for address: String) throws -> [String] {
            var seen = Set<String>(), order: [String] = []
            for message in mailbox.messages where Mailbox.header("To", message) == "<\(address)>" {
                let id = Mailbox.header("Message-ID", message) ?? ""
                guard seen.insert(id).inserted else { continue }
                if let line = try Mailbox.read(message).text.components(separatedBy: "\n").first(where: { $0.hasPrefix("Update ") || $0.hasPrefix("Later ") }) {
                    order.append(line)
                }
            }
            return order
        }
        #expect(try updates(for: "jd@example.com") == (1...8).map { "Update \($0)" }, "in order, through the crash")

        // The relay goes down: the mails wait, each attempt recorded; it comes back: all go, in order.
        sink.stop()
        for n in 1...3 {
            _ = try Loop.json(collector.send("POST", "/api/v1/tickets/\(ticket)/comments", json: #"{"body": "Later \#(n)", "internal": false}"#))
        }
        try await Self.wait(for: "failed attempts") {
            let pending = try Loop.json(collector.get("/api/v1/notifications?state=pending"))["items"] as? [[String: Any]] ?? []
            return pending.contains { ($0["attempts"] as? Int ?? 0) >= 2 && $0["lastError"] is String }
        }
        let status = try Loop.json(collector.get("/api/v1/status"))["outbox"] as? [String: Any] ?? [:]
        #expect((status["pending"] as? Int ?? 0) >= 6 && status["workerStale"] as? Bool == false && status["mail"] as? Bool == true)
        sink = try PythonTool("mail_sink.py", ["--dir", mailbox.directory, "--port", "\(smtpPort)"], portFile: portFile)
        try await Self.wait(for: "the mails held back") { unique().count >= 25 }
        #expect(try updates(for: "jd@example.com") == (1...8).map { "Update \($0)" } + (1...3).map { "Later \($0)" })
        #expect(try updates(for: "tess@example.com").suffix(3) == (1...3).map { "Later \($0)" })
        #expect((try Loop.json(collector.get("/api/v1/notifications?state=failed"))["total"] as? Int) == 0)
        collector.stop()
    }

    /// The relay as companies run it: STARTTLS with a certificate from the company's CA (caFile),
    /// then AUTH; and implicit TLS. The password comes from a file.
    @Test func mailGoesThroughStartTLSWithAuthenticationAndThroughImplicitTLS() async throws {
        let workspace = try Session.Workspace()
        defer { workspace.remove() }
        let directory = workspace.directory
        _ = try Fixtures.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                                                  "-addext", "subjectAltName=DNS:localhost", "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem"])
        try Data("s3cret-relay-password\n".utf8).write(to: URL(fileURLWithPath: directory + "/smtp-password"))
        let mailbox = Mailbox(directory: directory + "/mailbox")
        let startTLS = try PythonTool("mail_sink.py", ["--dir", mailbox.directory, "--tls", directory + "/cert.pem", directory + "/key.pem",
                                                       "--auth", "desk:s3cret-relay-password"], portFile: directory + "/smtp-port")
        defer { startTLS.stop() }
        let collector = try RunningCollector(data: workspace.data, extraArguments: try Self.config(directory, """
            {"mail": {"host": "localhost", "port": \(startTLS.port), "security": "startTLS", "username": "desk", "passwordFile": "\(directory)/smtp-password",
                      "caFile": "\(directory)/cert.pem", "from": "helpdesk@example.com"}}
            """))
        defer { collector.stop() }
        _ = try Self.account(collector, "tess", role: "technician", tier: 1)
        _ = try Loop.json(collector.send("POST", "/api/v1/tickets", json: #"{"title": "Monitor flickers", "description": "desk 4"}"#), 201)
        try await Self.wait(for: "the mail through STARTTLS: \(String(decoding: try collector.get("/api/v1/notifications").body, as: UTF8.self))") { mailbox.messages.count == 1 }
        #expect(Mailbox.header("To", mailbox.messages[0]) == "<tess@example.com>")
        #expect(Mailbox.header("X-Envelope-From", mailbox.messages[0]) == "helpdesk@example.com")
        #expect(!collector.stderr.contains("s3cret-relay-password"), "no secret in a log line")
        collector.stop()

        let implicit = try PythonTool("mail_sink.py", ["--dir", mailbox.directory, "--tls", directory + "/cert.pem", directory + "/key.pem", "--implicit"],
                                      portFile: directory + "/smtps-port")
        defer { implicit.stop() }
        let again = try RunningCollector(data: workspace.data, extraArguments: try Self.config(directory, """
            {"mail": {"host": "localhost", "port": \(implicit.port), "security": "tls", "caFile": "\(directory)/cert.pem", "from": "helpdesk@example.com"}}
            """))
        defer { again.stop() }
        let opened = try again.send("POST", "/api/v1/tickets", json: #"{"title": "Dock dead", "description": "desk 5"}"#)
        try #require(opened.status == 201, "\(opened.status) \(String(decoding: opened.body, as: UTF8.self)) \(again.stderr.suffix(3000)) \(collector.stderr.suffix(2000))")
        try await Self.wait(for: "the mail through implicit TLS") { mailbox.messages.count == 2 }
    }

    /// SECURITY-TESTS 50 and 51: a webhook is signed, retried after a 500, delivered once; one aimed
    /// at the collector's own port or at link-local is refused. The HR system's onboarding hook
    /// needs a valid signature.
    @Test func webhooksAreSignedRetriedAndRefusedWhereTheyMustBe() async throws {
        let workspace = try Session.Workspace()
        defer { workspace.remove() }
        let secretFile = workspace.directory + "/webhook-secret", log = workspace.directory + "/webhooks.log"
        try Data("not yet".utf8).write(to: URL(fileURLWithPath: secretFile))
        let receiver = try PythonTool("webhook_receiver.py", ["--secret-file", secretFile, "--fail", "2", "--log", log],
                                      portFile: workspace.directory + "/hook-port")
        defer { receiver.stop() }
        let hookSecret = workspace.directory + "/hr-secret"
        try Data("hr-shared-secret-0123456789".utf8).write(to: URL(fileURLWithPath: hookSecret))
        let collector = try RunningCollector(data: workspace.data, extraArguments: try Self.config(workspace.directory, """
            {"retryDelaysSeconds": [1, 1, 1, 1, 1], "webhooks": {"allowedNetworks": ["127.0.0.0/8"]}, "onboardingHookSecretFile": "\(hookSecret)"}
            """))
        defer { collector.stop() }
        let made = try Loop.json(collector.send("POST", "/api/v1/webhooks", json: #"{"url": "http://127.0.0.1:\#(receiver.port)/desk", "events": ["ticket.*"]}"#), 201)
        try Data(try #require(made["secret"] as? String).utf8).write(to: URL(fileURLWithPath: secretFile))
        let ticket = try Loop.json(collector.send("POST", "/api/v1/tickets", json: #"{"title": "Badge reader broken", "description": "door 3"}"#), 201)
        func requests() -> [[String: Any]] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { try? Session.json(Data($0.utf8)) }
        }
        try await Self.wait(for: "the third attempt") { requests().count >= 3 }
        try await Task.sleep(for: .milliseconds(1500))
        let seen = requests()
        #expect(seen.count == 3, "two 500s, then once")
        #expect(seen.allSatisfy { $0["valid"] as? Bool == true }, "every attempt signed")
        #expect(Set(seen.compactMap { $0["delivery"] as? String }).count == 1, "the same delivery each time")
        let body = try #require(seen.last?["body"] as? [String: Any])
        #expect(body["type"] as? String == "ticket.opened" && (body["ticket"] as? [String: Any])?["id"] as? Int == ticket["id"] as? Int)
        let record = try #require((try Loop.json(collector.get("/api/v1/notifications"))["items"] as? [[String: Any]])?.first)
        #expect(record["state"] as? String == "sent" && record["attempts"] as? Int == 3)

        // A receiver that is never there: retried, then a dead letter that staff see and send again
        // from the CLI.
        _ = try Loop.json(collector.send("POST", "/api/v1/webhooks", json: #"{"url": "http://127.0.0.1:9/gone", "events": ["ticket.opened"]}"#), 201)
        _ = try Loop.json(collector.send("POST", "/api/v1/tickets", json: #"{"title": "Second", "description": "x"}"#), 201)
        try await Self.wait(for: "the dead letter") { (try Loop.json(collector.get("/api/v1/notifications?state=failed"))["total"] as? Int) == 1 }
        let directory = workspace.directory
        let cli = StaffCLITests.CLI(credentials: directory + "/config/credentials.json")
        let password = try String(contentsOfFile: workspace.data + "/secrets/admin-password", encoding: .utf8)
        try #require(try cli(["login", "--server", collector.httpAddress, "--username", "admin"], stdin: password).status == 0)
        let failed = try #require((try cli.json(["notifications", "list", "--failed"]) as? [String: Any])?["items"] as? [[String: Any]])
        #expect(failed.count == 1 && failed[0]["recipient"] as? String == "http://127.0.0.1:9/gone" && failed[0]["attempts"] as? Int == 6)
        #expect((failed[0]["lastError"] as? String ?? "").contains("unreachable"))
        let resent = try #require(try cli.json(["notifications", "resend", "\(failed[0]["id"] as? Int ?? 0)"]) as? [String: Any])
        #expect(resent["state"] as? String == "pending" && resent["attempts"] as? Int == 0)
        #expect(try cli(["notifications", "status"]).out.contains("worker last ran"))

        let httpPort = try #require(collector.httpAddress.split(separator: ":").last.flatMap { Int($0) })
        for url in ["http://127.0.0.1:\(httpPort)/api/v1/tickets", "http://169.254.169.254/latest/meta-data", "ftp://127.0.0.1/x"] {
            #expect(try collector.send("POST", "/api/v1/webhooks", json: #"{"url": "\#(url)", "events": ["*"]}"#).status == 422, "\(url)")
        }

        // The onboarding hook: a template, then a signed request starts an onboarding; others are refused.
        let template = #"{"name": "basic", "steps": [{"name": "Report", "kind": "inventory.refresh"}]}"#
        _ = try Loop.json(collector.send("POST", "/api/v1/templates", json: template), 201)
        let hire = #"{"account": "newhire", "name": "New Hire", "email": "newhire@example.com", "template": "basic"}"#
        #expect(try collector.send("POST", "/api/v1/hooks/onboarding", json: hire).status == 401, "unsigned")
        let timestamp = Int64(Date().timeIntervalSince1970)
        let signature = WebhookSignature.sign(secret: "hr-shared-secret-0123456789", timestamp: timestamp, body: Array(hire.utf8))
        let wrong = WebhookSignature.sign(secret: "guessed", timestamp: timestamp, body: Array(hire.utf8))
        #expect(try Self.hook(collector, hire, signature: wrong).status == 401, "signed with another secret")
        let started = try Loop.json(try Self.hook(collector, hire, signature: signature), 201)
        #expect((started["onboarding"] as? [String: Any])?["username"] as? String == "newhire" || started["enrollmentToken"] != nil)
    }

    static func hook(_ collector: RunningCollector, _ body: String, signature: String) throws -> (status: Int, body: Data) {
        let file = try Fixtures.temporaryDirectory() + "/hook.json"
        try Data(body.utf8).write(to: URL(fileURLWithPath: file))
        let result = try Fixtures.run("/usr/bin/curl", ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "-K", "-", "-H", "Content-Type: application/json",
                                                        "-H", "\(WebhookSignature.header): \(signature)", "--data-binary", "@" + file,
                                                        collector.httpAddress + "/api/v1/hooks/onboarding"],
                                      stdin: Data("header = \"Authorization: Bearer \(collector.adminToken)\"\n".utf8))
        let text = String(decoding: result.stdout, as: UTF8.self)
        let split = text.lastIndex(of: "\n") ?? text.startIndex
        return (Int(text[text.index(after: split)...]) ?? 0, Data(text[..<split].utf8))
    }

    /// Mail to the desk: a requester's mail opens a ticket, a reply with [DS-n] is a comment on it;
    /// SECURITY-TESTS 48-49: a forged or unknown sender, a 50 MB mail and MIME nested 10,000 deep are
    /// refused and the listener keeps serving; a CR/LF in a subject injects no header into our mail.
    @Test func mailToTheDeskOpensTicketsAndRefusesWhatItMust() async throws {
        let workspace = try Session.Workspace()
        defer { workspace.remove() }
        let mailbox = Mailbox(directory: workspace.directory + "/mailbox")
        let sink = try PythonTool("mail_sink.py", ["--dir", mailbox.directory], portFile: workspace.directory + "/smtp-port")
        defer { sink.stop() }
        let collector = try RunningCollector(data: workspace.data, extraArguments: try Self.config(workspace.directory, """
            {"mail": {"host": "127.0.0.1", "port": \(sink.port), "security": "none", "from": "helpdesk@example.com"},
             "mailIn": {"listen": "127.0.0.1:0", "addresses": ["helpdesk@example.com"], "maxMessageBytes": 5000000}}
            """))
        defer { collector.stop() }
        try await Self.wait(for: "the mail listener") { collector.stdout.contains("mail in (SMTP):") }
        let port = try #require(collector.stdout.components(separatedBy: "mail in (SMTP):").last?.components(separatedBy: "\n").first?
            .trimmingCharacters(in: .whitespaces).split(separator: ":").last.flatMap { Int($0) })
        _ = try Self.account(collector, "jd", role: "requester")
        func send(_ envelope: String, _ message: String) throws -> String {
            let file = try Fixtures.temporaryDirectory() + "/mail.eml"
            try Data(message.utf8).write(to: URL(fileURLWithPath: file))
            let result = try Fixtures.run(PythonTool.python, [Fixtures.packageRoot + "/Tests/Tools/mail_send.py", "\(port)", envelope, file])
            return String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func mail(from: String = "Jean Dupont <jd@example.com>", subject: String, _ body: String, headers: String = "") -> String {
            "From: \(from)\r\nTo: helpdesk@example.com\r\nSubject: \(subject)\r\nMessage-ID: <\(UUID().uuidString)@example.com>\r\n\(headers)\r\n\(body)\r\n"
        }

        let log = Data("paper jam at tray 2\n".utf8).base64EncodedString()
        let opened = try send("jd@example.com", mail(subject: "Printer on fire", """
            --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe printer on floor 2 smokes.\r\n\
            --b1\r\nContent-Type: text/html; name="printer.html"\r\nContent-Disposition: attachment; filename="printer.html"\r\n\
            Content-Transfer-Encoding: base64\r\n\r\n\(Data("<script>alert(1)</script>".utf8).base64EncodedString())\r\n\
            --b1\r\nContent-Type: text/plain; name="log.txt"\r\nContent-Disposition: attachment; filename="log.txt"\r\n\
            Content-Transfer-Encoding: base64\r\n\r\n\(log)\r\n--b1--
            """, headers: "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n"))
        #expect(opened.hasPrefix("250") && opened.contains("opened"), "\(opened)")
        let tickets = try Loop.json(collector.get("/api/v1/tickets?sort=created"))["items"] as? [[String: Any]] ?? []
        let ticket = try #require(tickets.first { $0["title"] as? String == "Printer on fire" })
        let id = try #require(ticket["id"] as? Int)
        #expect(ticket["requester"] as? String == "jd")
        #expect(ticket["description"] as? String == "The printer on floor 2 smokes.")
        let attachments = try Loop.json(collector.get("/api/v1/tickets/\(id)"))["attachments"] as? [[String: Any]] ?? []
        #expect(attachments.compactMap { $0["filename"] as? String } == ["printer.html", "log.txt"])
        let download = try Fixtures.run("/usr/bin/curl", ["-s", "-D", "-", "-K", "-", collector.httpAddress + "/api/v1/tickets/\(id)/attachments/\(attachments.first?["id"] as? Int ?? 0)"],
                                        stdin: Data("header = \"Authorization: Bearer \(collector.adminToken)\"\n".utf8))
        let answer = String(decoding: download.stdout, as: UTF8.self).lowercased()
        #expect(answer.contains("content-type: application/octet-stream") && answer.contains("content-disposition: attachment; filename=\"printer.html\"")
                && answer.contains("x-content-type-options: nosniff") && answer.hasSuffix("<script>alert(1)</script>"), "a download, never a page")
        let reply = try send("jd@example.com", mail(subject: "Re: [DS-\(id)] Printer on fire", "It stopped smoking.\r\n\r\nOn Mon, 7 Dec 2026, IT wrote:\r\n> quoted"))
        #expect(reply.hasPrefix("250") && reply.contains("DS-\(id)"), "\(reply)")
        let timeline = try Loop.json(collector.get("/api/v1/tickets/\(id)"))["timeline"] as? [[String: Any]] ?? []
        #expect(timeline.contains { $0["kind"] as? String == "comment" && $0["body"] as? String == "It stopped smoking." && $0["actor"] as? String == "jd" }, "\(timeline)")

        #expect(try send("evil@example.org", mail(subject: "Give me admin", "please")).hasPrefix("550"), "From is not the envelope's sender")
        #expect(try send("stranger@example.org", mail(from: "stranger@example.org", subject: "Hi", "who am I")).hasPrefix("550"), "unknown sender")
        let huge = mail(subject: "Big", String(repeating: String(repeating: "x", count: 998) + "\r\n", count: 52_000))
        #expect(try send("jd@example.com", huge).hasPrefix("552"), "50 MB against a 5 MB cap")
        var bomb = "From: jd@example.com\r\nSubject: bomb\r\n"
        for depth in 0..<10_000 { bomb += "Content-Type: multipart/mixed; boundary=b\(depth)\r\n\r\n--b\(depth)\r\n" }
        #expect(try send("jd@example.com", bomb + "x\r\n").hasPrefix("550"), "MIME nested 10,000 deep")

        // A subject hiding a line break and a header: the ticket's title is one line, our mail has no such header.
        let encoded = "=?UTF-8?B?" + Data("Help\r\nBcc: all@example.com".utf8).base64EncodedString() + "?="
        #expect(try send("jd@example.com", mail(subject: encoded, "see subject")).hasPrefix("250"), "the listener still serves")
        let injected = try #require((try Loop.json(collector.get("/api/v1/tickets?sort=created"))["items"] as? [[String: Any]])?
            .first { ($0["title"] as? String)?.hasPrefix("Help") == true })
        #expect(injected["title"] as? String == "Help Bcc: all@example.com")
        try await Self.wait(for: "the acknowledgement of that ticket") {
            mailbox.messages.contains { Mailbox.header("Subject", $0)?.contains("[DS-\(injected["id"] as? Int ?? 0)]") == true }
        }
        for message in mailbox.messages {
            #expect(Mailbox.header("Bcc", message) == nil)
        }
        let ack = try #require(mailbox.messages.first { Mailbox.header("Subject", $0)?.contains("[DS-\(id)]") == true })
        #expect(Mailbox.header("To", ack) == "<jd@example.com>" && Mailbox.header("Auto-Submitted", ack) == "auto-generated")
    }
}
