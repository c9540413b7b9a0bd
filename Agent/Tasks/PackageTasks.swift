#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideInventory
import DesksideProbes
import DesksideTasks

/// `packages.install`, `packages.remove` and `updates.apply`: apt on Debian and Ubuntu, dnf on RPM
/// systems. What is installed is read from the package database first (the inventory's own
/// readers), so that installing what is there, or removing what is not, is a success that changed
/// nothing and runs no tool. Package names go after `--`: none can be read as an option.
struct PackageTasks {
    let session: TaskSession

    enum Manager { case apt, dnf }

    private var root: SystemRoot { SystemRoot(session.settings.root) }

    private func installed() throws(TaskSession.Stop) -> (Manager, [Package]) {
        var notes = NoteLog()
        if let packages = DpkgProbe(root: root).packages(notes: &notes) { return (.apt, packages) }
        if let packages = RPMProbe(root: root).packages(notes: &notes) { return (.dnf, packages) }
        throw .failed("neither a dpkg nor an rpm database was found under \(session.settings.root)")
    }

    /// `name` or `name:architecture` among `packages`.
    private static func isInstalled(_ requested: String, in packages: [Package]) -> Bool {
        let parts = requested.split(separator: ":", maxSplits: 1).map(String.init)
        return packages.contains { $0.name == parts[0] && (parts.count == 1 || $0.architecture == parts[1] || $0.architecture == "all") }
    }

    /// apt's options for the task root: its configuration, lists, cache and dpkg database inside
    /// it, and dpkg told to install there.
    private var aptRoot: [String] {
        let root = session.settings.root
        guard !session.settings.isLiveSystem else { return [] }
        return ["-o", "Dir=\(root)", "-o", "Dir::State::status=\(root)/var/lib/dpkg/status", "-o", "Dir::Bin::dpkg=/usr/bin/dpkg",
                "-o", "DPkg::Options::=--root=\(root)"]
    }

    /// Keeps the configuration files the machine has, and never asks.
    private let aptQuiet = ["-y", "-q", "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"]

    /// A dpkg run cut short (a power cut, a killed agent) leaves its journal in `updates/`, and apt
    /// refuses to work until `dpkg --configure -a` finishes it: done here, so that a task run again
    /// after an interruption converges instead of failing.
    private func finishInterruptedDpkg() throws(TaskSession.Stop) {
        let journal = (try? FileManager.default.contentsOfDirectory(atPath: session.hostPath("/var/lib/dpkg/updates"))) ?? []
        guard journal.contains(where: { !$0.hasPrefix(".") && $0 != "tmp.i" }) else { return }
        session.note("(dpkg was interrupted before: finishing its work first)")
        try session.run("dpkg", (session.settings.isLiveSystem ? [] : ["--root=\(session.settings.root)"])
                        + ["--force-confdef", "--force-confold", "--configure", "-a"])
    }

    private func aptUpdate() throws(TaskSession.Stop) {
        try finishInterruptedDpkg()
        // Stale lists are better than none: a failed update is in the output, and the install goes on.
        let outcome = try session.run("apt-get", aptRoot + ["-q", "update"], check: false)
        if outcome.status != 0 { session.note("(apt-get update failed; going on with the package lists this machine has)") }
    }

    func install(_ list: PackageList) throws(TaskSession.Stop) -> TaskDone {
        let (manager, packages) = try installed()
        let missing = list.packages.filter { !Self.isInstalled($0, in: packages) }
        guard !missing.isEmpty else {
            return TaskDone(summary: "already installed: \(list.packages.joined(separator: ", "))", changed: false)
        }
        switch manager {
        case .apt:
            try aptUpdate()
            try session.run("apt-get", aptRoot + aptQuiet + ["--no-install-recommends", "install", "--"] + missing)
            // A package left half-installed by an interrupted run is "the newest version" to apt
            // and stays broken: it is installed again.
            let broken = missing.filter { !Self.isInstalled($0, in: (try? installed().1) ?? []) }
            if !broken.isEmpty {
                try session.run("apt-get", aptRoot + aptQuiet + ["--no-install-recommends", "--reinstall", "install", "--"] + broken)
            }
        case .dnf:
            try session.run("dnf", session.rootOption("--installroot") + ["-y", "install", "--"] + missing)
        }
        // Success is what the package database says, not what the tool's exit status says.
        let still = missing.filter { !Self.isInstalled($0, in: (try? installed().1) ?? []) }
        guard still.isEmpty else { throw .failed("\(still.joined(separator: ", ")) still not installed after the install") }
        let present = list.packages.count - missing.count
        return TaskDone(summary: "installed \(missing.joined(separator: ", "))" + (present > 0 ? " (\(present) already installed)" : ""), changed: true)
    }

    func remove(_ list: PackageList) throws(TaskSession.Stop) -> TaskDone {
        let (manager, packages) = try installed()
        let present = list.packages.filter { Self.isInstalled($0, in: packages) }
        guard !present.isEmpty else {
            return TaskDone(summary: "not installed: \(list.packages.joined(separator: ", ")); nothing to remove", changed: false)
        }
        switch manager {
        case .apt:
            try finishInterruptedDpkg()
            try session.run("apt-get", aptRoot + aptQuiet + ["remove", "--"] + present)
        case .dnf: try session.run("dnf", session.rootOption("--installroot") + ["-y", "remove", "--"] + present)
        }
        let left = present.filter { Self.isInstalled($0, in: (try? installed().1) ?? []) }
        guard left.isEmpty else { throw .failed("\(left.joined(separator: ", ")) still installed after the removal") }
        return TaskDone(summary: "removed \(present.joined(separator: ", "))", changed: true)
    }

    /// Security only: the packages the inventory marks as security updates (the same computation
    /// as `apt list --upgradable`), upgraded by name; all: `apt-get upgrade`.
    func applyUpdates(_ request: UpdatesApply) throws(TaskSession.Stop) -> TaskDone {
        let (manager, _) = try installed()
        switch manager {
        case .dnf:
            try session.run("dnf", session.rootOption("--installroot") + ["-y", "upgrade"] + (request.securityOnly ? ["--security"] : []))
            return TaskDone(summary: request.securityOnly ? "applied the pending security updates" : "applied every pending update", changed: true)
        case .apt:
            try aptUpdate()
            var notes = NoteLog()
            let (_, packages) = try installed()
            let pending = AptUpdatesProbe(root: root).updates(installed: packages, notes: &notes)?.pending ?? []
            let chosen = request.securityOnly ? pending.filter(\.security) : pending
            guard !chosen.isEmpty else {
                return TaskDone(summary: request.securityOnly ? "no security update is pending" : "no update is pending", changed: false)
            }
            if request.securityOnly {
                let names = Array(Set(chosen.map(\.name))).sorted()
                try session.run("apt-get", aptRoot + aptQuiet + ["--only-upgrade", "install", "--"] + names)
            } else {
                try session.run("apt-get", aptRoot + aptQuiet + ["upgrade"])
            }
            return TaskDone(summary: "applied \(chosen.count) \(request.securityOnly ? "security " : "")update\(chosen.count == 1 ? "" : "s")", changed: true)
        }
    }
}
