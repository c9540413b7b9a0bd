import DesksideJSON
import DesksideInventory
import DesksideProbes
import DesksideTestSupport
import Foundation
import Testing

/// The whole inventory of each fixture system, compared with `<name>.expected.json`: values that the
/// real tools (dpkg-query, apt, rpm, dmidecode, lscpu, utmpdump) gave for the same files; see
/// Tests/Fixtures/README.md. A key present as `null` must be absent from the inventory.
@Suite struct FixtureSystemTests {
    static let systems = ["laptop", "ubuntu", "fedora", "broken"]

    /// The inventory of a fixture tree, with filesystem space from `<name>.statvfs.json`.
    static func inventory(of name: String, stateDirectory: String? = nil) throws -> Inventory {
        let figures = try JSONCoder.decode([String: VolumeProbe.SpaceFigures].self,
                                           from: Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.sidecar(name + ".statvfs.json")))))
        let root = Fixtures.system(name)
        return InventoryProbe(.init(root: SystemRoot(root), space: { path in
            figures[path == root ? "/" : String(path.dropFirst(root.count))]
        }, stateDirectory: stateDirectory)).collect()
    }

    static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.sidecar(name + ".expected.json")))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Compares one expected value (from JSON) with the inventory's, `NSNull` meaning absent.
    static func check(_ expected: Any?, _ actual: Any?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let expected else { return }
        if expected is NSNull {
            #expect(actual == nil, "\(what) should be absent, is \(String(describing: actual))", sourceLocation: sourceLocation)
            return
        }
        let expectedText = "\(expected)"
        let actualText = actual.map { "\($0)" } ?? "nil"
        if let flag = actual as? Bool {
            #expect((expected as? Bool) == flag, "\(what): expected \(expectedText), got \(flag)", sourceLocation: sourceLocation)
        } else {
            #expect(expectedText == actualText, "\(what): expected \(expectedText), got \(actualText)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: systems)
    func operatingSystem(name: String) throws {
        let os = try Self.inventory(of: name).os
        let expected = try Self.expected(name)["os"] as! [String: Any]
        Self.check(expected["id"], os.id, "id")
        Self.check(expected["name"], os.name, "name")
        Self.check(expected["version"], os.version, "version")
        Self.check(expected["codename"], os.codename, "codename")
        Self.check(expected["hostname"], os.hostname, "hostname")
        Self.check(expected["fqdn"], os.fqdn, "fqdn")
        Self.check(expected["timezone"], os.timezone, "timezone")
        Self.check(expected["kernelRelease"], os.kernelRelease, "kernelRelease")
        Self.check(expected["bootTimeEpoch"], os.bootTime.map { Int($0.timeIntervalSince1970) }, "bootTime")
        Self.check(expected["uptimeSeconds"], os.uptimeSeconds, "uptimeSeconds")
        if let users = expected["loggedInUsers"] as? [String] {
            #expect(os.loggedInUsers.map(\.name) == users)
        }
    }

    @Test(arguments: systems)
    func systemAndProcessor(name: String) throws {
        let hardware = try Self.inventory(of: name).hardware
        let expected = try Self.expected(name)["hardware"] as! [String: Any]
        Self.check(expected["vendor"], hardware.system.vendor, "vendor")
        Self.check(expected["model"], hardware.system.model, "model")
        Self.check(expected["serial"], hardware.system.serial, "serial")
        Self.check(expected["uuid"], hardware.system.uuid, "uuid")
        Self.check(expected["chassisType"], hardware.system.chassisType, "chassisType")
        Self.check(expected["biosVendor"], hardware.bios.vendor, "biosVendor")
        Self.check(expected["biosVersion"], hardware.bios.version, "biosVersion")
        Self.check(expected["biosDate"], hardware.bios.date, "biosDate")
        Self.check(expected["cpuModel"], hardware.cpu.model, "cpuModel")
        Self.check(expected["sockets"], hardware.cpu.sockets, "sockets")
        Self.check(expected["cores"], hardware.cpu.cores, "cores")
        Self.check(expected["threads"], hardware.cpu.threads, "threads")
        Self.check(expected["maxFrequencyMHz"], hardware.cpu.maxFrequencyMHz, "maxFrequencyMHz")
        Self.check(expected["memoryTotalBytes"], hardware.memory.totalBytes, "memoryTotalBytes")
    }

    @Test(arguments: systems)
    func memoryModulesDisksAndVolumes(name: String) throws {
        let hardware = try Self.inventory(of: name).hardware
        let expected = try Self.expected(name)["hardware"] as! [String: Any]
        if let modules = expected["memoryModules"] as? [[String: Any]] {
            #expect(hardware.memory.modules.count == modules.count)
            for (module, want) in zip(hardware.memory.modules, modules) {
                Self.check(want["slot"], module.slot, "module slot")
                Self.check(want["sizeBytes"], module.sizeBytes, "module size")
                Self.check(want["type"], module.type, "module type")
                Self.check(want["speedMTs"], module.speedMTs, "module speed")
                Self.check(want["configuredSpeedMTs"], module.configuredSpeedMTs, "module configured speed")
                Self.check(want["manufacturer"], module.manufacturer, "module manufacturer")
                Self.check(want["serial"], module.serial, "module serial")
                Self.check(want["partNumber"], module.partNumber, "module part number")
                Self.check(want["formFactor"], module.formFactor, "module form factor")
            }
        }
        if let disks = expected["disks"] as? [[String: Any]] {
            #expect(hardware.disks.map(\.name) == disks.map { $0["name"] as! String })
            for (disk, want) in zip(hardware.disks, disks) {
                Self.check(want["model"], disk.model, "\(disk.name) model")
                Self.check(want["serial"], disk.serial, "\(disk.name) serial")
                Self.check(want["sizeBytes"], disk.sizeBytes, "\(disk.name) size")
                Self.check(want["rotational"], disk.rotational, "\(disk.name) rotational")
                Self.check(want["transport"], disk.transport, "\(disk.name) transport")
                #expect(disk.smart.verdict == .unknown)
            }
        }
        if let volumes = expected["volumes"] as? [[String: Any]] {
            #expect(Set(hardware.volumes.map(\.mountPoint)) == Set(volumes.map { $0["mountPoint"] as! String }))
            for want in volumes {
                let volume = hardware.volumes.first { $0.mountPoint == want["mountPoint"] as! String }
                Self.check(want["filesystem"], volume?.filesystem, "volume filesystem")
                Self.check(want["sizeBytes"], volume?.sizeBytes, "volume size")
                Self.check(want["freeBytes"], volume?.freeBytes, "volume free")
                Self.check(want["usedBytes"], volume?.usedBytes, "volume used")
            }
        }
    }

    @Test(arguments: systems)
    func networkBatteryAndPCI(name: String) throws {
        let hardware = try Self.inventory(of: name).hardware
        let expected = try Self.expected(name)["hardware"] as! [String: Any]
        if let interfaces = expected["interfaces"] as? [[String: Any]] {
            #expect(hardware.networkInterfaces.map(\.name) == interfaces.map { $0["name"] as! String })
            for (interface, want) in zip(hardware.networkInterfaces, interfaces) {
                // An all-zero MAC (loopback) is reported as no MAC.
                let mac = want["mac"] as? String == "00:00:00:00:00:00" ? NSNull() : want["mac"]
                Self.check(mac, interface.mac, "\(interface.name) mac")
                #expect(Set(interface.ipv4) == Set(want["ipv4"] as? [String] ?? []), "\(interface.name) ipv4")
                #expect(Set(interface.ipv6) == Set(want["ipv6"] as? [String] ?? []), "\(interface.name) ipv6")
                Self.check(want["state"], interface.state, "\(interface.name) state")
                Self.check(want["wireless"], interface.wireless, "\(interface.name) wireless")
                Self.check(want["virtual"], interface.virtual, "\(interface.name) virtual")
                Self.check(want["speedMbps"], interface.speedMbps, "\(interface.name) speed")
            }
        }
        if expected["battery"] is NSNull {
            #expect(hardware.batteries.isEmpty)
        } else if let battery = expected["battery"] as? [String: Any] {
            #expect(hardware.batteries.count == 1)
            Self.check(battery["designCapacity"], hardware.batteries.first?.designCapacity, "battery design capacity")
            Self.check(battery["fullCapacity"], hardware.batteries.first?.fullCapacity, "battery full capacity")
            Self.check(battery["chargePercent"], hardware.batteries.first?.chargePercent, "battery charge")
            Self.check(battery["cycleCount"], hardware.batteries.first?.cycleCount, "battery cycles")
        }
        if let pci = expected["pci"] as? [[String: Any]] {
            for want in pci {
                let device = hardware.pciDevices.first { $0.slot == want["slot"] as! String }
                Self.check(want["vendorName"], device?.vendorName, "pci vendor")
                Self.check(want["deviceName"], device?.deviceName, "pci device")
            }
        }
    }

    @Test(arguments: systems)
    func softwareUpdatesAndHealth(name: String) throws {
        let inventory = try Self.inventory(of: name)
        let expected = try Self.expected(name)
        let software = expected["software"] as! [String: Any]
        #expect(inventory.software.packages.count == software["count"] as! Int)
        let want = Set((software["packages"] as! [[String: Any]]).map { "\($0["name"]!) \($0["version"]!) \($0["architecture"]!) \($0["source"]!)" })
        let got = Set(inventory.software.packages.map { "\($0.name) \($0.version) \($0.architecture) \($0.source ?? "-")" })
        #expect(got == want, "missing \(want.subtracting(got)), extra \(got.subtracting(want))")
        if let updates = expected["updates"] as? [String: Any], let pending = updates["pending"] as? [[String: Any]] {
            let want = Set(pending.map { "\($0["name"]!) \($0["installedVersion"]!) \($0["candidateVersion"]!) \($0["security"] as! Bool)" })
            let got = Set(inventory.updates.pending.map { "\($0.name) \($0.installedVersion) \($0.candidateVersion) \($0.security)" })
            #expect(got == want, "missing \(want.subtracting(got)), extra \(got.subtracting(want))")
        }
        if let health = expected["health"] as? [String: Any] {
            Self.check(health["rebootRequired"], inventory.health.rebootRequired, "rebootRequired")
            #expect(inventory.health.rebootRequiredPackages == (health["rebootRequiredPackages"] as? [String] ?? []).sorted())
        }
    }

    /// The broken tree: every kind of damage is noted, and every other section is still reported.
    /// A sysfs snapshot without `device` links (as snapshot tools and some kernels' namespace devices
    /// give): the laptop's physical disks are still disks, the loop device still virtual. Before, a
    /// missing `device` link was taken to mean a virtual device and the disks vanished.
    @Test func disksWithoutADeviceLinkAreStillDisks() throws {
        let copy = try Fixtures.temporaryDirectory() + "/laptop"
        defer { try? FileManager.default.removeItem(atPath: (copy as NSString).deletingLastPathComponent) }
        try Fixtures.run("/bin/cp", ["-a", Fixtures.system("laptop"), copy])
        try Fixtures.run("/usr/bin/find", [copy + "/sys/devices", "-name", "device", "-type", "l", "-delete"])
        #expect(!FileManager.default.fileExists(atPath: copy + "/sys/block/sda/device"))
        var notes = NoteLog()
        let disks = DiskProbe(root: SystemRoot(copy), smart: UnavailableSmartSource(reason: "test")).read(notes: &notes)
        #expect(disks.map(\.name).sorted() == ["nvme0n1", "sda"])
        #expect(disks.first { $0.name == "sda" }?.transport == "sata")
        let original = try Self.inventory(of: "laptop").hardware.disks.map(\.name).sorted()
        #expect(original == ["nvme0n1", "sda"])
    }

    @Test func brokenSystemIsReportedWithNotes() throws {
        let inventory = try Self.inventory(of: "broken")
        let notes = inventory.notes.map { "\($0.section.rawValue) \($0.kind.rawValue) \($0.source)" }
        #expect(notes.contains("software malformed /var/lib/dpkg/status"))
        #expect(notes.contains("hardware malformed /sys/class/dmi/id/product_name"))
        #expect(notes.contains("hardware missing /proc/meminfo"))
        #expect(notes.contains("os malformed /etc/os-release"))
        #expect(notes.contains("hardware malformed /proc/cpuinfo"))
        #expect(notes.contains("hardware malformed /sys/firmware/dmi/tables/DMI"))
        #expect(notes.contains { $0.hasPrefix("updates malformed /var/lib/apt/lists/") })
        #expect(!inventory.software.packages.isEmpty)
        #expect(!inventory.hardware.networkInterfaces.isEmpty)
        #expect(inventory.os.hostname != nil)
    }

    /// This machine's own files, copied: the agent agrees with dpkg-query and apt run on the same copy.
    @Test func debianMachineCopyAgreesWithDpkgAndApt() throws {
        let root = Fixtures.system("debian-vm")
        let inventory = InventoryProbe(.init(root: SystemRoot(root))).collect()
        let dpkg = try String(contentsOfFile: Fixtures.sidecar("debian-vm.dpkg-query.txt"), encoding: .utf8)
        let want = Set(dpkg.split(separator: "\n").map(String.init))
        let got = Set(inventory.software.packages.map { "\($0.name) \($0.architecture) \($0.version)" })
        #expect(want.count > 500)
        #expect(got == want, "missing \(want.subtracting(got).prefix(5)), extra \(got.subtracting(want).prefix(5))")
        let apt = try String(contentsOfFile: Fixtures.sidecar("debian-vm.apt-upgradable.txt"), encoding: .utf8)
        let wantUpdates = Set(apt.split(separator: "\n").map { $0.split(separator: " ").prefix(4).joined(separator: " ") })
        let gotUpdates = Set(inventory.updates.pending.map { "\($0.name) \($0.architecture) \($0.installedVersion) \($0.candidateVersion)" })
        #expect(wantUpdates.count > 50)
        #expect(gotUpdates == wantUpdates, "missing \(wantUpdates.subtracting(gotUpdates).prefix(5)), extra \(gotUpdates.subtracting(wantUpdates).prefix(5))")
        // No DMI, no SMBIOS, no battery on this virtual machine: noted, not errors.
        #expect(inventory.hardware.batteries.isEmpty)
        #expect(inventory.hardware.memory.modules.isEmpty)
        #expect(inventory.notes.contains { $0.source == "/sys/class/dmi/id" && $0.kind == .missing })
        #expect(inventory.hardware.memory.totalBytes ?? 0 > 0)
        #expect(!inventory.hardware.disks.isEmpty)
    }
}
