import DesksideCompression
public import DesksideInventory
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideVersion

/// Pending updates, computed natively from apt's package lists and dpkg's status, giving the same set
/// that `apt list --upgradable` prints: for each installed package, the candidate chosen by apt's
/// default policy (see ``AptCandidateResolver``), marked security when the candidate can be had from a
/// security suite.
///
/// Pins in /etc/apt/preferences(.d) are applied (``AptPreferences``). Not applied: Ubuntu's phased
/// updates, which hold some updates back per machine for a while. Lists are streamed through the decompressor, never held whole in memory.
public struct AptUpdatesProbe: Sendable {
    /// Decompressed size above which a list is refused: Debian's largest (main, amd64) is about 100 MB.
    public static let listLimit = 1 << 30

    public let root: SystemRoot

    public init(root: SystemRoot) { self.root = root }

    /// Identity of an installed package for matching: `Architecture: all` is apt's native architecture.
    struct Key: Hashable {
        var name: String
        var architecture: String
    }

    /// Computes pending updates for `installed` (dpkg's packages). `nil` when there are no apt lists.
    public func updates(installed: [Package], notes: inout NoteLog) -> Updates? {
        let index = AptListIndex(root: root, notes: &notes)
        guard !index.packageLists.isEmpty else { return nil }
        let preferences = AptPreferences(root: root, notes: &notes)
        let nativeArchitecture = installed.first(where: { $0.name == "dpkg" })?.architecture
            ?? installed.first(where: { $0.architecture != "all" })?.architecture ?? "all"
        func key(_ name: String, _ architecture: String) -> Key {
            Key(name: name, architecture: architecture == "all" ? nativeArchitecture : architecture)
        }
        var installedByKey: [Key: String] = [:]
        for package in installed { installedByKey[key(package.name, package.architecture)] = package.version }
        var offers: [Key: [AptCandidateResolver.Offer]] = [:]

        for list in index.packageLists {
            let path = AptListIndex.listsDirectory + "/" + list.fileName
            let priority = list.release?.defaultPriority ?? 500
            let suite = list.release?.displayName
            let security = list.release?.isSecurity ?? false
            var reader = ControlStanzaReader(fields: ["Package", "Version", "Architecture"])
            let collect: (ControlStanzaReader.Stanza) -> Void = { stanza in
                guard let name = stanza[0], let version = stanza[1] else { return }
                let packageKey = key(name, stanza[2] ?? "all")
                guard installedByKey[packageKey] != nil else { return }
                let priority = preferences.isEmpty ? priority
                    : preferences.priority(package: name, version: version, source: list.source, default: priority)
                var known = offers[packageKey, default: []]
                if let at = known.firstIndex(where: { $0.version == version }) {
                    known[at].merge(priority: priority, suite: suite, security: security)
                } else {
                    known.append(.init(version: version, priority: priority, suites: suite.map { [$0] } ?? [], security: security))
                }
                offers[packageKey] = known
            }
            do {
                try CompressedFile.forEachChunk(path: root.hostPath(path), format: CompressionFormat(fileName: list.fileName), maxOutputBytes: Self.listLimit) { chunk in
                    reader.feed(chunk, collect)
                }
                if !reader.finish(collect) {
                    notes.add(.updates, probe: "apt", kind: .malformed, source: path, message: "\(path) ends in the middle of an entry")
                }
            } catch {
                notes.add(.updates, probe: "apt", kind: .malformed, source: path,
                          message: "\(path) could not be read (\(error)); updates from it are missing until the next `apt update`")
            }
        }

        var pending: [PendingUpdate] = []
        for package in installed {
            let packageKey = key(package.name, package.architecture)
            guard let known = offers[packageKey],
                  let candidate = AptCandidateResolver.candidate(installed: package.version, offers: known) else { continue }
            pending.append(PendingUpdate(
                name: package.name, architecture: package.architecture, installedVersion: package.version,
                candidateVersion: candidate.version, suites: candidate.suites.sorted(), security: candidate.security
            ))
        }
        // listsUpdatedAt is read on every run by the caller (it moves without the lists changing).
        return Updates(source: "apt", pending: pending)
    }

    /// The last successful `apt update`: APT::Periodic's stamp, else the newest Release file.
    public func listsUpdatedAt() -> Date? {
        if let stamp = root.status("/var/lib/apt/periodic/update-success-stamp") { return stamp.modified }
        return root.list(AptListIndex.listsDirectory).filter { $0.hasSuffix("Release") }
            .compactMap { root.status(AptListIndex.listsDirectory + "/" + $0)?.modified }.max()
    }

    /// What the result depends on: the agent's version, every list and Release file, the pins and the
    /// status file, by size, time and inode.
    public func fingerprint() -> [String] {
        var inputs = [DpkgProbe.statusPath]
        inputs += root.list(AptListIndex.listsDirectory).map { AptListIndex.listsDirectory + "/" + $0 }
        inputs += ["/etc/apt/preferences"] + root.list("/etc/apt/preferences.d").map { "/etc/apt/preferences.d/" + $0 }
        return ["agent \(DesksideVersion.current)", "root \(root.path)"] + inputs.compactMap { path in
            guard let status = root.status(path), !status.isDirectory else { return nil }
            return "\(path) \(status.size) \(status.modifiedNanoseconds) \(status.inode)"
        }
    }
}
