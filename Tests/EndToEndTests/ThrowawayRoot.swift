import DesksideTestSupport
import Foundation
import Testing

/// An empty system for dpkg --root: its own dpkg database (holding this machine's package records, so
/// that the packages' dependencies are checked as on a real Debian 12), and the base users and groups
/// from base-passwd, as debootstrap starts one. Maintainer scripts run outside a chroot with
/// DPKG_ROOT set to it (--force-script-chrootless).
struct ThrowawayRoot {
    let path: String

    init(_ path: String) throws {
        self.path = path
        let manager = FileManager.default
        for directory in ["var/lib/dpkg/info", "var/lib/dpkg/updates", "var/log", "etc"] {
            try manager.createDirectory(atPath: path + "/" + directory, withIntermediateDirectories: true)
        }
        try manager.copyItem(atPath: "/var/lib/dpkg/status", toPath: path + "/var/lib/dpkg/status")
        try Data().write(to: URL(fileURLWithPath: path + "/var/lib/dpkg/available"))
        try manager.copyItem(atPath: "/usr/share/base-passwd/passwd.master", toPath: path + "/etc/passwd")
        try manager.copyItem(atPath: "/usr/share/base-passwd/group.master", toPath: path + "/etc/group")
        for shadow in ["etc/shadow", "etc/gshadow"] {
            try manager.createFile(atPath: path + "/" + shadow, contents: Data(), attributes: [.posixPermissions: 0o640]).orThrow(shadow)
        }
    }

    func dpkg(_ arguments: [String]) throws {
        let ran = try Fixtures.run("/usr/bin/dpkg", ["--root=" + path, "--force-script-chrootless"] + arguments)
        try #require(ran.status == 0, "dpkg \(arguments): \(String(decoding: ran.stdout + ran.stderr, as: UTF8.self))")
    }

    func installedVersion(_ package: String) throws -> String {
        let shown = try Fixtures.run("/usr/bin/dpkg-query", ["--admindir=" + path + "/var/lib/dpkg", "-W", "-f=${Version}", package])
        return String(decoding: shown.stdout, as: UTF8.self)
    }

    struct User: CustomStringConvertible {
        let uid: Int, gid: Int, home: String, shell: String
        var description: String { "\(uid):\(gid) \(home) \(shell)" }
    }

    /// A user from this root's /etc/passwd (not the host's).
    func user(_ name: String) throws -> User? {
        let lines = try String(contentsOfFile: path + "/etc/passwd", encoding: .utf8).split(separator: "\n")
        guard let fields = lines.map({ $0.split(separator: ":", omittingEmptySubsequences: false) }).first(where: { $0.first == Substring(name) }),
              fields.count == 7, let uid = Int(fields[2]), let gid = Int(fields[3]) else { return nil }
        return User(uid: uid, gid: gid, home: String(fields[5]), shell: String(fields[6]))
    }

    func owner(_ relative: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path + "/" + relative)[.ownerAccountID] as? NSNumber)?.intValue ?? -1
    }

    /// The owners of everything under a directory, itself included.
    func ownersUnder(_ relative: String) throws -> Set<Int> {
        let files = try FileManager.default.subpathsOfDirectory(atPath: path + "/" + relative)
        return try Set(([relative] + files.map { relative + "/" + $0 }).map(owner))
    }
}

private extension Bool {
    func orThrow(_ what: String) throws {
        if !self { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: what]) }
    }
}
