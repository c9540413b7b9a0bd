#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The files in apt's list directory and which Release file each package list belongs to.
///
/// apt names each downloaded index after its URI with `/` turned into `_` (apt-pkg/acquire-item.cc,
/// `URItoFileName`): `deb.debian.org_debian_dists_bookworm_InRelease` and
/// `deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4`. A list belongs to the
/// Release file whose name, less `InRelease` or `Release`, is the longest prefix of the list's name.
public struct AptListIndex: Sendable {
    public static let listsDirectory = "/var/lib/apt/lists"

    /// A package list and the release it came from.
    public struct PackageList: Sendable {
        public var fileName: String
        public var release: AptRelease?
        /// Where it comes from, for pins: host, component and architecture from the file name.
        public var source: AptPreferences.Source
    }

    public var packageLists: [PackageList] = []

    /// Finds the lists under `root`; Release files are parsed here (they are small).
    public init(root: SystemRoot, notes: inout NoteLog) {
        let names = root.list(Self.listsDirectory)
        var releases: [(prefix: String, release: AptRelease)] = []
        for name in names {
            let prefix: Substring
            if name.hasSuffix("_InRelease") {
                prefix = name.dropLast("InRelease".count)
            } else if name.hasSuffix("_Release") {
                prefix = name.dropLast("Release".count)
            } else {
                continue
            }
            // An InRelease and a Release for the same suite: keep the first (InRelease sorts first).
            guard !releases.contains(where: { $0.prefix == prefix }) else { continue }
            let path = Self.listsDirectory + "/" + name
            do throws(SystemRoot.ReadError) {
                releases.append((String(prefix), AptRelease(parsing: try root.read(path))))
            } catch {
                notes.add(.updates, probe: "apt", error: error, source: path)
            }
        }
        for name in names where name.hasSuffix("_Packages.zst") || name.hasSuffix("_Packages.bz2") {
            notes.add(.updates, probe: "apt", kind: .unavailable, source: Self.listsDirectory + "/" + name,
                      message: "\(name) is compressed in a format the agent does not read (zstd or bzip2); set Acquire::GzipIndexes or Acquire::CompressionTypes::Order to gz, lz4 or xz")
        }
        for name in names where Self.isPackageList(name) {
            let match = releases.filter { name.hasPrefix($0.prefix) }.max { $0.prefix.count < $1.prefix.count }
            packageLists.append(PackageList(fileName: name, release: match?.release,
                                            source: Self.source(of: name, releasePrefix: match?.prefix, release: match?.release)))
        }
    }

    /// Host, component and architecture from `host_path_dists_suite_component_binary-arch_Packages`.
    static func source(of name: String, releasePrefix: String?, release: AptRelease?) -> AptPreferences.Source {
        let host = name.split(separator: "_").first.map(String.init)
        var component: String?
        var architecture: String?
        if let range = name.firstRange(of: "_binary-") {
            let rest = name[range.upperBound...]
            architecture = rest.split(separator: "_").first.map(String.init)
            if let prefix = releasePrefix, name.count > prefix.count, name.hasPrefix(prefix) {
                let middle = name[name.index(name.startIndex, offsetBy: prefix.count)..<range.lowerBound]
                component = middle.isEmpty ? nil : String(middle.map { $0 == "_" ? "/" : $0 })
            }
        }
        return AptPreferences.Source(release: release, host: host, component: component, architecture: architecture)
    }

    /// `..._Packages` with an optional compression extension; not translations, sources or diffs.
    static func isPackageList(_ name: String) -> Bool {
        for suffix in ["_Packages", "_Packages.gz", "_Packages.lz4", "_Packages.xz", "_Packages.lzma"] where name.hasSuffix(suffix) {
            return true
        }
        return false
    }
}
