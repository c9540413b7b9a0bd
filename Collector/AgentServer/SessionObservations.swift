#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideHelpdesk
import DesksideInventory

/// What the collector learns about an agent from its sessions rather than from its reports, as
/// faults for the fault loop. Pure: the agent server decides when, the store records.
enum SessionObservations {
    /// `clock.skewed` when the agent's clock (its `hello`) differs from the collector's by more than
    /// `toleranceSeconds`; `nil` within it. The skew is rounded to the minute, so that the fault's
    /// facts do not change with every connection.
    static func clockSkew(agentTime: Date, collectorTime: Date, toleranceSeconds: Int) -> Fault? {
        let skew = agentTime.timeIntervalSince(collectorTime)
        guard abs(skew) > Double(toleranceSeconds) else { return nil }
        let minutes = Int((skew / 60).rounded())
        let direction = skew > 0 ? "ahead of" : "behind"
        return Fault(code: CollectorFault.clockSkewed, severity: abs(skew) > 3600 ? .critical : .warning, subject: "",
                     summary: "The machine's clock is \(abs(minutes)) minute(s) \(direction) the collector's; certificates, logs and update checks go wrong with it",
                     facts: ["skewMinutes": .int(Int64(minutes)), "toleranceSeconds": .int(Int64(toleranceSeconds))])
    }

    /// `agent.identity.cloned`: two machines hold this agent's certificate and key (a cloned disk or
    /// VM). Nothing of the second one's is stored; enrolling it again gives it its own identity.
    static func clonedIdentity(connectedPeer: String, refusedPeer: String) -> Fault {
        Fault(code: CollectorFault.identityCloned, severity: .critical, subject: "",
              summary: "Two machines use this agent's certificate (connected from \(connectedPeer), refused from \(refusedPeer)); the second must be enrolled again",
              facts: ["connectedPeer": .string(connectedPeer), "refusedPeer": .string(refusedPeer)])
    }

    /// Whether a client certificate valid over [notBefore, notAfter] (seconds since 1970) should be
    /// renewed at `now`: past two thirds of its lifetime, which leaves four months of a year's
    /// certificate for an agent that is offline or failing to renew.
    static func renewalDue(notBefore: Double, notAfter: Double, now: Double) -> Bool {
        now >= notBefore + (notAfter - notBefore) * 2 / 3
    }
}

/// Fired into an agent's pipeline when a task is queued for it.
struct TaskWake {}
