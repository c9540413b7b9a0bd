import DesksideTestSupport
import Foundation
import Testing

/// The files the packages will ship (packaging/): the systemd units verify, the commented config
/// file is one the collector loads, the launchd property list parses.
@Suite struct PackagingFilesTests {
    static let packaging = Fixtures.packageRoot + "/packaging"

    @Test func theSystemdUnitsVerify() throws {
        let analyze = try #require(Fixtures.which("systemd-analyze"), "scripts/test installs systemd for systemd-analyze")
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The units name the installed programs; here, the ones just built.
        var units: [String] = []
        for unit in ["deskside-collector.service", "deskside-agent.service"] {
            let text = try String(contentsOfFile: Self.packaging + "/systemd/" + unit, encoding: .utf8)
            let local = text.replacingOccurrences(of: "/usr/bin/", with: URL(fileURLWithPath: Fixtures.program("deskside-agent")).deletingLastPathComponent().path + "/")
            try Data(local.utf8).write(to: URL(fileURLWithPath: directory + "/" + unit))
            units.append(directory + "/" + unit)
        }
        let verified = try Fixtures.run(analyze, ["verify", "--man=no"] + units, environment: ["SYSTEMD_LOG_LEVEL": "info", "PATH": "/usr/bin:/bin"])
        #expect(verified.status == 0 && verified.stderr.isEmpty, "\(String(decoding: verified.stderr, as: UTF8.self))")
        let collector = try String(contentsOfFile: units[0], encoding: .utf8)
        for line in ["User=deskside", "StateDirectory=deskside", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes",
                     "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "After=network-online.target"] {
            #expect(collector.contains(line + "\n"), "\(line)")
        }
        let agent = try String(contentsOfFile: units[1], encoding: .utf8)
        #expect(agent.contains("Restart=always\n") && agent.contains("After=network-online.target\n"))
        // It runs an enrolled agent; enrolling stays an explicit step.
        let start = agent.split(separator: "\n").first { $0.hasPrefix("ExecStart=") } ?? ""
        #expect(start.hasSuffix("deskside-agent run --state /var/lib/deskside-agent") && !start.contains("enroll"))
    }

    @Test func theCommentedConfigIsOneTheCollectorLoads() throws {
        let config = Self.packaging + "/etc/collector.json"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        for key in ["agentListen", "httpListen", "maxConnections", "durability", "policy", "helpdesk", "assets", "httpTLS", "notifications", "intake", "log"] {
            #expect(text.contains("//  \"\(key)\":"), "\(key) is documented")
        }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Loaded by the same code as `serve` (the doctor reads the config to find the listeners).
        _ = try Fixtures.run(Fixtures.program("deskside-collector"), ["token", "list", "--data", directory + "/data"])
        let doctor = try Fixtures.run(Fixtures.program("deskside-collector"), ["doctor", "--data", directory + "/data", "--config", config])
        #expect(String(decoding: doctor.stdout, as: UTF8.self).contains("agents listener 127.0.0.1:7443"), "\(String(decoding: doctor.stderr, as: UTF8.self))")
    }

    @Test func theLaunchdPropertyListParses() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.packaging + "/launchd/com.deskside.agent.plist"))
        let plist = try #require(try PropertyListSerialization.propertyList(from: data, format: nil) as? [String: Any])
        #expect(plist["Label"] as? String == "com.deskside.agent")
        #expect((plist["ProgramArguments"] as? [String])?.first == "/usr/local/bin/deskside-agent")
        #expect(plist["KeepAlive"] as? Bool == true && plist["RunAtLoad"] as? Bool == true)
    }
}
