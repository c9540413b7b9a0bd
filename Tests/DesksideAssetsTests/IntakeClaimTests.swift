import DesksideAssets
import Testing

/// Which asset a FusionInventory, GLPI or OCS agent's inventory may be written to.
@Suite struct IntakeClaimTests {
    let laptop = MachineIdentity(systemUUID: "4C4C4544-0046-5810-804B-B8C04F315133", serial: "8FXK1Q3", vendor: "DELL INC.", fixedMACs: ["00:1b:21:3a:4f:10"])
    let other = MachineIdentity(systemUUID: "6F1C2A9E-84D3-4B57-9E0A-3C7D51B8E240", serial: "CZC41729QX", vendor: "HP")

    @Test func aKnownDeviceKeepsItsAsset() {
        #expect(IntakeClaim.decide(held: .init(assetID: 7, identity: laptop, enrolledAgent: nil), report: laptop, candidates: []) == .write(assetID: 7))
        // A device that never reported hardware, or whose hardware says less now, keeps it too.
        #expect(IntakeClaim.decide(held: .init(assetID: 7, identity: nil, enrolledAgent: nil), report: laptop, candidates: []) == .write(assetID: 7))
        #expect(IntakeClaim.decide(held: .init(assetID: 7, identity: laptop, enrolledAgent: nil), report: MachineIdentity(), candidates: []) == .write(assetID: 7))
        // A new disk or network card is not another machine.
        var repaired = laptop
        repaired.fixedMACs = ["00:1b:21:3a:4f:99"]
        #expect(IntakeClaim.decide(held: .init(assetID: 7, identity: laptop, enrolledAgent: nil), report: repaired, candidates: []) == .write(assetID: 7))
    }

    @Test func aDeviceIDThatJumpsToOtherHardwareIsAConflict() {
        guard case .refuse(let reason, 7) = IntakeClaim.decide(held: .init(assetID: 7, identity: laptop, enrolledAgent: nil), report: other, candidates: []) else {
            Issue.record("not refused")
            return
        }
        #expect(reason.contains("system UUID"))
        var serialOnly = laptop
        serialOnly.serial = "OTHER123"
        guard case .refuse(let why, 7) = IntakeClaim.decide(held: .init(assetID: 7, identity: laptop, enrolledAgent: nil), report: serialOnly, candidates: []) else {
            Issue.record("a serial jump not refused")
            return
        }
        #expect(why.contains("serial"))
    }

    @Test func anEnrolledAgentsAssetIsNeverWritten() {
        // The device's own asset, since taken by an enrolled Deskside agent.
        guard case .refuse(_, 7) = IntakeClaim.decide(held: .init(assetID: 7, identity: laptop, enrolledAgent: "agent-1"), report: laptop, candidates: []) else {
            Issue.record("written over an enrolled agent")
            return
        }
        // A new device claiming an enrolled agent's machine, connected or not.
        for connected in [false, true] {
            let candidate = IdentityMatch.Candidate(assetID: 3, identity: laptop, agent: "agent-1", agentConnected: connected)
            guard case .refuse(_, 3) = IntakeClaim.decide(held: nil, report: laptop, candidates: [candidate]) else {
                Issue.record("claimed an enrolled agent's asset (connected: \(connected))")
                return
            }
        }
    }

    @Test func aNewDeviceIsMatchedByTheRegistersRules() {
        // An asset entered by hand or imported, or one another intake device reported (a reinstalled agent).
        let registered = IdentityMatch.Candidate(assetID: 5, identity: laptop)
        #expect(IntakeClaim.decide(held: nil, report: laptop, candidates: [registered]) == .attach(assetID: 5, rule: .uuidAndSerial))
        #expect(IntakeClaim.decide(held: nil, report: other, candidates: []) == .create)
        // Two assets have its serial: a person decides.
        let twin = IdentityMatch.Candidate(assetID: 6, identity: laptop)
        guard case .refuse = IntakeClaim.decide(held: nil, report: laptop, candidates: [registered, twin]) else {
            Issue.record("an ambiguous match attached")
            return
        }
        // Never by the hostname: a machine without identifiers is a new asset.
        #expect(IntakeClaim.decide(held: nil, report: MachineIdentity(), candidates: [registered]) == .create)
    }
}

/// When a machine other agents report counts as silent: the help desk's days, or two of its periods.
@Suite struct IntakeScheduleTests {
    @Test(arguments: [
        // (silentAgentDays, scheduleHours, days unheard, silent)
        (7, 24, 6.9, false), (7, 24, 7.1, true),
        (7, 240, 8.0, false), (7, 240, 20.1, true),
        (14, 24, 10.0, false), (1, 1, 1.1, true),
    ])
    func silenceFollowsTheLongerOfTheTwo(_ days: Int, _ hours: Int, _ unheard: Double, _ silent: Bool) {
        #expect(IntakeSchedule.isSilent(lastContact: 0, now: unheard * 86400, silentAgentDays: days, scheduleHours: hours) == silent)
    }
}
