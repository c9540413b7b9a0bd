#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ArgumentParser
import CClock
import DesksideAgentRuntime
import DesksideInventory
import DesksideProbes
import DesksideSpool
import DesksideTransport
import X509

/// `deskside-agent doctor`: what is wrong with this workstation's agent, explained: its identity and
/// certificate, the pinned CA, whether the collector answers, the spool, the clock, and what the
/// probes could not read and why.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the agent's identity, collector, spool, clock and probes, and explain what is wrong.",
        discussion: "Exits 1 when a check fails."
    )

    @OptionGroup var probes: ProbeOptions

    func run() throws {
        guard let directory = probes.state ?? ProbeOptions.defaultStateDirectory() else { throw ValidationError("no state directory: give --state DIR") }
        var lines: [(String, String, String)] = []
        func say(_ verdict: String, _ check: String, _ detail: String) { lines.append((verdict, check, detail)) }

        if let identity = try AgentIdentity.load(stateDirectory: directory) {
            let until = (try? Certificate(pemEncoded: identity.certificatePEM))?.notValidAfter
            let days = until.map { Int($0.timeIntervalSinceNow / 86400) }
            if let days, days < 0 {
                say("fail", "identity", "agent \(identity.record.agentID): its certificate expired \(-days) days ago; enroll again")
            } else {
                say(days.map { $0 < 30 } == true ? "warning" : "ok", "identity",
                    "agent \(identity.record.agentID), certificate valid \(days.map { "\($0) more days (renewed over the session before it ends)" } ?? "for an unknown time")")
            }
            let caOK = (try? Certificate(pemEncoded: identity.caPEM)) != nil
            say(caOK ? "ok" : "fail", "CA", caOK ? "the collector's CA is pinned (\(identity.record.caFingerprint))" : "the pinned CA in \(directory) is damaged; enroll again")
            let collector = try identity.collector
            let answers = collector.acceptsConnections()
            say(answers ? "ok" : "fail", "collector",
                answers ? "\(collector) answers" : "\(collector) does not answer: network, firewall, or the collector is down (reports wait in the spool)")
            if let refused = SessionState.load(stateDirectory: directory).identityRefused {
                say("fail", "session", "the collector refused this identity (\(refused)): \(AgentIdentity.enrollCommand(collector: identity.record.collector, caFingerprint: identity.record.caFingerprint, stateDirectory: directory))")
            }
        } else {
            say("fail", "identity", "not enrolled (no identity in \(directory)): deskside-agent enroll --collector HOST:PORT --token-file FILE --ca-fingerprint SHA256:...")
        }
        if let spool = try? ReportSpool(directory: directory + "/spool") {
            let waiting = spool.sequences().count
            say(waiting > 100 ? "warning" : "ok", "spool", "\(waiting) report(s) waiting to be acknowledged" + (waiting > 100 ? ": the collector has not acknowledged for a while" : ""))
        }
        say(deskside_clock_synchronized() == 1 ? "ok" : "warning", "clock",
            deskside_clock_synchronized() == 1 ? "the system clock is synchronized" : "the system clock is not synchronized (enable NTP): the collector flags clocks that are off")
        let inventory = InventoryProbe(probes.configuration()).collect()
        if inventory.notes.isEmpty {
            say("ok", "probes", "every probe read what it needs")
        }
        for note in inventory.notes {
            say(note.kind == .missing || note.kind == .unavailable ? "ok" : "warning", "probes", "\(note.section.rawValue)/\(note.probe): \(note.message) (\(note.source))")
        }
        for (verdict, check, detail) in lines {
            print("\(pad(verdict, 8)) \(pad(check, 10)) \(detail)")
        }
        if lines.contains(where: { $0.0 == "fail" }) { throw ExitCode(1) }
    }
}

/// `text` and spaces up to `width`, for aligned columns.
private func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
