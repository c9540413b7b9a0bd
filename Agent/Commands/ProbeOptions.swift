#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideJSON
import ArgumentParser
import DesksideFiles
import DesksideInventory
import DesksideProbes

/// Options shared by the commands that run the probes.
struct ProbeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read the system under DIR instead of / (a copy of a machine's files).", valueName: "DIR"))
    var root: String = "/"

    @Option(name: .long, help: ArgumentHelp("With --root: filesystem space per mount point from FILE (JSON: {\"/\": {\"blockSize\", \"blocks\", \"blocksFree\", \"blocksAvailable\"}}), since statvfs on a copy would measure this machine's disks.", valueName: "FILE"))
    var space: String?

    @Option(name: .long, help: ArgumentHelp("Keep the updates cache and update first-seen times in DIR (default: /var/lib/deskside-agent as root, ~/.local/state/deskside-agent otherwise; none with --root).", valueName: "DIR"))
    var state: String?

    @Flag(name: .long, help: "Keep no state: compute pending updates from scratch and remember nothing.")
    var noState = false

    func validate() throws {
        guard SystemRoot(root).isDirectory("/") else {
            throw ValidationError("--root \(root) is not a directory")
        }
        if let space { _ = try SpaceFile.source(space, root: root) }
    }

    /// The state directory to use, created (mode 0700) when needed; `nil` when none applies or it cannot be made.
    func stateDirectory() -> String? {
        if noState { return nil }
        let directory: String
        if let state {
            directory = state
        } else if root != "/" {
            return nil
        } else if let standard = Self.defaultStateDirectory() {
            directory = standard
        } else {
            return nil
        }
        do {
            try DurableFile.makeDirectory(directory)
            return directory
        } catch {
            StandardStreams.error("deskside-agent: warning: state directory \(directory) cannot be created; continuing without it\n")
            return nil
        }
    }

    /// /var/lib/deskside-agent as root, $XDG_STATE_HOME/deskside-agent (~/.local/state) otherwise.
    static func defaultStateDirectory() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if getuid() == 0 { return "/var/lib/deskside-agent" }
        return (environment["XDG_STATE_HOME"] ?? environment["HOME"].map { $0 + "/.local/state" }).map { $0 + "/deskside-agent" }
    }

    func configuration() -> InventoryProbe.Configuration {
        InventoryProbe.Configuration(root: SystemRoot(root), space: space.flatMap { try? SpaceFile.source($0, root: root) },
                                     stateDirectory: stateDirectory())
    }
}

/// Space figures for a copied tree, read from a JSON file keyed by mount point (as the fixture
/// generators write them, `<name>.statvfs.json`).
enum SpaceFile {
    static func source(_ path: String, root: String) throws -> VolumeProbe.SpaceSource {
        guard let bytes = DurableFile.read(path, limit: 1 << 20) else { throw ValidationError("--space \(path) cannot be read") }
        let figures: [String: VolumeProbe.SpaceFigures]
        do {
            figures = try JSONCoder.decode([String: VolumeProbe.SpaceFigures].self, from: bytes)
        } catch {
            throw ValidationError("--space \(path) is not valid: \(error)")
        }
        let prefix = root.hasSuffix("/") ? String(root.dropLast()) : root
        return { hostPath in figures[hostPath == prefix ? "/" : String(hostPath.dropFirst(prefix.count))] }
    }
}

/// Writes to the standard streams without Foundation's FileHandle.
enum StandardStreams {
    static func output(_ bytes: [UInt8]) { write(bytes, to: 1) }

    static func error(_ text: String) { write(Array(text.utf8), to: 2) }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}

/// Writes JSON to standard output.
enum JSONOutput {
    static func write<T: Encodable>(_ value: T, pretty: Bool) throws {
        var bytes = try JSONCoder.encode(value, pretty: pretty)
        bytes.append(0x0A)
        StandardStreams.output(bytes)
    }
}
