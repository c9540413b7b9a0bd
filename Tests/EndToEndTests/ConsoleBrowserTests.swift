import DesksideTestSupport
import Foundation
import Testing

/// The web console in a real headless Chromium, against the real collector and agent: the help
/// desk's work done in the browser, hostile inventory shown as text, forged and cross-site posts
/// refused, each role seeing what it may. Screenshots go to .build/console-screenshots.
@Suite(.serialized) struct ConsoleBrowserTests {
    typealias Session = AgentSessionTests

    static let hostileHost = "<script>alert(1)</script>"
    static let hostilePackage = "<img src=x onerror=alert(2)>"

    /// The laptop fixture with a hostile host name and package, /home nearly full, enrolled, its
    /// agent running (tasks allowed: inventory.refresh) so that an onboarding can be watched.
    final class World {
        let workspace: Session.Workspace
        let collector: RunningCollector
        var agent: Process?
        let screenshots: String

        init() throws {
            workspace = try Session.Workspace()
            try Self.makeHostile(workspace.root)
            collector = try RunningCollector(data: workspace.data)
            screenshots = Fixtures.packageRoot + "/.build/console-screenshots"
            try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
            try FaultTicketTests.setHome(full: true, in: workspace)
            try Session.enroll(workspace, with: collector)
        }

        static func makeHostile(_ root: String) throws {
            for path in ["/etc/hostname", "/proc/sys/kernel/hostname"] where FileManager.default.fileExists(atPath: root + path) {
                try (ConsoleBrowserTests.hostileHost + "\n").write(toFile: root + path, atomically: true, encoding: .utf8)
            }
            let status = root + "/var/lib/dpkg/status"
            let stanza = "\nPackage: \(ConsoleBrowserTests.hostilePackage)\nStatus: install ok installed\nPriority: optional\nSection: misc\n"
                + "Installed-Size: 10\nMaintainer: Nobody <nobody@example.com>\nArchitecture: amd64\nVersion: 1.0\nDescription: hostile\n"
            let text = try String(contentsOfFile: status, encoding: .utf8)
            try (text.hasSuffix("\n\n") ? text + stanza.dropFirst() : text + stanza).write(toFile: status, atomically: true, encoding: .utf8)
        }

        func startAgent() throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Session.agent)
            process.arguments = ["run", "--root", workspace.root, "--state", workspace.state, "--space", workspace.directory + "/space.json",
                                 "--task-root", workspace.directory + "/tasks", "--tasks", "inventory.refresh"]
            try FileManager.default.createDirectory(atPath: workspace.directory + "/tasks", withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: agentLog, contents: nil)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: agentLog))
            try process.run()
            agent = process
        }

        var agentLog: String { workspace.directory + "/agent.log" }

        func api(_ method: String, _ path: String, _ json: String, expect: Int = 201) throws -> [String: Any] {
            try FaultTicketTests.json(collector.send(method, path, json: json), expect)
        }

        deinit {
            if let agent, agent.isRunning { agent.terminate(); agent.waitUntilExit() }
            collector.stop()
            workspace.remove()
        }
    }

    static func signIn(_ browser: Browser, _ base: String, _ username: String, _ password: String) throws {
        try browser.deleteCookies()
        try browser.open(base + "/login")
        try browser.type("#username", username)
        try browser.type("#password", password)
        try browser.click("form button[type=submit]")
    }

    /// What the browser logged: a script that ran (our alerts) or a policy violation on our pages.
    static func noScriptRan(_ browser: Browser) throws {
        let log = try browser.log()
        #expect(!log.contains { $0.contains("Content Security Policy") || $0.contains("alert") }, "\(log)")
    }

    /// axe-core's WCAG 2 A and AA rules on the page open in the browser: no serious or critical
    /// violation (SECURITY and the issue's bar: keyboard, labels, contrast).
    static func accessible(_ browser: Browser, _ page: String) throws {
        let path = ProcessInfo.processInfo.environment["DESKSIDE_AXE_JS"] ?? Fixtures.packageRoot + "/.build/axe/axe.min.js"
        let axe = try #require(try? String(contentsOfFile: path, encoding: .utf8), "axe.min.js is missing: scripts/test fetches it")
        _ = try browser.execute(axe + "\n;return true;")
        let found = try browser.executeAsync("""
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}}).then(result => done(result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))), e => done(['axe failed: ' + e]));
            """) as? [String] ?? ["axe returned nothing"]
        #expect(found.isEmpty, "\(page): \(found)")
    }

    @Test func theHelpDeskWorksInABrowser() throws {
        try #require(Browser.available, "Chromium and chromedriver are missing: scripts/install-deps test installs them")
        let world = try World()
        let base = world.collector.httpAddress
        // People, an article and a canned answer, through the API.
        let password = "correct horse battery"
        var ids: [String: Int] = [:]
        for (user, role, tier) in [("tess", "technician", "1"), ("jdupont", "requester", "null"), ("bob", "requester", "null"), ("audrey", "auditor", "null")] {
            ids[user] = try world.api("POST", "/api/v1/accounts", #"{"username": "\#(user)", "name": "\#(user.capitalized)", "role": "\#(role)", "tier": \#(tier), "password": "\#(password)"}"#)["id"] as? Int
        }
        let article = try world.api("POST", "/api/v1/articles", """
            {"title": "Freeing disk space", "body": "Empty the trash, then `ncdu /home`.", "tags": ["disk"], "faultCodes": ["disk.space.low"]}
            """)
        _ = try world.api("POST", "/api/v1/canned-answers", #"{"title": "Looking into it", "body": "We are looking into it and will be back to you today."}"#)
        let bobTicket = try #require(try world.api("POST", "/api/v1/tickets", #"{"title": "Bob's secret VPN problem", "description": "only Bob sees this", "requesterId": \#(ids["bob"] ?? 0)}"#)["id"] as? Int)

        // The machine reports: its disk is nearly full, so a ticket opens; it belongs to jdupont.
        try FaultTicketTests.runOnce(world.workspace)
        let assets = try FaultTicketTests.json(world.collector.get("/api/v1/assets"))["items"] as? [[String: Any]] ?? []
        let assetID = try #require(assets.first?["id"] as? Int)
        #expect(assets.first?["hostname"] as? String == Self.hostileHost)
        let jdupont = try #require(ids["jdupont"])
        _ = try world.api("PUT", "/api/v1/assets/\(assetID)/owner", #"{"accountId": \#(jdupont), "note": "new laptop"}"#, expect: 200)
        let ticketID = try #require(FaultTicketTests.diskTickets(world.collector).first?["id"] as? Int)

        let browser = try Browser()
        defer { browser.quit() }
        try browser.open(base + "/")
        #expect(try browser.url.hasPrefix(base + "/login"), "a page without a session goes to the sign-in page")

        // A technician finds the asset by host name, opens its disk ticket, adds an internal note
        // from the canned answer, and resolves it with the suggested article.
        try Self.signIn(browser, base, "tess", password)
        try browser.wait(for: "the dashboard") { try browser.url == base + "/dashboard" }
        try browser.wait(for: "the counts") { try browser.exists(".tiles") }
        try browser.screenshot(to: world.screenshots + "/dashboard.png")
        try Self.accessible(browser, "dashboard")
        try browser.click("nav a[href='/assets']")
        try browser.type("#f-hostname", "script")
        try browser.click(".filters button[type=submit]")
        try Self.accessible(browser, "assets")
        try browser.click("table.list a[href='/assets/\(assetID)']")
        #expect(try browser.text("h1") == Self.hostileHost, "the host name is shown as text")
        try browser.type("#s-filter", "onerror")
        try browser.click("form[role=search] button[type=submit]")
        #expect(try browser.text("#software-table tbody").contains(Self.hostilePackage), "the package name is shown as text")
        try browser.select("#a-status", value: "inStock")
        try browser.click("form[action$='/status'] button[type=submit]")
        #expect(try browser.text(".flash") == "The status is saved.")
        #expect(try browser.text("#history tbody").contains("inStock"), "the change is in the asset's history")
        try browser.select("#a-status", value: "deployed")
        try browser.click("form[action$='/status'] button[type=submit]")
        // The register: opened, filled in, saved; a spreadsheet's cost is read as such.
        try browser.click("#register details summary")
        try browser.type("#r-department", "Finance")
        try browser.type("#r-cost", "1,234.5")
        try browser.click("form[action$='/register'] button[type=submit]")
        #expect(try browser.text(".flash") == "The register is saved.")
        #expect(try browser.text("#register dl").contains("1234.50") && browser.text("#register dl").contains("Finance"))
        try browser.click("form[action$='/audit'] button[type=submit]")
        #expect(try browser.text(".flash") == "The audit is recorded.")
        #expect(try browser.text("#register dl").contains("Last audit"))
        #expect(try browser.text("#identity").contains("its first report"), "why the asset is this machine")
        // The audit desk: a scanned tag, then the loans page, both accessible.
        let tag = try #require((try FaultTicketTests.json(world.collector.get("/api/v1/assets/\(assetID)"))["asset"] as? [String: Any])?["tag"] as? String)
        try browser.open(base + "/audit")
        try browser.type("#u-asset", tag)
        try browser.click("form[action='/audit'] button[type=submit]")
        #expect(try browser.text(".flash") == "Audited: \(tag).")
        try Self.accessible(browser, "audit")
        try browser.open(base + "/loans?state=all")
        try Self.accessible(browser, "loans")
        try browser.open(base + "/assets/\(assetID)")
        try browser.type("#s-filter", "onerror")
        try browser.click("form[role=search] button[type=submit]")
        try browser.screenshot(to: world.screenshots + "/asset.png")
        try Self.accessible(browser, "asset")
        try Self.noScriptRan(browser)
        try browser.click("#tickets a[href='/tickets/\(ticketID)']")
        #expect(try browser.source.contains("Freeing disk space"), "the suggested article is offered")
        try browser.select("#c-canned", value: "1")
        try browser.click("input[name=internal]")
        try browser.click("form[action$='/comment'] button[type=submit]")
        #expect(try browser.text(".flash") == "The internal note is added.")
        #expect(try browser.text(".timeline li.internal .body").contains("We are looking into it"))
        try browser.type("#w-notes", "Emptied the trash and old downloads; 40 % free now.")
        try browser.select("#w-article", value: "\(article["id"] as? Int ?? 0)")
        try browser.click("form[action$='/resolve'] button[type=submit]")
        #expect(try browser.text(".flash") == "The ticket is resolved.")
        try browser.screenshot(to: world.screenshots + "/ticket.png")
        try Self.accessible(browser, "ticket")
        try browser.click("nav a[href='/tickets']")
        try Self.accessible(browser, "tickets")

        // An article written in the browser: its Markdown becomes HTML, the markup typed as text stays text.
        try browser.open(base + "/knowledge/new")
        try browser.type("#e-title", "VPN <b>drops</b>")
        try browser.type("#e-body", "## Steps\n- Restart **the client**\n- <script>alert(3)</script> [bad](javascript:alert(4)) [good](https://wiki.example/vpn)")
        try browser.click("form[action='/knowledge'] button[type=submit]")
        #expect(try browser.text("h1") == "VPN <b>drops</b>")
        #expect(try browser.text(".article li strong") == "the client")
        #expect(try browser.text(".article").contains("<script>alert(3)</script>"))
        #expect(try browser.findAll(".article a").count == 1, "only the https link is a link")
        try Self.accessible(browser, "article")
        try Self.noScriptRan(browser)
        let resolved = try FaultTicketTests.json(world.collector.get("/api/v1/tickets/\(ticketID)"))["ticket"] as? [String: Any]
        #expect(resolved?["status"] as? String == "resolved")

        // Every list exports with the filters it shows, as CSV and JSON, in the signed-in session.
        let exported = try browser.executeAsync("""
            const done = arguments[arguments.length - 1];
            Promise.all(['/export/tickets.csv?queue=all', '/export/tickets.json?queue=all', '/export/accounts.csv', '/export/assets.json?q=script']
                .map(u => fetch(u).then(r => r.text()))).then(texts => done(texts), e => done(String(e)));
            """) as? [String]
        let texts = try #require(exported)
        #expect(texts[0].hasPrefix("id,") && texts[0].contains("\r\n\(ticketID),"), "\(texts[0].prefix(300))")
        let tickets = try #require(try JSONSerialization.jsonObject(with: Data(texts[1].utf8)) as? [String: Any])
        #expect((tickets["items"] as? [[String: Any]])?.contains { $0["id"] as? Int == ticketID } == true)
        #expect(texts[2].contains("username") && texts[2].contains("tess"))
        #expect((try JSONSerialization.jsonObject(with: Data(texts[3].utf8)) as? [String: Any])?["total"] as? Int == 1)

        // A form posted without its token, or with another session's, changes nothing.
        let forged = try browser.executeAsync("""
            const done = arguments[arguments.length - 1];
            fetch('/tickets/\(ticketID)/reopen', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                  body: 'reason=forged&csrf=0000', redirect: 'manual'}).then(r => done(r.status), e => done(String(e)));
            """)
        #expect(forged as? Int == 403)

        // Signing out ends the session on the server: its cookie, put back, opens nothing.
        let technicianCookie = try browser.cookies().first { $0["name"] as? String == "deskside_session" }?["value"] as? String
        try browser.click(".signout button[type=submit]")
        try browser.wait(for: "the sign-in page") { try browser.url.hasPrefix(base + "/login") }
        try browser.addCookie(name: "deskside_session", value: try #require(technicianCookie))
        try browser.open(base + "/dashboard")
        #expect(try browser.url.hasPrefix(base + "/login"), "a signed-out session is gone on the server")

        // The requester sees their machine (in plain words) and their ticket only, and rates it.
        try browser.deleteCookies()
        try browser.addCookie(name: "deskside_session", value: "dss_planted0000000000000000000000000000")
        try Self.signIn(browser, base, "jdupont", password)
        try browser.wait(for: "the portal") { try browser.url == base + "/portal" }
        let requesterCookie = try browser.cookies().first { $0["name"] as? String == "deskside_session" }?["value"] as? String
        #expect(requesterCookie != nil && requesterCookie != "dss_planted0000000000000000000000000000", "sign-in makes a new session")
        #expect(requesterCookie != technicianCookie)
        let portal = try browser.source
        #expect(portal.contains("The disk is almost full"))
        #expect(!portal.contains("Bob&#39;s secret") && !portal.contains("Bob's secret"))
        #expect(try browser.text(".machine h3") == Self.hostileHost)
        try browser.screenshot(to: world.screenshots + "/portal.png")
        try Self.accessible(browser, "portal")
        try browser.open(base + "/tickets/\(ticketID)")
        #expect(try browser.url == base + "/portal/tickets/\(ticketID)", "the staff pages send a requester to the portal")
        try browser.open(base + "/portal/tickets/\(bobTicket)")
        #expect(try browser.text("h1") == "Not found", "nor another person's ticket")
        try browser.open(base + "/portal/tickets/\(ticketID)")
        #expect(!(try browser.source.contains("We are looking into it")), "an internal note is not shown to the requester")
        try browser.click("input[name=rating][value='5']")
        try browser.type("#p-rating", "Quick and kind")
        try browser.click("form[action$='/rate'] button[type=submit]")
        #expect(try browser.text(".flash") == "Thank you for your rating.")
        try Self.noScriptRan(browser)

        // An auditor sees no write control, and a write forged with their own token is refused.
        let rated = try FaultTicketTests.json(world.collector.get("/api/v1/tickets/\(ticketID)"))["ticket"] as? [String: Any]
        #expect(rated?["rating"] as? Int == 5)
        try Self.signIn(browser, base, "audrey", password)
        try browser.open(base + "/tickets/\(ticketID)")
        #expect(try !browser.exists("form[action$='/comment']"))
        try browser.open(base + "/assets/\(assetID)")
        #expect(try !browser.exists("form[action$='/assign']"))
        let token = try #require(try browser.execute("return document.querySelector('input[name=csrf]').value") as? String)
        let refused = try browser.executeAsync("""
            const done = arguments[arguments.length - 1];
            fetch('/tickets/\(ticketID)/reopen', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                  body: 'reason=auditor&csrf=\(token)', redirect: 'manual'}).then(r => done(r.status), e => done(String(e)));
            """)
        #expect(refused as? Int == 404, "the desk refuses the auditor's write (shown as not found)")
        let stillResolved = try FaultTicketTests.json(world.collector.get("/api/v1/tickets/\(ticketID)"))["ticket"] as? [String: Any]
        #expect(stillResolved?["status"] as? String == rated?["status"] as? String)

        // An admin starts an onboarding on the machine and watches it finish.
        _ = try world.api("POST", "/api/v1/templates", #"{"name": "refresh", "steps": [{"kind": "inventory.refresh"}], "checklist": ["Hand over the laptop"]}"#)
        try world.startAgent()
        let adminPassword = try FaultTicketTests.adminPassword(world.workspace)
        try Self.signIn(browser, base, "admin", adminPassword)
        try browser.open(base + "/onboardings")
        try browser.type("#o-account", "newhire")
        try browser.type("#o-name", "New Hire")
        try browser.type("#o-asset", "\(assetID)")
        try browser.click("form[action='/onboardings'] button[type=submit]")
        #expect(try browser.text("h1").hasPrefix("Onboarding of New Hire"))
        try browser.click("#follow")
        do {
            try browser.wait(seconds: 60, for: "the step to finish") { try browser.source.contains("step-succeeded") }
        } catch {
            try? browser.screenshot(to: world.screenshots + "/onboarding-failed.png")
            Issue.record("the agent's log: \((try? String(contentsOfFile: world.agentLog, encoding: .utf8)) ?? "")\n\(world.collector.stderr.suffix(3000))")
            throw error
        }
        try browser.screenshot(to: world.screenshots + "/onboarding.png")
        try Self.accessible(browser, "onboarding")
        try browser.click(".checklist form button")
        #expect(try browser.source.contains("(admin)"), "the manual item is ticked by the admin")
        try browser.open(base + "/assets/\(assetID)")
        #expect(try browser.text("#runs").contains("refresh: succeeded"), "the asset page lists its onboarding runs")
        for page in ["/accounts", "/reports", "/knowledge", "/tokens", "/fault-rules", "/canned", "/offboardings", "/onboardings",
                     "/notifications", "/webhooks", "/preferences"] {
            try browser.open(base + page)
            #expect(try browser.text("h1") != "Not found", "\(page)")
            try Self.accessible(browser, page)
        }
        // Mail preferences: one kind turned off, saved, shown off.
        try browser.click("input[name='mail-ticket.commented']")
        try browser.click("form[action='/preferences'] button[type=submit]")
        #expect(try browser.text(".flash") == "Your choices are saved.")
        #expect(try browser.execute("return document.querySelector(\"input[name='mail-ticket.commented']\").checked") as? Bool == false)
        #expect(try browser.execute("return document.querySelector(\"input[name='mail-ticket.opened']\").checked") as? Bool == true)
        try Self.noScriptRan(browser)
    }

    /// A sign-in posted from another site's page is refused before the password is checked, and
    /// pages can be neither framed nor cached.
    @Test func aCrossSiteSignInIsRefusedAndPagesAreNeitherFramedNorCached() throws {
        let world = try World()
        let base = world.collector.httpAddress
        let page = try Fixtures.run("/usr/bin/curl", ["-s", "-D", "-", "-o", "/dev/null", base + "/login"])
        let headers = String(decoding: page.stdout, as: UTF8.self).lowercased()
        #expect(headers.contains("content-security-policy: default-src 'none'; script-src 'self'"), "\(headers)")
        #expect(headers.contains("frame-ancestors 'none'") && headers.contains("x-frame-options: deny") && headers.contains("cache-control: no-store"))
        let answer = try Fixtures.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Origin: http://evil.example",
                                                        "--data", "username=admin&password=x", base + "/login"])
        #expect(String(decoding: answer.stdout, as: UTF8.self) == "403")
        let same = try Fixtures.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Origin: \(base)",
                                                      "--data", "username=admin&password=wrong", base + "/login"])
        #expect(String(decoding: same.stdout, as: UTF8.self) == "401")
    }
}

/// `httpTLS`: the console and the API over TLS with the collector's own certificate, the session
/// cookie then `Secure`; and no plain HTTP off loopback.
@Suite struct ConsoleTLSTests {
    @Test func theConsoleIsServedOverTLSWithASecureCookie() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/config.json"
        try Data(#"{"httpTLS": {"collectorCertificate": true}}"#.utf8).write(to: URL(fileURLWithPath: config))
        let collector = try RunningCollector(data: directory + "/data", extraArguments: ["--config", config])
        defer { collector.stop() }
        #expect(collector.httpAddress.hasPrefix("https://"))
        let password = try String(contentsOfFile: directory + "/data/secrets/admin-password", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let answer = try Fixtures.run("/usr/bin/curl", ["-s", "-D", "-", "-o", "/dev/null", "--cacert", directory + "/data/ca/ca.pem",
                                                        "--data-urlencode", "username=admin", "--data-urlencode", "password@-", collector.httpAddress + "/login"],
                                      stdin: Data(password.utf8))
        let headers = String(decoding: answer.stdout, as: UTF8.self)
        #expect(headers.hasPrefix("HTTP/1.1 303"), "\(headers)")
        let cookie = headers.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") } ?? ""
        #expect(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "\(cookie)")
    }

    @Test func plainHTTPOffLoopbackIsRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try Fixtures.run(Fixtures.program("deskside-collector"), ["serve", "--data", directory + "/data", "--agent-listen", "127.0.0.1:0",
                                                                               "--http-listen", "0.0.0.0:0"])
        #expect(result.status != 0)
        #expect(String(decoding: result.stderr, as: UTF8.self).contains("listen on loopback, or give httpTLS"))
    }
}
