public import DesksideInventory
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
        var reader = ControlStanzaReader(fields: Self.fields)
        var packages: [Package] = []
        let collect: (ControlStanzaReader.Stanza) -> Void = { stanza in
            if let package = Self.package(from: stanza) { packages.append(package) }
        }
        do throws(SystemRoot.ReadError) {
            try root.forEachChunk(Self.statusPath, limit: Self.statusLimit) { chunk in reader.feed(chunk, collect) }
        } catch .missing {
            return nil
        } catch {
            notes.add(.software, probe: "dpkg", error: error, source: Self.statusPath)
            return nil
        }
        let complete = reader.finish(collect)
        packages.sort { ($0.name, $0.architecture) < ($1.name, $1.architecture) }
        let parsed = (packages: packages, truncated: !complete, malformedLines: reader.malformedLines)
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

    /// The package a status stanza describes, when it is installed.
    static func package(from stanza: ControlStanzaReader.Stanza) -> Package? {
        guard let name = stanza[0], let status = stanza[1], let version = stanza[2], isInstalled(status: status) else { return nil }
        return Package(
            name: name,
            version: version,
            architecture: stanza[3] ?? "",
            source: sourceName(stanza[4]) ?? name,
            manager: "dpkg",
            sizeBytes: stanza[5].flatMap { UInt64($0) }.flatMap { Checked.multiply($0, 1024) },
            section: stanza[6],
            vendor: stanza[7],
            summary: stanza[8]
        )
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
