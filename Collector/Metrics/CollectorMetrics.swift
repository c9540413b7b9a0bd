import CoreMetrics

/// The collector's counters and its acknowledgement latency, through swift-metrics: a no-op until
/// `deskside-collector serve` bootstraps the Prometheus factory (`MetricsExport`), so that tests and
/// tools that run the agent server in-process record nothing.
public enum CollectorMetrics {
    /// A report taken off an agent's connection (`full`, `delta`, `heartbeat`).
    public static func reportReceived(kind: String) {
        Counter(label: "deskside_reports_received_total", dimensions: [("kind", kind)]).increment()
    }

    /// The answer to a report: `stored`, `duplicate` (or stale: acknowledged, nothing written),
    /// `needFullReport`, `refused`, `failed` (not stored, the agent sends it again).
    public static func reportAnswered(kind: String, outcome: String) {
        Counter(label: "deskside_reports_answered_total", dimensions: [("kind", kind), ("outcome", outcome)]).increment()
    }

    /// From a report's arrival to its acknowledgement being written.
    public static func acknowledged(afterNanoseconds nanoseconds: Int64) {
        Timer(label: "deskside_report_ack_seconds").recordNanoseconds(nanoseconds)
    }

    /// A connection or request refused, by reason (`connection_cap`, `pending_per_address`,
    /// `RATE_LIMITED`, `AGENT_REVOKED`, `BAD_REPORT`, ...).
    public static func refused(reason: String) {
        Counter(label: "deskside_refusals_total", dimensions: [("reason", reason)]).increment()
    }

    /// An inventory through the intake for other agents: `stored` or `refused`.
    public static func intakeInventory(outcome: String) {
        Counter(label: "deskside_intake_inventories_total", dimensions: [("outcome", outcome)]).increment()
    }
}
