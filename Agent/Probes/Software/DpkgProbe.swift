import DesksideInventory
import Foundation

/// Installed Debian packages, from dpkg's database (/var/lib/dpkg/status, format in dpkg(1) and
/// deb-control(5)). Only packages whose status is `installed` count, the set `dpkg-query -W` reports
/// as `ii`; config-files and half-installed entries are left out.
public struct DpkgProbe: Sendable {
    public static let statusPath = "/var/lib/dpkg/status"
    /// A status file on a machine with every Debian package installed is about 70 MB.
    public static let statusLimit = 256 << 20

    static let fields = ["Package", "Status", "Version", "Architecture", "Source", "Installed-Size", "Section", "Maintainer", "Description"]

    public let root: SystemRoot

    public init(root: SystemRoot) { self.root = root }

    /// The installed packages; `nil` when the machine has no dpkg database.
    public func packages(notes: inout NoteLog) -> [Package]? {
        let bytes: [UInt8]
        do throws(SystemRoot.ReadError) {
            bytes = try root.read(Self.statusPath, limit: Self.statusLimit)
        } catch .missing {
            return nil
        } catch {
            notes.add(.software, probe: "dpkg", error: error, source: Self.statusPath)
            return nil
        }
        let parsed = Self.parseStatus(bytes)
        if parsed.truncated {
            notes.add(.software, probe: "dpkg", kind: .malformed, source: Self.statusPath,
                      message: "\(Self.statusPath) ends in the middle of an entry; that entry was ignored")
        }
        if parsed.malformedLines > 0 {
            notes.add(.software, probe: "dpkg", kind: .malformed, source: Self.statusPath,
                      message: "\(Self.statusPath) has \(parsed.malformedLines) unreadable line(s); they were ignored")
        }
        return parsed.packages.map { package in
            var package = package
            package.installedAt = installDate(of: package)
            return package
        }
    }

    /// Parses a status file into installed packages, sorted by name and architecture. Pure.
    public static func parseStatus(_ bytes: [UInt8]) -> (packages: [Package], truncated: Bool, malformedLines: Int) {
        let parsed = ControlStanzaReader.parse(bytes, fields: fields)
        var packages: [Package] = []
        packages.reserveCapacity(parsed.stanzas.count)
        for stanza in parsed.stanzas {
            guard let name = stanza[0], let status = stanza[1], let version = stanza[2],
                  isInstalled(status: status) else { continue }
            let architecture = stanza[3] ?? "all"
            packages.append(Package(
                name: name,
                version: version,
                architecture: architecture,
                source: sourceName(stanza[4]) ?? name,
                manager: "dpkg",
                sizeBytes: stanza[5].flatMap { UInt64($0) }.map { $0 * 1024 },
                section: stanza[6],
                vendor: stanza[7],
                summary: stanza[8]
            ))
        }
        packages.sort { ($0.name, $0.architecture) < ($1.name, $1.architecture) }
        return (packages, parsed.truncated, parsed.malformedLines)
    }

    /// `Status: want flag status`; the package is installed when the last word is `installed`.
    static func isInstalled(status: String) -> Bool {
        status.split(separator: " ").last == "installed"
    }

    /// `Source: name (version)` gives `name`.
    static func sourceName(_ field: String?) -> String? {
        guard let field, let name = field.split(separator: " ").first else { return nil }
        return String(name)
    }

    /// dpkg keeps no install date; the time its file list was written is the accepted stand-in
    /// (osquery and FusionInventory use the same).
    func installDate(of package: Package) -> Date? {
        let info = "/var/lib/dpkg/info/"
        return (root.status(info + package.name + ":" + package.architecture + ".list")
            ?? root.status(info + package.name + ".list"))?.modified
    }
}
