import ArgumentParser
import DesksideProbes
import Foundation

/// Options shared by the commands that run the probes.
struct ProbeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read the system under DIR instead of / (a copy of a machine's files).", valueName: "DIR"))
    var root: String = "/"

    @Option(name: .long, help: ArgumentHelp("Keep the updates cache and update first-seen times in DIR (default: /var/lib/deskside-agent as root, ~/.local/state/deskside-agent otherwise; none with --root).", valueName: "DIR"))
    var state: String?

    @Flag(name: .long, help: "Keep no state: compute pending updates from scratch and remember nothing.")
    var noState = false

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--root \(root) is not a directory")
        }
    }

    /// The state directory to use, created (mode 0700) when needed; `nil` when none applies or it cannot be made.
    func stateDirectory() -> String? {
        if noState { return nil }
        let directory: String
        if let state {
            directory = state
        } else if root != "/" {
            return nil
        } else if getuid() == 0 {
            directory = "/var/lib/deskside-agent"
        } else {
            let base = ProcessInfo.processInfo.environment["XDG_STATE_HOME"] ?? (NSHomeDirectory() + "/.local/state")
            directory = base + "/deskside-agent"
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            return directory
        } catch {
            FileHandle.standardError.write(Data("deskside-agent: warning: state directory \(directory) cannot be created; continuing without it\n".utf8))
            return nil
        }
    }

    func configuration() -> InventoryProbe.Configuration {
        InventoryProbe.Configuration(root: SystemRoot(root), stateDirectory: stateDirectory())
    }
}

/// Writes JSON to standard output.
enum JSONOutput {
    static func write<T: Encodable>(_ value: T, pretty: Bool) throws {
        let encoder = JSONEncoder.inventory
        if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
        var data = try encoder.encode(value)
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }
}

import DesksideInventory
