import Foundation

/// A throwaway machine root for tasks: copies of this machine's account files, an empty dpkg
/// database, and apt pointed at a local repository of small packages built here with dpkg-deb, so
/// that the real useradd, dpkg and apt run on it and nothing outside it changes.
public struct TaskRoot {
    public let path: String
    /// The local apt repository (`deb [trusted=yes] file:…`).
    public let repository: String

    /// Packages the repository holds: `deskside-hello` 1.0 (one file), and `deskside-broken` 1.0,
    /// whose post-install script fails.
    public static let helloFile = "/usr/share/deskside-hello/hello.txt"

    public init(in directory: String) throws {
        path = directory + "/root"
        repository = directory + "/repository"
        let manager = FileManager.default
        for sub in ["etc/apt/sources.list.d", "etc/apt/apt.conf.d", "etc/apt/preferences.d", "var/lib/dpkg/info", "var/lib/dpkg/updates",
                    "var/lib/apt/lists/partial", "var/cache/apt/archives/partial", "var/log/apt", "home"] {
            try manager.createDirectory(atPath: path + "/" + sub, withIntermediateDirectories: true)
        }
        for file in ["/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow", "/etc/login.defs"] where manager.fileExists(atPath: file) {
            try manager.copyItem(atPath: file, toPath: path + file)
        }
        try Data().write(to: URL(fileURLWithPath: path + "/var/lib/dpkg/status"))
        try Data().write(to: URL(fileURLWithPath: path + "/var/lib/dpkg/available"))
        try "deb [trusted=yes] file:\(repository) ./\n".write(toFile: path + "/etc/apt/sources.list", atomically: true, encoding: .utf8)
        try manager.createDirectory(atPath: repository, withIntermediateDirectories: true)
        try Self.buildPackage(name: "deskside-hello", version: "1.0", into: repository, files: [Self.helloFile: "hello from a test package\n"])
        try Self.buildPackage(name: "deskside-broken", version: "1.0", into: repository, files: [:], postinst: "#!/bin/sh\necho 'post-install failed on purpose' >&2\nexit 1\n")
        let scan = try Fixtures.run(Fixtures.which("dpkg-scanpackages")!, ["-m", ".", "/dev/null"], environment: ["PATH": "/usr/bin:/bin", "PWD": repository],
                                    in: repository)
        guard scan.status == 0 else { throw TaskRootError("dpkg-scanpackages failed: \(String(decoding: scan.stderr, as: UTF8.self))") }
        try scan.stdout.write(to: URL(fileURLWithPath: repository + "/Packages"))
    }

    /// Builds `name_version_all.deb` holding `files` (path -> text) into `directory`.
    public static func buildPackage(name: String, version: String, into directory: String, files: [String: String], postinst: String? = nil,
                                    preinst: String? = nil) throws {
        let tree = directory + "/build-" + name
        let manager = FileManager.default
        try manager.createDirectory(atPath: tree + "/DEBIAN", withIntermediateDirectories: true)
        try """
            Package: \(name)
            Version: \(version)
            Architecture: all
            Maintainer: Deskside tests <tests@example.invalid>
            Description: a package built by a Deskside test

            """.write(toFile: tree + "/DEBIAN/control", atomically: true, encoding: .utf8)
        for (script, text) in [("postinst", postinst), ("preinst", preinst)] {
            guard let text else { continue }
            try text.write(toFile: tree + "/DEBIAN/" + script, atomically: true, encoding: .utf8)
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tree + "/DEBIAN/" + script)
        }
        for (file, text) in files {
            try manager.createDirectory(atPath: tree + (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: tree + file, atomically: true, encoding: .utf8)
        }
        let built = try Fixtures.run(Fixtures.which("dpkg-deb")!, ["--root-owner-group", "--build", tree, "\(directory)/\(name)_\(version)_all.deb"])
        guard built.status == 0 else { throw TaskRootError("dpkg-deb failed: \(String(decoding: built.stderr, as: UTF8.self))") }
        try manager.removeItem(atPath: tree)
    }

    /// `deskside-slow` 1.0: its pre-install script sleeps `seconds` the first time (the root needs
    /// ``installShell()``), so that a test can stop the agent in the middle of the task.
    public func addSlowPackage(seconds: Int) throws {
        try Self.buildPackage(name: "deskside-slow", version: "1.0", into: repository, files: ["/usr/share/deskside-slow/slow.txt": "slow\n"],
                              preinst: "#!/bin/sh\n[ -e /tmp/deskside-slow-once ] && exit 0\ntouch /tmp/deskside-slow-once\nsleep \(seconds)\n")
        let scan = try Fixtures.run(Fixtures.which("dpkg-scanpackages")!, ["-m", ".", "/dev/null"], in: repository)
        try scan.stdout.write(to: URL(fileURLWithPath: repository + "/Packages"))
    }

    /// dpkg runs maintainer scripts inside the root (chroot): a shell, `sleep` and `touch`, and the
    /// libraries they load, copied from this machine.
    public func installShell() throws {
        let manager = FileManager.default
        for directory in ["/bin", "/tmp", "/lib/x86_64-linux-gnu", "/lib64"] {
            try manager.createDirectory(atPath: path + directory, withIntermediateDirectories: true)
        }
        var files = ["/bin/dash": "/bin/sh", "/bin/sleep": "/bin/sleep", "/usr/bin/touch": "/bin/touch"]
        for program in ["/bin/dash", "/bin/sleep", "/usr/bin/touch"] {
            let listed = String(decoding: try Fixtures.run(Fixtures.which("ldd")!, [program]).stdout, as: UTF8.self)
            for library in listed.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) where library.hasPrefix("/") {
                files[String(library)] = String(library)
            }
        }
        for (source, target) in files where !manager.fileExists(atPath: path + target) {
            try manager.createDirectory(atPath: path + (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            // The file itself, not a symbolic link to a path outside the root (/lib64's loader is one).
            try Data(contentsOf: URL(fileURLWithPath: source)).write(to: URL(fileURLWithPath: path + target))
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path + target)
        }
    }

    /// A line of the root's /etc/passwd, /etc/group or /etc/shadow for `name`.
    public func line(_ file: String, _ name: String) -> String? {
        let text = (try? String(contentsOfFile: path + file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix(name + ":") }.map(String.init)
    }

    /// Whether dpkg's database in the root says `package` is installed.
    public func isInstalled(_ package: String) -> Bool {
        let status = (try? String(contentsOfFile: path + "/var/lib/dpkg/status", encoding: .utf8)) ?? ""
        return status.components(separatedBy: "\n\n").contains { $0.contains("Package: \(package)\n") && $0.contains("Status: install ok installed") }
    }
}

public struct TaskRootError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
