#if canImport(Glibc)
import Glibc
#endif
public import DesksideInventory
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The operating system's identity (os-release(5), /etc/debian_version), kernel (/proc/sys/kernel),
/// names (hostname, /etc/hosts for the FQDN), boot time (`btime` in /proc/stat) and uptime, time zone
/// (/etc/timezone or the /etc/localtime link), DNS (/etc/resolv.conf), sessions (utmp) and accounts.
public struct OperatingSystemProbe: Sendable {
    public let root: SystemRoot

    public init(root: SystemRoot) { self.root = root }

    public func read(notes: inout NoteLog) -> OperatingSystem {
        var os = OperatingSystem()
        readRelease(into: &os, notes: &notes)
        os.kernelName = root.attribute("/proc/sys/kernel/ostype")
        os.kernelRelease = root.attribute("/proc/sys/kernel/osrelease", notes: &notes, section: .os, probe: "kernel")
        os.kernelVersion = root.attribute("/proc/sys/kernel/version")
        os.architecture = root.attribute("/proc/sys/kernel/arch") ?? (root.isLiveSystem ? Self.machine() : nil)
        os.hostname = root.attribute("/proc/sys/kernel/hostname") ?? root.attribute("/etc/hostname")
        if let hostname = os.hostname {
            os.fqdn = Self.fqdn(hostname: hostname, hosts: (try? root.readText("/etc/hosts")) ?? "")
            if let fqdn = os.fqdn, let dot = fqdn.firstIndex(of: ".") { os.domain = String(fqdn[fqdn.index(after: dot)...]) }
        }
        if let stat = try? root.readText("/proc/stat"),
           let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
           let seconds = Double(line.dropFirst(6)).flatMap(Checked.seconds) {
            os.bootTime = Date(timeIntervalSince1970: seconds)
        }
        if let uptime = root.attribute("/proc/uptime")?.split(separator: " ").first.flatMap({ Double($0) }).flatMap(Checked.seconds), uptime >= 0 {
            os.uptimeSeconds = Int(uptime)
        }
        os.timezone = timezone()
        let resolv = (try? root.readText("/etc/resolv.conf")) ?? ""
        os.dnsServers = resolv.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return fields.count >= 2 && fields[0] == "nameserver" ? String(fields[1]) : nil
        }
        if let utmp = ["/run/utmp", "/var/run/utmp"].lazy.compactMap({ try? root.read($0, limit: 4 << 20) }).first {
            let parsed = UtmpParser.loggedInUsers(utmp)
            os.loggedInUsers = parsed.users
            if parsed.trailingBytes != 0 {
                notes.add(.os, probe: "utmp", kind: .malformed, source: "/run/utmp", message: "/run/utmp ends inside a record")
            }
        }
        if let passwd = try? root.readText("/etc/passwd") { os.localUsers = AccountsParser.users(passwd: passwd) }
        if let group = try? root.readText("/etc/group") { os.localGroups = AccountsParser.groups(group: group) }
        return os
    }

    private func readRelease(into os: inout OperatingSystem, notes: inout NoteLog) {
        let path = root.exists("/etc/os-release") ? "/etc/os-release" : "/usr/lib/os-release"
        do throws(SystemRoot.ReadError) {
            let parsed = OSReleaseParser.parse(try root.readText(path, limit: 65536))
            if parsed.malformedLines > 0 {
                notes.add(.os, probe: "os-release", kind: .malformed, source: path,
                          message: "\(path) has \(parsed.malformedLines) line(s) that are not KEY=value; they were ignored")
            }
            // An empty value (Fedora's VERSION_CODENAME="") says nothing.
            let values = parsed.values.filter { !$0.value.isEmpty }
            os.name = values["NAME"]
            os.id = values["ID"]
            os.version = values["VERSION_ID"]
            os.codename = values["VERSION_CODENAME"] ?? values["UBUNTU_CODENAME"]
            os.prettyName = values["PRETTY_NAME"]
        } catch {
            notes.add(.os, probe: "os-release", error: error, source: path)
        }
        // Debian records its point release here; Ubuntu writes a Debian codename ("bookworm/sid"), not a version.
        if os.id == "debian", let version = root.attribute("/etc/debian_version"), version.first?.isNumber == true {
            os.pointRelease = version
        }
    }

    /// Debian's /etc/timezone, else the zone the /etc/localtime link points into.
    func timezone() -> String? {
        if let zone = root.attribute("/etc/timezone"), !zone.isEmpty { return zone }
        guard let target = root.readLink("/etc/localtime"), let range = target.firstRange(of: "zoneinfo/") else { return nil }
        return String(target[range.upperBound...])
    }

    /// The first name with a dot on the /etc/hosts line that names this host, as `hostname --fqdn`
    /// resolves it through files; the hostname itself when it already has a dot or none is found.
    static func fqdn(hostname: String, hosts: String) -> String {
        if hostname.contains(".") { return hostname }
        for line in hosts.split(separator: "\n") {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let names = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().map(String.init)
            guard names.contains(hostname) || names.contains(where: { $0.hasPrefix(hostname + ".") }) else { continue }
            if let full = names.first(where: { $0.hasPrefix(hostname + ".") }) { return full }
        }
        return hostname
    }

    static func machine() -> String? {
        var name = utsname()
        guard uname(&name) == 0 else { return nil }
        return withUnsafeBytes(of: name.machine) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
    }
}
