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
    public static func buildPackage(name: String, version: String, into directory: String, files: [String: String], postinst: String? = nil) throws {
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
        if let postinst {
            try postinst.write(toFile: tree + "/DEBIAN/postinst", atomically: true, encoding: .utf8)
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tree + "/DEBIAN/postinst")
        }
        for (file, text) in files {
            try manager.createDirectory(atPath: tree + (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: tree + file, atomically: true, encoding: .utf8)
        }
        let built = try Fixtures.run(Fixtures.which("dpkg-deb")!, ["--root-owner-group", "--build", tree, "\(directory)/\(name)_\(version)_all.deb"])
        guard built.status == 0 else { throw TaskRootError("dpkg-deb failed: \(String(decoding: built.stderr, as: UTF8.self))") }
        try manager.removeItem(atPath: tree)
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
