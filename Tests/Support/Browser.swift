import Foundation

/// A real headless Chromium driven through chromedriver's WebDriver protocol (W3C), for the
/// console's tests: pages load, forms are typed into and posted, scripts run as in a person's
/// browser, and the browser's own log says whether anything ran that should not have.
public final class Browser: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let driver: Process
    private let base: String
    private var session = ""
    private let output = LockedData()

    public static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
    }

    public init() throws {
        driver = Process()
        driver.executableURL = URL(fileURLWithPath: "/usr/bin/chromedriver")
        driver.arguments = ["--port=0"]
        let out = Pipe()
        driver.standardOutput = out
        driver.standardError = out
        out.fileHandleForReading.collect(into: output)
        try driver.run()
        var port = ""
        let deadline = Date().addingTimeInterval(20)
        while port.isEmpty, Date() < deadline {
            let text = String(decoding: output.get(), as: UTF8.self)
            if let range = text.range(of: "started successfully on port ") {
                port = String(text[range.upperBound...].prefix { $0.isNumber })
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard !port.isEmpty else {
            driver.terminate()
            throw Failure(description: "chromedriver did not start: \(String(decoding: output.get(), as: UTF8.self))")
        }
        base = "http://127.0.0.1:\(port)"
        let answer = try call("POST", "/session", [
            "capabilities": ["alwaysMatch": [
                "browserName": "chrome",
                "goog:loggingPrefs": ["browser": "ALL"],
                "goog:chromeOptions": ["binary": "/usr/bin/chromium",
                                       "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]],
            ]],
        ])
        guard let id = (answer as? [String: Any])?["sessionId"] as? String else { throw Failure(description: "no session: \(String(describing: answer))") }
        session = id
    }

    deinit { quit() }

    /// Ends the browser (the session's end closes Chromium) and chromedriver, by its pid: killed if
    /// it has not gone within five seconds.
    public func quit() {
        if !session.isEmpty { _ = try? call("DELETE", "/session/\(session)", nil) }
        session = ""
        guard driver.isRunning else { return }
        let pid = driver.processIdentifier
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while driver.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if driver.isRunning { kill(pid, SIGKILL) }
    }

    // MARK: - Pages

    public func open(_ url: String) throws { _ = try command("POST", "/url", ["url": url]) }
    public var url: String { get throws { try command("GET", "/url", nil) as? String ?? "" } }
    public var title: String { get throws { try command("GET", "/title", nil) as? String ?? "" } }
    public var source: String { get throws { try command("GET", "/source", nil) as? String ?? "" } }

    /// The first element matching the CSS selector.
    public func find(_ selector: String) throws -> String {
        let value = try command("POST", "/element", ["using": "css selector", "value": selector])
        guard let element = (value as? [String: Any])?.values.first as? String else { throw Failure(description: "no element \(selector)") }
        return element
    }

    public func findAll(_ selector: String) throws -> [String] {
        let value = try command("POST", "/elements", ["using": "css selector", "value": selector]) as? [[String: Any]] ?? []
        return value.compactMap { $0.values.first as? String }
    }

    public func exists(_ selector: String) throws -> Bool { !(try findAll(selector)).isEmpty }

    public func text(_ selector: String) throws -> String {
        try command("GET", "/element/\(try find(selector))/text", nil) as? String ?? ""
    }

    public func type(_ selector: String, _ text: String) throws {
        let element = try find(selector)
        _ = try command("POST", "/element/\(element)/clear", [:])
        _ = try command("POST", "/element/\(element)/value", ["text": text])
    }

    public func click(_ selector: String) throws {
        _ = try command("POST", "/element/\(try find(selector))/click", [:])
    }

    /// Chooses the `<option>` with this value in a `<select>`.
    public func select(_ selector: String, value: String) throws {
        try click("\(selector) option[value=\"\(value)\"]")
    }

    public func execute(_ script: String, _ arguments: [Any] = []) throws -> Any? {
        try command("POST", "/execute/sync", ["script": script, "args": arguments])
    }

    public func executeAsync(_ script: String, _ arguments: [Any] = []) throws -> Any? {
        try command("POST", "/execute/async", ["script": script, "args": arguments])
    }

    /// Writes a PNG of the window.
    public func screenshot(to path: String) throws {
        guard let base64 = try command("GET", "/screenshot", nil) as? String, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "no screenshot")
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// The browser's console and security messages since the last call (chromedriver's log).
    public func log() throws -> [String] {
        let entries = try command("POST", "/se/log", ["type": "browser"]) as? [[String: Any]] ?? []
        return entries.compactMap { $0["message"] as? String }
    }

    public func cookies() throws -> [[String: Any]] { try command("GET", "/cookie", nil) as? [[String: Any]] ?? [] }

    public func addCookie(name: String, value: String) throws {
        _ = try command("POST", "/cookie", ["cookie": ["name": name, "value": value, "path": "/"]])
    }

    public func deleteCookies() throws { _ = try command("DELETE", "/cookie", nil) }

    /// Waits until `condition` holds (pages that reload themselves), or fails after `seconds`.
    public func wait(seconds: TimeInterval = 20, for what: String, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw Failure(description: "timed out waiting for \(what)")
    }

    // MARK: - The protocol

    private func command(_ method: String, _ path: String, _ body: [String: Any]?) throws -> Any? {
        try call(method, "/session/\(session)" + path, body)
    }

    private func call(_ method: String, _ path: String, _ body: [String: Any]?) throws -> Any? {
        if ProcessInfo.processInfo.environment["DESKSIDE_BROWSER_TRACE"] != nil {
            FileHandle.standardError.write(Data("webdriver: \(method) \(path) \(body.map { "\($0)".prefix(120) } ?? "")\n".utf8))
        }
        // Through curl, as RunningCollector's calls: Foundation's URLSession on Linux fails now and
        // then on chromedriver's answers ("Failed writing header").
        var arguments = ["-s", "--max-time", "120", "-X", method, base + path]
        var input: Data?
        if let body {
            input = try JSONSerialization.data(withJSONObject: body)
            arguments += ["-H", "Content-Type: application/json", "--data-binary", "@-"]
        }
        let answer = try Fixtures.run("/usr/bin/curl", arguments, stdin: input)
        guard answer.status == 0 else { throw Failure(description: "\(method) \(path): curl exited \(answer.status)") }
        let object = try JSONSerialization.jsonObject(with: answer.stdout, options: [.fragmentsAllowed]) as? [String: Any]
        let value = object?["value"]
        if let error = (value as? [String: Any])?["error"] as? String {
            throw Failure(description: "\(method) \(path): \(error): \((value as? [String: Any])?["message"] as? String ?? "")")
        }
        return value is NSNull ? nil : value
    }
}
