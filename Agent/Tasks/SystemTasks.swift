#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import DesksideFiles
import DesksideTasks

/// `hostname.set`, `reboot` and `script.run`.
struct SystemTasks {
    let session: TaskSession
    /// Where a library script is written for its run (the agent's state directory, owner-only).
    let scratchDirectory: String

    /// Writes /etc/hostname and the `127.0.1.1` line of /etc/hosts in the task root; on the live
    /// system, also tells the kernel (and systemd) the new name.
    func setHostname(_ change: HostnameSet) throws(TaskSession.Stop) -> TaskDone {
        let hostnamePath = session.hostPath("/etc/hostname")
        let current = DurableFile.read(hostnamePath, limit: 4096).map { String(decoding: $0, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "" }
        if current == change.hostname { return TaskDone(summary: "the host name is already \(change.hostname)", changed: false) }
        do {
            try DurableFile.write(Array((change.hostname + "\n").utf8), to: hostnamePath, mode: 0o644)
            let hostsPath = session.hostPath("/etc/hosts")
            var lines = (DurableFile.read(hostsPath, limit: 1 << 20).map { String(decoding: $0, as: UTF8.self) } ?? "")
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            let short = change.hostname.split(separator: ".").first.map(String.init) ?? change.hostname
            let entry = "127.0.1.1\t" + (short == change.hostname ? change.hostname : "\(change.hostname) \(short)")
            if let index = lines.firstIndex(where: { $0.hasPrefix("127.0.1.1") }) { lines[index] = entry } else { lines.append(entry) }
            try DurableFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: hostsPath, mode: 0o644)
        } catch {
            throw .failed("cannot write the host name: \(error)")
        }
        session.note("wrote \(hostnamePath) and the 127.0.1.1 line of \(session.hostPath("/etc/hosts"))")
        if session.settings.isLiveSystem {
            // hostnamectl needs systemd; without it, hostname(1) tells the kernel.
            let viaSystemd = TaskSession.find("hostnamectl") != nil && (try? session.run("hostnamectl", ["set-hostname", "--", change.hostname])) != nil
            if !viaSystemd { try session.run("hostname", ["--", change.hostname]) }
        }
        return TaskDone(summary: "host name changed from \(current ?? "(none)") to \(change.hostname)", changed: true)
    }

    /// `shutdown -r +M message`: people signed in see the message, and the agent reports before the
    /// machine goes down. Only on the live system.
    func reboot(_ reboot: Reboot) throws(TaskSession.Stop) -> TaskDone {
        guard session.settings.isLiveSystem else {
            throw .failed("reboot runs only on the live system; this agent's tasks are confined to \(session.settings.root)")
        }
        let message = reboot.message.isEmpty ? "This machine restarts in \(reboot.delayMinutes) minute(s) for maintenance by IT." : reboot.message
        try session.run("shutdown", ["-r", reboot.delayMinutes == 0 ? "now" : "+\(reboot.delayMinutes)", message])
        return TaskDone(summary: reboot.delayMinutes == 0 ? "restarting now" : "restart scheduled in \(reboot.delayMinutes) minute(s)", changed: true)
    }

    /// The script is written to an owner-only file and run directly (its `#!` line names the
    /// interpreter), with its arguments as separate arguments, and `DESKSIDE_TASK_ROOT` naming the
    /// root it should work on.
    func runScript(_ script: ScriptRun, taskID: String) throws(TaskSession.Stop) -> TaskDone {
        let path = scratchDirectory + "/script-" + taskID
        do { try DurableFile.write(Array(script.body.utf8), to: path, mode: 0o700) } catch { throw .failed("cannot write the script: \(error)") }
        defer { unlink(path) }
        let outcome = try session.run(path, script.arguments, environment: ["DESKSIDE_TASK_ROOT=\(session.settings.root)"])
        return TaskDone(summary: "script \(script.name) exited with status 0" + (outcome.standardOutputBytes == 0 ? "" : " (\(outcome.standardOutputBytes) bytes of output)"),
                        changed: true)
    }
}
