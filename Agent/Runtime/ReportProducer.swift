#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideJSON
import DesksideChecks
import DesksideInventory
import DesksideProbes
import DesksideProtocol
import DesksideSession
import DesksideSpool

/// Collects the inventory, runs the checks and puts the report into the spool: a full report, or a
/// delta on the newest report's inventory (deltas chain through the spool, and the collector applies
/// them in order), or a heartbeat report when nothing changed.
struct ReportProducer {
    let probe: InventoryProbe
    let stateDirectory: String
    let spool: ReportSpool

    /// What was spooled.
    struct Produced {
        var sequence: UInt64
        var kind: Report.Kind
        var faults: Int
    }

    func produce(state: inout SessionState, forceFull: Bool) throws -> Produced {
        let inventory = probe.collect()
        let faults = FaultChecker(policy: state.policy).faults(in: inventory, now: probe.configuration.now())
        let latest = forceFull ? nil : LatestInventory.load(stateDirectory: stateDirectory)
        // Never reuse a sequence number, whatever was lost of the state file.
        let sequence = max(state.nextSequence, (spool.sequences().last ?? 0) + 1, (state.acknowledgedSequence ?? 0) + 1)
        state.nextSequence = sequence + 1
        try state.save(stateDirectory: stateDirectory)
        // Forgotten only once a spooled report carries it.
        let loss = spool.loss
        let gap = loss.isEmpty ? nil : SpoolGap(droppedReports: loss.droppedReports + loss.corruptEntries,
                                                 firstSequence: loss.firstSequence ?? 0, lastSequence: loss.lastSequence ?? 0)
        let report = ReportBuilder.report(id: UUID().uuidString.lowercased(), sequence: sequence, inventory: inventory, faults: faults,
                                          base: latest?.inventory, forceFull: forceFull, gap: gap)
        try spool.append(sequence: sequence, body: try JSONCoder.encode(report))
        spool.forget(loss)
        try LatestInventory(inventory: inventory).save(stateDirectory: stateDirectory)
        return Produced(sequence: sequence, kind: report.kind, faults: faults.count)
    }
}
