import DesksideAssets
import DesksideInventory
import Testing

@Suite struct MachineIdentityTests {
    @Test(arguments: ["To be filled by O.E.M.", "Default string", "System Serial Number", "0", "000000000", "XXXXXXXX", "None", " ", "123456789", "Not Specified"])
    func placeholderSerialsIdentifyNothing(_ serial: String) {
        #expect(MachineIdentity(serial: serial).serial == nil)
    }

    @Test func realValuesAreKeptInOneCase() {
        let identity = MachineIdentity(systemUUID: "4c4c4544-0042-3510-8052-b7c04f4a4d32", serial: " pf2abc12 ", vendor: "LENOVO",
                                       fixedMACs: ["54:E1:AD:12:34:56", "02:42:ac:11:00:02", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"])
        #expect(identity.systemUUID == "4C4C4544-0042-3510-8052-B7C04F4A4D32")
        #expect(identity.serial == "PF2ABC12")
        #expect(identity.fixedMACs == ["54:e1:ad:12:34:56"], "a locally administered, an all-zero and a broadcast address are no machine's own")
        #expect(MachineIdentity(systemUUID: "00000000-0000-0000-0000-000000000000").systemUUID == nil)
        #expect(MachineIdentity(systemUUID: "03000200-0400-0500-0006-000700080009").systemUUID == nil, "the UUID many boards share")
    }

    @Test func onlyBuiltInInterfacesAndFixedDisksCount() {
        var hardware = Hardware()
        hardware.networkInterfaces = [
            NetworkInterface(name: "enp0s31f6", mac: "54:e1:ad:12:34:56", driver: "e1000e"),
            NetworkInterface(name: "wlp2s0", mac: "a4:c3:f0:11:22:33", wireless: true, driver: "iwlwifi"),
            NetworkInterface(name: "docker0", mac: "02:42:11:22:33:44", virtual: true),
            NetworkInterface(name: "enx00e04c680001", mac: "00:e0:4c:68:00:01", driver: "r8152"),
        ]
        hardware.disks = [Disk(name: "nvme0n1", serial: "S4EWNX0R123456", removable: false, transport: "nvme"),
                          Disk(name: "sda", serial: "USBSTICK0001", removable: true, transport: "usb")]
        let identity = MachineIdentity(hardware)
        #expect(identity.fixedMACs == ["54:e1:ad:12:34:56", "a4:c3:f0:11:22:33"], "not the bridge, not the USB dongle")
        #expect(identity.diskSerials == ["S4EWNX0R123456"])
    }
}

@Suite struct IdentityMatchTests {
    static let laptop = MachineIdentity(systemUUID: "4C4C4544-0042-3510-8052-B7C04F4A4D32", serial: "PF2ABC12", vendor: "LENOVO",
                                        fixedMACs: ["54:e1:ad:12:34:56"], diskSerials: ["S4EWNX0R123456"])

    @Test func aReinstalledMachineGetsItsAssetBackByUUIDAndSerial() {
        let decision = IdentityMatch.decide(Self.laptop, candidates: [.init(assetID: 7, identity: Self.laptop, agent: "old-agent")])
        #expect(decision == .reuse(assetID: 7, rule: .uuidAndSerial, replacing: "old-agent"))
    }

    @Test func theStrongestRuleThatNamesOneAssetDecides() {
        // Asset 3 shares only the disk; asset 4 the serial and maker (a new board, the service tag set again).
        var board = Self.laptop
        board.systemUUID = "11111111-2222-3333-4444-555555555555"
        var other = MachineIdentity(serial: "ZZZ999", vendor: "DELL")
        other.diskSerials = Self.laptop.diskSerials
        var sameSerial = board
        sameSerial.fixedMACs = []
        sameSerial.diskSerials = []
        sameSerial.systemUUID = "99999999-2222-3333-4444-555555555555"
        let decision = IdentityMatch.decide(board, candidates: [.init(assetID: 3, identity: other), .init(assetID: 4, identity: sameSerial)])
        #expect(decision == .reuse(assetID: 4, rule: .serialAndVendor, replacing: nil))
    }

    @Test func aMotherboardSwapKeepsTheAssetThroughItsDisks() {
        let swapped = MachineIdentity(systemUUID: "AAAAAAAA-2222-3333-4444-555555555555", serial: "NEWBOARD1", vendor: "LENOVO",
                                      fixedMACs: ["54:e1:ad:99:99:99"], diskSerials: Self.laptop.diskSerials)
        #expect(IdentityMatch.decide(swapped, candidates: [.init(assetID: 9, identity: Self.laptop)]) == .reuse(assetID: 9, rule: .diskSerial, replacing: nil))
    }

    @Test func theHostnameAloneNeverMatchesAndNothingIsNew() {
        let blank = MachineIdentity()
        #expect(IdentityMatch.decide(blank, candidates: [.init(assetID: 1, identity: blank)]) == .new, "two machines with nothing to tell them apart are two")
        #expect(IdentityMatch.decide(Self.laptop, candidates: []) == .new)
    }

    @Test func aClonedVMWhileTheOriginalIsConnectedIsAConflict() {
        let decision = IdentityMatch.decide(Self.laptop, candidates: [.init(assetID: 7, identity: Self.laptop, agent: "original", agentConnected: true)])
        guard case .conflict(7, .uuidAndSerial, let why) = decision else { Issue.record("\(decision)"); return }
        #expect(why.contains("original") && why.contains("connected"))
    }

    @Test func anAgentThatWasDisplacedAndReportsAgainIsAConflict() {
        let decision = IdentityMatch.decide(Self.laptop, candidates: [.init(assetID: 7, identity: Self.laptop, agent: "clone", displacedReporter: true)])
        guard case .conflict(7, .uuidAndSerial, _) = decision else { Issue.record("\(decision)"); return }
    }

    @Test func twoAssetsForOneRuleAreAConflictNotAGuess() {
        let decision = IdentityMatch.decide(Self.laptop, candidates: [.init(assetID: 1, identity: Self.laptop), .init(assetID: 2, identity: Self.laptop)])
        guard case .conflict(1, .uuidAndSerial, let why) = decision else { Issue.record("\(decision)"); return }
        #expect(why.contains("2 assets"))
    }

    @Test func aRetiredAssetIsNotReused() {
        #expect(IdentityMatch.decide(Self.laptop, candidates: [.init(assetID: 5, identity: Self.laptop, retired: true)]) == .new)
    }
}

@Suite struct AutomaticOwnerTests {
    @Test func onlyWhenOnForAnAssetThatNeverHadAnOwner() {
        #expect(AutomaticOwner.username(enabled: true, everOwned: false, lastUser: "jdupont") == "jdupont")
        #expect(AutomaticOwner.username(enabled: false, everOwned: false, lastUser: "jdupont") == nil)
        #expect(AutomaticOwner.username(enabled: true, everOwned: true, lastUser: "jdupont") == nil, "someone unassigned it")
        #expect(AutomaticOwner.username(enabled: true, everOwned: false, lastUser: nil) == nil)
        #expect(AutomaticOwner.username(enabled: true, everOwned: false, lastUser: "root") == nil)
    }
}

@Suite struct TwinTests {
    @Test func anotherAgentsAssetWithTheSameUUIDAndSerialIsATwin() {
        let laptop = IdentityMatchTests.laptop
        let candidates: [IdentityMatch.Candidate] = [.init(assetID: 1, identity: laptop, agent: "a"), .init(assetID: 2, identity: laptop, agent: "b"),
                                                     .init(assetID: 3, identity: laptop), .init(assetID: 4, identity: laptop, agent: "d", retired: true)]
        #expect(IdentityMatch.twins(laptop, of: 1, candidates: candidates).map(\.assetID) == [2], "not itself, not an asset without agent, not a retired one")
    }
}
