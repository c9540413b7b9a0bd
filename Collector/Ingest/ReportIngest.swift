#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideInventory
public import DesksideProtocol
public import DesksideStoreSQLite

/// The collector's answer to a report: check its form, hand it to the store (a full report is
/// written as a diff against the stored inventory, a delta applied in place, a heartbeat records only
/// faults and time), and acknowledge only after the store commits. The store checks, inside its
/// transaction, everything that depends on what it holds: the agent (unknown or revoked: refused),
/// the report id (a resend: `ack` marked duplicate, nothing written, even if the base has moved on
/// since), the sequence (older than the newest: acknowledged, nothing overwritten) and the base (not
/// what the store holds: `needFullReport`).
public struct ReportIngest: Sendable {
    public let store: CollectorStore
    /// Whether an agent is connected now (the agent server's registry), for matching a new agent's
    /// machine to an asset another agent holds.
    let isConnected: @Sendable (String) -> Bool

    public init(store: CollectorStore, isConnected: @escaping @Sendable (String) -> Bool = { _ in false }) {
        self.store = store
        self.isConnected = isConnected
    }

    /// The message to send back for `report` from the agent `agentUUID`.
    public func handle(_ report: Report, from agentUUID: String, receivedAt: Date) throws -> WireMessage {
        try answer(report, from: agentUUID, receivedAt: receivedAt).message
    }

    /// The answer to a report, and whether it was acknowledged without being stored because an
    /// older sequence than the newest stored (which an agent that resumes as `welcome` says never sends).
    public struct Answer: Sendable, Equatable {
        public var message: WireMessage
        public var stale = false
    }

    /// ``handle(_:from:receivedAt:)`` with the stale mark, for the agent server to log and count.
    public func answer(_ report: Report, from agentUUID: String, receivedAt: Date) throws -> Answer {
        do {
            return try store(report, from: agentUUID, receivedAt: receivedAt)
        } catch CollectorStore.StoreError.unknownAgent, CollectorStore.StoreError.revokedAgent {
            return Answer(message: .error(ErrorMessage(code: "AGENT_REVOKED", message: "this agent is not enrolled")))
        } catch CollectorStore.StoreError.sequenceOutOfRange {
            return Answer(message: refusal("sequence number out of range"))
        } catch CollectorStore.StoreError.hashMismatch {
            return Answer(message: refusal("the report's hash does not match its inventory"))
        }
    }

    /// The most faults one report may carry; past it the most severe are kept.
    public static let maxFaultsPerReport = 64

    /// The faults the store may see: codes of the form the agent's checks use (`disk.space.low`: at
    /// most 64 lowercase letters, digits, dots, dashes and underscores), at most
    /// ``maxFaultsPerReport`` of them, the most severe first. A report of a thousand made-up codes
    /// cannot open a thousand tickets.
    public static func admissibleFaults(_ faults: [Fault]) -> [Fault] {
        let wellFormed = faults.filter { fault in
            let code = fault.code.utf8
            return (1...64).contains(code.count) && code.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F }
        }
        guard wellFormed.count > maxFaultsPerReport else { return wellFormed }
        return Array(wellFormed.enumerated().sorted { ($0.element.severity, $1.offset) > ($1.element.severity, $0.offset) }.prefix(maxFaultsPerReport).map(\.element))
    }

    private func store(_ report: Report, from agentUUID: String, receivedAt: Date) throws -> Answer {
        var report = report
        report.faults = Self.admissibleFaults(report.faults)
        switch report.kind {
        case .full:
            // The store hashes the inventory while it prepares its rows, and checks the hash there.
            guard let inventory = report.inventory else { return Answer(message: refusal("a full report carries no inventory")) }
            return answer(try store.record(agentUUID: agentUUID, reportID: report.id, sequence: report.sequence, kind: .full,
                                           inventory: inventory, expectedHash: report.hash, faults: report.faults, gap: report.gap,
                                           receivedAt: receivedAt, isConnected: isConnected), report)
        case .heartbeat:
            guard let base = report.base, report.hash == base else { return Answer(message: refusal("a heartbeat must not change the inventory")) }
            return answer(try store.recordHeartbeat(agentUUID: agentUUID, reportID: report.id, sequence: report.sequence, base: base,
                                                    faults: report.faults, gap: report.gap, collectedAt: report.collectedAt,
                                                    receivedAt: receivedAt), report)
        case .delta:
            guard let delta = report.delta, delta.base == report.base, delta.target == report.hash else {
                return Answer(message: refusal("a delta report carries no delta, or one for other hashes"))
            }
            switch try store.recordDelta(agentUUID: agentUUID, reportID: report.id, sequence: report.sequence, delta: delta,
                                         faults: report.faults, gap: report.gap, receivedAt: receivedAt) {
            case .recorded(let outcome):
                return answer(outcome, report)
            case .mismatch:
                return Answer(message: .needFullReport(NeedFullReport(id: report.id, reason: "the delta does not lead to its target from the stored inventory")))
            }
        }
    }

    private func answer(_ outcome: CollectorStore.ReportOutcome, _ report: Report) -> Answer {
        switch outcome {
        case .stored:
            return Answer(message: .ack(Ack(id: report.id, sequence: report.sequence, duplicate: false)))
        case .duplicate, .stale:
            // Nothing written: acknowledged so that the agent drops it from its spool.
            return Answer(message: .ack(Ack(id: report.id, sequence: report.sequence, duplicate: true)), stale: outcome == .stale)
        case .baseMoved:
            return Answer(message: .needFullReport(NeedFullReport(id: report.id, reason: "the collector holds another base")))
        }
    }

    private func refusal(_ message: String) -> WireMessage {
        .error(ErrorMessage(code: "BAD_REPORT", message: message))
    }
}
