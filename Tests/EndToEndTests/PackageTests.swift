import DesksideTestSupport
import Foundation
import Testing

/// The .deb packages scripts/package builds (scripts/test builds them before the suite, into
/// $DESKSIDE_PACKAGE_DIR): lintian finds no error; installed with dpkg into a throwaway root (its
/// maintainer scripts run there, with DPKG_ROOT), they put the files, modes and the user where they
/// belong; the installed collector runs as that user and the installed agent enrolls with it; an
/// upgrade from the previous version keeps the data, the identity and the admin's config; removal keeps
/// the data, purge deletes it.
@Suite(.serialized) struct PackageTests {
    struct Packages {
        let agent: String
        let collector: String
        let version: String

        init() throws {
            let directory = ProcessInfo.processInfo.environment["DESKSIDE_PACKAGE_DIR"] ?? Fixtures.packageRoot + "/.build/packages"
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            func one(_ name: String) throws -> String {
                let found = files.filter { $0.hasPrefix(name + "_") && $0.hasSuffix(".deb") }
                try #require(found.count == 1, "one \(name) package in \(directory) (scripts/package builds them): \(found)")
                return directory + "/" + found[0]
            }
            agent = try one("deskside-agent")
            collector = try one("deskside-collector")
            version = try PackageTests.field("Version", of: agent)
        }
    }

    @Test func lintianFindsNoError() throws {
        let packages = try Packages()
        let lintian = try #require(Fixtures.which("lintian"), "scripts/test installs lintian")
        let checked = try Fixtures.run(lintian, ["--fail-on", "error", packages.agent, packages.collector])
        let report = String(decoding: checked.stdout, as: UTF8.self)
        #expect(checked.status == 0 && !report.contains("\nE: ") && !report.hasPrefix("E: "), "\(report)")
    }

    @Test func theProgramsAreTheStrippedReleaseBuildWithTheSwiftRuntimeInside() throws {
        let packages = try Packages()
        #expect(try Self.field("Depends", of: packages.collector).contains("passwd"))
        #expect(try Self.field("Depends", of: packages.agent).contains("libc6 (>="))
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for package in [packages.agent, packages.collector] {
            try #require(try Fixtures.run("/usr/bin/dpkg-deb", ["-x", package, directory]).status == 0)
        }
        for program in ["deskside-agent", "deskside-collector", "deskside"] {
            let path = directory + "/usr/bin/" + program
            let dynamic = String(decoding: try Fixtures.run("/usr/bin/readelf", ["-d", "-S", "-W", path]).stdout, as: UTF8.self)
            #expect(!dynamic.contains("libswift") && !dynamic.contains("libFoundation") && !dynamic.contains("RUNPATH"), "\(program): \(dynamic)")
            #expect(!dynamic.contains(".symtab") && !dynamic.contains(".debug_info"), "\(program) is stripped")
            #expect(dynamic.contains("BIND_NOW") || dynamic.contains("FLAGS_1") && dynamic.contains("NOW"), "\(program) binds at start (full RELRO)")
            let version = try Fixtures.run(path, ["--version"])
            #expect(String(decoding: version.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == packages.version)
        }
    }

    @Test func installUpgradeRemoveAndPurgeInAThrowawayRoot() throws {
        let packages = try Packages()
        let workspace = try AgentSessionTests.Workspace()
        defer { workspace.remove() }
        let root = try ThrowawayRoot(workspace.directory + "/target")
        let previous = try Self.previousVersion(of: [packages.agent, packages.collector], in: workspace.directory + "/previous")

        // The previous version, installed with its maintainer scripts.
        try root.dpkg(["-i"] + previous)
        #expect(try root.installedVersion("deskside-collector") == packages.version + "~previous")
        for (path, mode) in [("usr/bin/deskside-agent", 0o755), ("usr/bin/deskside-collector", 0o755), ("usr/bin/deskside", 0o755),
                             ("lib/systemd/system/deskside-agent.service", 0o644), ("lib/systemd/system/deskside-collector.service", 0o644),
                             ("etc/deskside/collector.json", 0o644), ("usr/share/doc/deskside-collector/copyright", 0o644),
                             ("var/lib/deskside-agent", 0o700), ("var/lib/deskside", 0o700)] {
            let attributes = try FileManager.default.attributesOfItem(atPath: root.path + "/" + path)
            #expect(attributes[.posixPermissions] as? Int == mode, "\(path)")
        }
        let user = try #require(try root.user("deskside"), "postinst made the user deskside")
        #expect(user.uid < 1000 && user.home == "/var/lib/deskside" && user.shell == "/usr/sbin/nologin", "a system user: \(user)")
        #expect(try root.owner("var/lib/deskside") == user.uid && root.owner("var/lib/deskside-agent") == 0)

        // The installed collector, as its user, with the shipped config; the installed agent enrolls.
        let config = root.path + "/etc/deskside/collector.json"
        let asUser = ["/usr/bin/setpriv", "--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", root.path + "/usr/bin/deskside-collector"]
        let data = root.path + "/var/lib/deskside", state = root.path + "/var/lib/deskside-agent"
        let collector = try RunningCollector(data: data, extraArguments: ["--config", config], command: asUser)
        let agent = root.path + "/usr/bin/deskside-agent"
        let enrolled = try Fixtures.run(agent, ["enroll", "--collector", collector.agentAddress, "--token-file", collector.enrollmentTokenFile,
                                                "--ca-fingerprint", collector.fingerprint, "--state", state])
        try #require(enrolled.status == 0, "\(String(decoding: enrolled.stderr, as: UTF8.self))")
        try #require(try Fixtures.run(agent, ["run", "--once", "--root", workspace.root, "--state", state]).status == 0)
        let assets = try AgentSessionTests.json(collector.get("/api/v1/assets").body)["items"] as? [[String: Any]] ?? []
        try #require(assets.count == 1)
        let agentAddress = collector.agentAddress, fingerprint = collector.fingerprint
        collector.stop()
        #expect(try root.ownersUnder("var/lib/deskside") == [user.uid], "everything the collector wrote is its user's")
        let kept = ["var/lib/deskside/deskside.sqlite", "var/lib/deskside/ca/ca-key.pem", "var/lib/deskside/secrets/admin-token",
                    "var/lib/deskside-agent/identity/agent.json", "var/lib/deskside-agent/identity/key.pem"]
        let before = try kept.map { try Data(contentsOf: URL(fileURLWithPath: root.path + "/" + $0)) }
        // The admin's own setting, which an upgrade must keep (a conffile).
        try Data((try String(contentsOfFile: config, encoding: .utf8) + "// set by the admin\n").utf8).write(to: URL(fileURLWithPath: config))

        // The upgrade: prerm upgrade, unpack, postinst configure PREVIOUS.
        try root.dpkg(["-i", packages.agent, packages.collector])
        #expect(try root.installedVersion("deskside-collector") == packages.version)
        #expect(try root.installedVersion("deskside-agent") == packages.version)
        #expect(try String(contentsOfFile: config, encoding: .utf8).hasSuffix("// set by the admin\n"))
        #expect(try root.user("deskside")?.uid == user.uid)
        let after = try kept.map { try Data(contentsOf: URL(fileURLWithPath: root.path + "/" + $0)) }
        #expect(before == after, "the database, the CA, the secrets and the agent's identity are as they were")
        let again = try RunningCollector(data: data, agentListen: agentAddress, extraArguments: ["--config", config], command: asUser)
        #expect(again.fingerprint == fingerprint)
        let run = try Fixtures.run(agent, ["run", "--once", "--root", workspace.root, "--state", state])
        #expect(run.status == 0 && String(decoding: run.stdout, as: UTF8.self).contains("acknowledged by the collector at \(agentAddress)"),
                "the agent reconnects without enrolling again: \(String(decoding: run.stderr, as: UTF8.self))")
        let still = try AgentSessionTests.json(again.get("/api/v1/assets").body)["items"] as? [[String: Any]] ?? []
        #expect(still.count == 1 && still.first?["id"] as? Int == assets.first?["id"] as? Int)
        again.stop()

        // Removal keeps the data and the config; purge deletes them (the user stays).
        try root.dpkg(["-r", "deskside-agent", "deskside-collector"])
        #expect(!FileManager.default.fileExists(atPath: root.path + "/usr/bin/deskside-collector"))
        #expect(!FileManager.default.fileExists(atPath: root.path + "/lib/systemd/system/deskside-agent.service"))
        for path in kept + ["etc/deskside/collector.json"] {
            #expect(FileManager.default.fileExists(atPath: root.path + "/" + path), "\(path) survives removal")
        }
        try root.dpkg(["-P", "deskside-agent", "deskside-collector"])
        for path in ["var/lib/deskside", "var/lib/deskside-agent", "etc/deskside"] {
            #expect(!FileManager.default.fileExists(atPath: root.path + "/" + path), "\(path) is purged")
        }
        #expect(try root.user("deskside") != nil)
    }

    /// A field of a package's control file.
    static func field(_ name: String, of package: String) throws -> String {
        let shown = try Fixtures.run("/usr/bin/dpkg-deb", ["-f", package, name])
        return String(decoding: shown.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The same packages under the version just before theirs (VERSION~previous), as a previous
    /// release would be: the upgrade path is what the maintainer scripts see.
    static func previousVersion(of packages: [String], in directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try packages.map { package in
            let tree = directory + "/" + URL(fileURLWithPath: package).deletingPathExtension().lastPathComponent
            let unpacked = try Fixtures.run("/usr/bin/dpkg-deb", ["-R", package, tree])
            try #require(unpacked.status == 0, "\(String(decoding: unpacked.stderr, as: UTF8.self))")
            let control = tree + "/DEBIAN/control"
            let text = try String(contentsOfFile: control, encoding: .utf8)
            let version = try field("Version", of: package)
            try Data(text.replacingOccurrences(of: "\nVersion: \(version)\n", with: "\nVersion: \(version)~previous\n").utf8)
                .write(to: URL(fileURLWithPath: control))
            let built = tree + ".deb"
            let made = try Fixtures.run("/usr/bin/dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", tree, built])
            try #require(made.status == 0, "\(String(decoding: made.stderr, as: UTF8.self))")
            return built
        }
    }
}
