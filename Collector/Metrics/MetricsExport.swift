#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CoreMetrics
public import DesksideStoreSQLite
public import Prometheus

/// `/metrics` in Prometheus' text format: the counters and the latency histogram recorded through
/// swift-metrics, and gauges read at each scrape (connected agents, the database's size, open
/// tickets by tier and SLA state, tasks, notifications, when the clocks last ran).
public final class MetricsExport: Sendable {
    public let registry = PrometheusCollectorRegistry()

    public init() {}

    /// Makes swift-metrics record into this export; once per process.
    public func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Acknowledgements take milliseconds; buckets from 1 ms to 10 s.
        factory.defaultDurationHistogramBuckets = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                                   .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                                   .seconds(2), .seconds(5), .seconds(10)]
        MetricsSystem.bootstrap(factory)
    }

    /// The text a scrape gets, with the gauges set from `counts` first.
    public func render(_ counts: CollectorStore.OperationalCounts, connectedAgents: Int) -> [UInt8] {
        func gauge(_ name: String, _ help: String, _ value: Double, labels: [(String, String)] = []) {
            registry.makeGauge(name: name, labels: labels, help: help).set(value)
        }
        gauge("deskside_agents_connected", "Agents with a live session", Double(connectedAgents))
        gauge("deskside_database_bytes", "Size of the SQLite database file", Double(counts.databaseBytes))
        gauge("deskside_database_wal_bytes", "Size of the SQLite write-ahead log", Double(counts.walBytes))
        for tier in 1...3 {
            for sla in ["ok", "warning", "breached"] {
                let count = counts.openTickets.first { $0.tier == tier && $0.sla == sla }?.count ?? 0
                gauge("deskside_tickets_open", "Open tickets by tier and SLA state", Double(count), labels: [("tier", String(tier)), ("sla", sla)])
            }
        }
        gauge("deskside_tasks", "Tasks queued, and sent to their agent (running)", Double(counts.tasks["queued"] ?? 0), labels: [("state", "queued")])
        gauge("deskside_tasks", "Tasks queued, and sent to their agent (running)", Double(counts.tasks["sent"] ?? 0), labels: [("state", "running")])
        gauge("deskside_notifications", "Notifications waiting to be delivered, and failed", Double(counts.notificationsPending), labels: [("state", "waiting")])
        gauge("deskside_notifications", "Notifications waiting to be delivered, and failed", Double(counts.notificationsFailed), labels: [("state", "failed")])
        gauge("deskside_clock_last_run_timestamp_seconds", "When the help desk's clock last ran (0: never)", counts.clockLastRun ?? 0)
        gauge("deskside_delivery_last_run_timestamp_seconds", "When the delivery worker last ran (0: never)", counts.deliveryLastRun ?? 0)
        return registry.emitToBuffer()
    }
}
