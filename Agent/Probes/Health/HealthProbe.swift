public import DesksideInventory

/// Reboot-required flags (Debian's and Ubuntu's /run/reboot-required and .pkgs, written by package
/// hooks), package-change times, and failed units.
public struct HealthProbe: Sendable {
    public let root: SystemRoot
    public let systemd: SystemdProbe

    public init(root: SystemRoot) {
        self.root = root
        self.systemd = SystemdProbe(root: root)
    }

    public func read(notes: inout NoteLog) -> Health {
        var health = Health()
        if let flag = root.status("/run/reboot-required") {
            health.rebootRequired = true
            health.rebootRequiredSince = flag.modified
            let packages = (try? root.readText("/run/reboot-required.pkgs")) ?? ""
            health.rebootRequiredPackages = Array(Set(packages.split(separator: "\n").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty })).sorted()
        }
        health.lastPackageChange = [DpkgProbe.statusPath, "/var/log/dpkg.log"] .compactMap { root.status($0)?.modified }.max()
            ?? RPMProbe.databasePaths.compactMap { root.status($0)?.modified }.max()
        health.failedUnits = systemd.failedUnits(notes: &notes)
        return health
    }
}

extension Substring {
    /// Without leading and trailing spaces, tabs and carriage returns.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
