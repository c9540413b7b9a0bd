import DesksideAPI
import DesksideCollectorHome
import DesksideHelpdesk
import DesksideStoreSQLite
import Foundation

/// `scripts/bench notifications`: `count` notifications queued at once (tickets opened through the
/// store, each mailed to the tier's technician and posted to a webhook, by the real outbox code),
/// delivered by the collector's worker to a local SMTP server and a local webhook receiver while
/// the agents send deltas at half the peak: how fast they go out, and what that does to the
/// acknowledgements, against the same deltas with nothing to deliver, just before they are queued
/// and again once they are all out (two peers: a p99 moves between two quiet runs too).
extension Run {
    func measureNotifications(count: Int, smtpPort: Int, webhookURL: String) async throws {
        let notifications = #", "notifications": {"mail": {"host": "127.0.0.1", "port": \#(smtpPort), "security": "none", "from": "helpdesk@example.com"},"#
            + #" "webhooks": {"allowedNetworks": ["127.0.0.0/8"]}}"#
        let fleet = try await start(extra: notifications)
        defer { if fleet.collector.isRunning { fleet.collector.terminate() } }
        let pid = fleet.collector.processIdentifier
        progress("deltas (saturated)")
        let delta = fleet.delta
        let peak = try await CPUShare.measure(collector: pid) { try await saturate(fleet.connected) { index in delta(index) } }
        progress("deltas (paced), nothing to deliver")
        var quiet = (0.0, 0.0)
        let quietShare = try await CPUShare.measure(collector: pid) {
            quiet = try await paced(fleet.connected, rate: peak.rate / 2) { index in delta(index) }
            return peak.rate / 2
        }

        // The outbox's real writes, from a second connection to the same database.
        progress("queueing \(count) notifications")
        let store = try CollectorHome.open(directory: data).store
        let now = Date()
        _ = try await store.accounts.createAccount(.init(username: "tess", name: "Tess", email: "tess@example.com", role: .technician, tier: 1),
                                                   passwordHash: nil, now: now)
        _ = try await store.subscriptions.createWebhook(url: webhookURL, events: ["ticket.opened"], secret: "whsec_bench_0123456789abcdef", actor: "bench",
                                                       now: now)
        let queueStart = Date()
        for index in 0..<(count / 2) {
            _ = try store.createTicket(.init(title: "Bench ticket \(index)", description: "queued by the benchmark", requesterId: nil, category: "general",
                                             impact: .low, urgency: .medium, tier: 1, assetIds: [], source: "staff"), actor: "bench", now: now)
        }
        let queued = Date().timeIntervalSince(queueStart)
        progress("deltas (paced) while they are delivered")
        let drainStart = Date()
        var busy = (0.0, 0.0)
        let during = try await CPUShare.measure(collector: pid) {
            busy = try await paced(fleet.connected, rate: peak.rate / 2) { index in delta(index) }
            return peak.rate / 2
        }
        var waiting = try store.outboxStatus().pending
        while waiting > 0, Date().timeIntervalSince(drainStart) < 600 {
            try await Task.sleep(for: .milliseconds(200))
            waiting = try store.outboxStatus().pending
        }
        let drained = Date().timeIntervalSince(drainStart)
        let status = try store.outboxStatus()
        progress("deltas (paced), nothing to deliver, again")
        let after = try await paced(fleet.connected, rate: peak.rate / 2) { index in delta(index) }
        fleet.collector.terminate()
        fleet.collector.waitUntilExit()
        try? FileManager.default.removeItem(atPath: data)
        try? FileManager.default.removeItem(atPath: fleet.config)

        print("Notification benchmark: \(count) notifications (\(count / 2) mails to a local SMTP server, \(count / 2) webhooks to a local receiver),")
        print("queued at once by \(count / 2) tickets, while \(agents) simulated agents send deltas at half their peak (\(String(format: "%.0f", peak.rate / 2))/s).")
        print("The collector, this load generator, the SMTP server and the receiver share the machine's \(ProcessInfo.processInfo.activeProcessorCount) cores",
              "(the last two at nice 19: in production they are other machines).\n")
        let peer = (quiet.1 + after.1) / 2
        let rise = peer > 0 ? (busy.1 - peer) / peer * 100 : 0
        let table: [(String, String, String)] = [
            ("queued (\(count / 2) tickets, their outbox rows)", String(format: "%.1f s", queued), ""),
            ("delivered", "\(count - status.pending - status.failed) of \(count), \(status.failed) failed", "all"),
            ("drain time, messages/s", String(format: "%.1f s, %.0f/s", drained, Double(count) / drained), ""),
            ("delta send->ack p50 / p99, nothing to deliver", String(format: "%.1f / %.1f ms", quiet.0, quiet.1), ""),
            ("delta send->ack p50 / p99, while delivering", String(format: "%.1f / %.1f ms", busy.0, busy.1), ""),
            ("delta send->ack p50 / p99, all delivered", String(format: "%.1f / %.1f ms", after.0, after.1), ""),
            ("p99 rise against the two quiet runs", String(format: "%+.0f %%", rise), "<= 10 %"),
            ("collector cores, nothing to deliver / delivering", String(format: "%.2f / %.2f", quietShare.collectorCores, during.collectorCores), ""),
        ]
        print("metric".padding(toLength: 50, withPad: " ", startingAt: 0) + "measured".padding(toLength: 30, withPad: " ", startingAt: 0) + "target")
        for (name, value, target) in table {
            print(name.padding(toLength: 50, withPad: " ", startingAt: 0) + value.padding(toLength: 30, withPad: " ", startingAt: 0) + target)
        }
    }
}
