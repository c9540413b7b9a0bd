#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideInventory
import DesksideProtocol
import DesksideStore

/// The collector's answer to a report: check it, turn it into the agent's new inventory (a full
/// report as it is, a delta applied on the stored base, a heartbeat on the stored inventory), store it
/// in one transaction, and only then acknowledge. A report whose base is not what the store holds gets
/// `needFullReport`; a resend gets an `ack` marked duplicate and writes nothing.
public struct ReportIngest: Sendable {
    public let store: CollectorStore

    public init(store: CollectorStore) { self.store = store }

    /// The message to send back for `report` from the agent `agentUUID`.
    public func handle(_ report: Report, from agentUUID: String, receivedAt: Date) throws -> WireMessage {
        guard let agent = try store.agentState(uuid: agentUUID), !agent.revoked else {
            return .error(ErrorMessage(code: "AGENT_REVOKED", message: "this agent is not enrolled"))
        }
        guard Int64(exactly: report.sequence) != nil else { return refusal("sequence number out of range") }
        // A resend of a report already received is acknowledged before anything else: its base may
        // have moved on since, and it must not look like a mismatch.
        if try store.isKnownReport(id: report.id, agentUUID: agentUUID) {
            return .ack(Ack(id: report.id, sequence: report.sequence, duplicate: true))
        }
        let inventory: Inventory
        switch report.kind {
        case .full:
            // The store hashes the inventory while it prepares its rows, and checks the hash there.
            guard let full = report.inventory else { return refusal("a full report carries no inventory") }
            inventory = full
        case .delta, .heartbeat:
            // The store keeps the hash of what it holds: a report on another base is answered without
            // reading the inventory.
            guard let base = agent.base, base == report.base else {
                return .needFullReport(NeedFullReport(id: report.id, reason: "the collector holds another base"))
            }
            if report.kind == .heartbeat {
                guard report.hash == report.base else { return refusal("a heartbeat must not change the inventory") }
                return answer(try store.recordHeartbeat(agentUUID: agentUUID, reportID: report.id, sequence: report.sequence, base: base,
                                                        faults: report.faults, gap: report.gap, collectedAt: report.collectedAt,
                                                        receivedAt: receivedAt), report)
            }
            guard let delta = report.delta, delta.base == report.base, delta.target == report.hash else {
                return refusal("a delta report carries no delta, or one for other hashes")
            }
            switch try store.recordDelta(agentUUID: agentUUID, reportID: report.id, sequence: report.sequence, delta: delta,
                                         faults: report.faults, gap: report.gap, receivedAt: receivedAt) {
            case .recorded(let outcome):
                return answer(outcome, report)
            case .mismatch:
                return .needFullReport(NeedFullReport(id: report.id, reason: "the delta does not lead to its target from the stored inventory"))
            case .notInPlace:
                break  // an inventory stored before package digests: applied on the rebuilt inventory below
            }
            guard let assetID = try store.assetID(agentUUID: agentUUID), let stored = try store.inventory(assetID: assetID),
                  let storedHash = try store.inventoryHash(assetID: assetID) else {
                return .needFullReport(NeedFullReport(id: report.id, reason: "the collector holds no inventory for this agent"))
            }
            do {
                inventory = try delta.applying(to: stored, baseHash: storedHash).inventory
            } catch {
                return .needFullReport(NeedFullReport(id: report.id, reason: "the delta does not apply: \(error)"))
            }
        }
        do {
            return answer(try store.record(agentUUID: agentUUID, reportID: report.id, sequence: report.sequence, kind: report.kind,
                                           inventory: inventory, expectedHash: report.hash, expectedBase: report.kind == .full ? nil : report.base,
                                           faults: report.faults, gap: report.gap, receivedAt: receivedAt), report)
        } catch CollectorStore.StoreError.hashMismatch {
            return refusal("the report's hash does not match its inventory")
        }
    }

    private func answer(_ outcome: CollectorStore.ReportOutcome, _ report: Report) -> WireMessage {
        switch outcome {
        case .stored:
            return .ack(Ack(id: report.id, sequence: report.sequence, duplicate: false))
        case .duplicate, .stale:
            // Nothing written: acknowledged so that the agent drops it from its spool.
            return .ack(Ack(id: report.id, sequence: report.sequence, duplicate: true))
        case .baseMoved:
            return .needFullReport(NeedFullReport(id: report.id, reason: "the collector holds another base"))
        }
    }

    private func refusal(_ message: String) -> WireMessage {
        .error(ErrorMessage(code: "BAD_REPORT", message: message))
    }
}

extension Inventory {
    func withCollectedAt(_ date: Date) -> Inventory {
        var copy = self
        copy.collectedAt = date
        return copy
    }
}
