#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import DesksideInventory
public import DesksideProtocol

/// Chooses what to send: a full report when the collector holds nothing of ours (or asked for one),
/// otherwise a delta on the inventory it acknowledged last, or a heartbeat when nothing changed.
public enum ReportBuilder {
    /// - Parameters:
    ///   - base: the inventory the collector last acknowledged; `nil` when there is none.
    ///   - forceFull: the collector asked for a full report.
    public static func report(id: String, sequence: UInt64, inventory: Inventory, faults: [Fault], base: Inventory?,
                              forceFull: Bool = false, gap: SpoolGap? = nil) -> Report {
        guard let base, !forceFull else {
            return Report(id: id, sequence: sequence, kind: .full, base: nil, hash: InventoryHash(inventory).combined,
                          collectedAt: inventory.collectedAt, inventory: inventory, faults: faults, gap: gap)
        }
        // The delta hashes both inventories; its target is the new inventory's hash.
        let delta = InventoryDelta(from: base, to: inventory)
        if delta.isEmpty {
            return Report(id: id, sequence: sequence, kind: .heartbeat, base: delta.base, hash: delta.target, collectedAt: inventory.collectedAt,
                          faults: faults, gap: gap)
        }
        return Report(id: id, sequence: sequence, kind: .delta, base: delta.base, hash: delta.target, collectedAt: inventory.collectedAt,
                      delta: delta, faults: faults, gap: gap)
    }
}
