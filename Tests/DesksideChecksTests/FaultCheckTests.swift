import DesksideJSON
import DesksideChecks
import DesksideInventory
import Foundation
import Testing

/// Each check against tables of inventories: below, at and above its threshold.
@Suite struct FaultCheckTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86400
    static let gib: UInt64 = 1 << 30

    static func inventory(_ change: (inout Inventory) -> Void) -> Inventory {
        var inventory = Inventory(collectedAt: now, agent: AgentInfo(version: "test"))
        change(&inventory)
        return inventory
    }

    static func volume(_ mountPoint: String, size: UInt64, free: UInt64, readOnly: Bool = false) -> Volume {
        Volume(mountPoint: mountPoint, device: "/dev/sda1", filesystem: "ext4", sizeBytes: size, usedBytes: size - free, freeBytes: free, readOnly: readOnly)
    }

    /// (size, free, expected severity or nil for no fault) with the default policy: 10 %, 2 GiB, 3 % critical.
    static let diskCases: [(UInt64, UInt64, Fault.Severity?)] = [
        (100 * gib, 50 * gib, nil),
        (100 * gib, 11 * gib, nil),
        (100 * gib, 9 * gib, .warning),
        (100 * gib, 2 * gib, .critical),
        (1000 * gib, 1 * gib, .critical),
        (1000 * gib, 150 * gib, nil),
        (4000 * gib, 1 * gib + gib / 2, .critical),
        (1 * gib, gib / 5, nil),            // a small /boot with 20 % free: the 2 GiB floor does not apply
        (1 * gib, gib / 20, .warning),      // ... but 5 % free does
    ]

    @Test(arguments: diskCases.indices)
    func diskSpace(index: Int) {
        let (size, free, expected) = Self.diskCases[index]
        let inventory = Self.inventory { $0.hardware.volumes = [Self.volume("/data", size: size, free: free)] }
        let faults = DiskSpaceCheck().faults(in: inventory, policy: FaultPolicy(), now: Self.now)
        #expect(faults.first?.severity == expected)
        if let fault = faults.first {
            #expect(fault.code == "disk.space.low")
            #expect(fault.subject == "/data")
            #expect(fault.facts["freeBytes"] == .int(Int64(free)))
            #expect(fault.fingerprint == Fault.fingerprint(code: "disk.space.low", subject: "/data"))
        }
    }

    @Test func diskSpaceHonoursThePolicy() throws {
        let inventory = Self.inventory {
            $0.hardware.volumes = [Self.volume("/", size: 100 * Self.gib, free: 15 * Self.gib),
                                   Self.volume("/media/cd", size: 100 * Self.gib, free: 0, readOnly: true),
                                   Self.volume("/snap", size: 100 * Self.gib, free: 0)]
        }
        let policy = try JSONCoder.decode(FaultPolicy.self, from: Array(#"{"diskFreePercentMin": 20, "ignoredMountPoints": ["/snap"]}"#.utf8))
        #expect(policy.diskFreeBytesMin == FaultPolicy().diskFreeBytesMin)
        let faults = DiskSpaceCheck().faults(in: inventory, policy: policy, now: Self.now)
        #expect(faults.map(\.subject) == ["/"])
    }

    @Test func smartFailing() {
        let inventory = Self.inventory {
            $0.hardware.disks = [Disk(name: "sda", model: "WDC", smart: SmartHealth(verdict: .failing)),
                                 Disk(name: "sdb", smart: SmartHealth(verdict: .passed)),
                                 Disk(name: "sdc", smart: SmartHealth(verdict: .unknown))]
        }
        let faults = SmartCheck().faults(in: inventory, policy: FaultPolicy(), now: Self.now)
        #expect(faults.map(\.subject) == ["sda"])
        #expect(faults.first?.severity == .critical)
    }

    /// (age of the oldest pending security update in days or nil for none, expected severity).
    static let securityCases: [(Double?, Fault.Severity?)] = [(nil, nil), (0, nil), (6.9, nil), (7, .warning), (20, .warning), (21, .critical)]

    @Test(arguments: securityCases.indices)
    func securityUpdates(index: Int) {
        let (age, expected) = Self.securityCases[index]
        let inventory = Self.inventory { inventory in
            inventory.updates.pending = [PendingUpdate(name: "tzdata", architecture: "all", installedVersion: "1", candidateVersion: "2", suites: ["stable"], security: false,
                                                       firstSeenAt: Self.now - 100 * Self.day)]
            if let age {
                inventory.updates.pending.append(PendingUpdate(name: "openssl", architecture: "amd64", installedVersion: "3.0.1", candidateVersion: "3.0.2",
                                                               suites: ["stable-security"], security: true, firstSeenAt: Self.now - age * Self.day))
                inventory.updates.pending.append(PendingUpdate(name: "libssl3", architecture: "amd64", installedVersion: "3.0.1", candidateVersion: "3.0.2",
                                                               suites: ["stable-security"], security: true, firstSeenAt: Self.now))
            }
        }
        let faults = SecurityUpdatesCheck().faults(in: inventory, policy: FaultPolicy(), now: Self.now)
        #expect(faults.first?.severity == expected)
        if let fault = faults.first {
            #expect(fault.facts["count"] == .int(2))
            #expect(fault.facts["oldestAgeDays"] == .double(age!))
        }
    }

    @Test(arguments: [(nil as Double?, false), (1, false), (3, true), (30, true)])
    func rebootRequired(age: Double?, expected: Bool) {
        let inventory = Self.inventory {
            $0.health.rebootRequired = age != nil
            $0.health.rebootRequiredSince = age.map { Self.now - $0 * Self.day }
            $0.health.rebootRequiredPackages = ["linux-image-amd64"]
        }
        let faults = RebootRequiredCheck().faults(in: inventory, policy: FaultPolicy(), now: Self.now)
        #expect(!faults.isEmpty == expected)
    }

    @Test func failedServicesOnePerUnitExceptIgnored() {
        let inventory = Self.inventory { $0.health.failedUnits = [FailedUnit(name: "cups.service"), FailedUnit(name: "backup.service")] }
        var policy = FaultPolicy()
        policy.ignoredUnits = ["cups.service"]
        let faults = FailedServiceCheck().faults(in: inventory, policy: policy, now: Self.now)
        #expect(faults.map(\.subject) == ["backup.service"])
        #expect(FailedServiceCheck().faults(in: Self.inventory { $0.health.failedUnits = nil }, policy: policy, now: Self.now).isEmpty)
    }

    @Test(arguments: [(50000 as UInt64, 45000 as UInt64, false), (50000, 30001, false), (50000, 30000, true), (50000, 10000, true)])
    func batteryWear(design: UInt64, full: UInt64, expected: Bool) {
        let inventory = Self.inventory { $0.hardware.batteries = [Battery(name: "BAT0", present: true, designCapacity: design, fullCapacity: full, capacityUnit: "mWh")] }
        #expect(!BatteryWearCheck().faults(in: inventory, policy: FaultPolicy(), now: Self.now).isEmpty == expected)
    }

    @Test(arguments: [(16 * gib, 8 * gib, false), (16 * gib, gib, false), (16 * gib, gib / 2, true)])
    func memoryLow(total: UInt64, available: UInt64, expected: Bool) {
        let inventory = Self.inventory { $0.hardware.memory = Memory(totalBytes: total, availableBytes: available) }
        #expect(!MemoryLowCheck().faults(in: inventory, policy: FaultPolicy(), now: Self.now).isEmpty == expected)
    }

    @Test func checkerOrdersBySeverityAndFingerprintsAreStable() {
        let inventory = Self.inventory {
            $0.hardware.volumes = [Self.volume("/home", size: 100 * Self.gib, free: 5 * Self.gib), Self.volume("/", size: 100 * Self.gib, free: Self.gib)]
            $0.hardware.disks = [Disk(name: "sda", smart: SmartHealth(verdict: .failing))]
            $0.health.failedUnits = [FailedUnit(name: "a.service")]
        }
        let faults = FaultChecker().faults(in: inventory, now: Self.now)
        #expect(faults.map(\.code) == ["disk.smart.failing", "disk.space.low", "disk.space.low", "service.failed"])
        #expect(faults.map(\.severity) == [.critical, .critical, .warning, .warning])
        let again = FaultChecker().faults(in: inventory, now: Self.now + 3600)
        #expect(faults.map(\.fingerprint) == again.map(\.fingerprint))
        #expect(Set(faults.map(\.fingerprint)).count == faults.count)
        #expect(faults[0].fingerprint.count == 32)
    }

    @Test func faultsRoundTripThroughJSON() throws {
        let fault = Fault(code: "disk.space.low", severity: .warning, subject: "/", summary: "low",
                          facts: ["a": .int(1), "b": .double(2.5), "c": .string("x"), "d": .bool(true)])
        let decoded = try JSONCoder.decode(Fault.self, from: JSONCoder.encode(fault))
        #expect(decoded == fault)
    }
}
