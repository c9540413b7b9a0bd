public import DesksideInventory
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideVersion

/// Runs every probe against one root and assembles the inventory. A probe that fails leaves a note
/// and its fields empty; the others still run.
public struct InventoryProbe: Sendable {
    /// What the probes need besides the root: test hooks for the two sources that are not files.
    public struct Configuration: Sendable {
        public var root: SystemRoot
        /// SMART verdicts; by default smartctl on the live system, unknown on a fixture tree.
        public var smart: (any SmartSource)?
        /// Filesystem space; by default statvfs(3) on the live system and none on a copied tree.
        public var space: VolumeProbe.SpaceSource?
        /// Directory for the updates cache and update first-seen times; `nil` for none.
        public var stateDirectory: String?
        public var agentVersion: String
        public var now: @Sendable () -> Date

        public init(root: SystemRoot, smart: (any SmartSource)? = nil, space: VolumeProbe.SpaceSource? = nil,
                    stateDirectory: String? = nil, agentVersion: String = DesksideVersion.current, now: @escaping @Sendable () -> Date = Date.init) {
            self.root = root
            self.smart = smart
            self.space = space
            self.stateDirectory = stateDirectory
            self.agentVersion = agentVersion
            self.now = now
        }
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) { self.configuration = configuration }

    public func collect() -> Inventory {
        let root = configuration.root
        var notes = NoteLog()
        var inventory = Inventory(collectedAt: configuration.now(), agent: AgentInfo(version: configuration.agentVersion))

        inventory.os = OperatingSystemProbe(root: root).read(notes: &notes)
        let dmi = DMIProbe(root: root).read(notes: &notes)
        let network = NetworkProbe(root: root).read(notes: &notes)
        inventory.os.defaultGateway = network.gateway
        let smart = configuration.smart ?? SmartctlSource.default(for: root)
        inventory.hardware = Hardware(
            system: dmi.system, bios: dmi.bios,
            cpu: CPUProbe(root: root).read(architecture: inventory.os.architecture, notes: &notes),
            memory: MemoryProbe(root: root).read(notes: &notes),
            disks: DiskProbe(root: root, smart: smart).read(notes: &notes),
            volumes: VolumeProbe(root: root, space: configuration.space).read(notes: &notes),
            networkInterfaces: network.interfaces,
            batteries: BatteryProbe(root: root).read(notes: &notes),
            pciDevices: PCIProbe(root: root).read(notes: &notes),
            virtualization: VirtualizationProbe.detect(root: root, systemVendor: dmi.system.vendor, systemModel: dmi.system.model)
        )

        var managers: [String] = []
        var packages: [Package] = []
        let dpkg = DpkgProbe(root: root).packages(notes: &notes)
        if let dpkg {
            managers.append("dpkg")
            packages += dpkg
        }
        if let rpm = RPMProbe(root: root).packages(notes: &notes) {
            managers.append("rpm")
            packages += rpm
        }
        inventory.software = Software(packageManagers: managers, packages: packages)
        inventory.software.sortPackages()
        if managers.isEmpty && !root.exists(DpkgProbe.statusPath) && !RPMProbe.databasePaths.contains(where: root.exists) {
            notes.add(.software, probe: "packages", kind: .missing, source: DpkgProbe.statusPath,
                      message: "no dpkg or RPM database was found")
        }

        if let dpkg {
            inventory.updates = pendingUpdates(installed: dpkg, notes: &notes)
        }
        inventory.health = HealthProbe(root: root).read(notes: &notes)
        inventory.health.lastUpdateCheck = inventory.updates.listsUpdatedAt
        inventory.notes = notes.notes
        return inventory
    }

    /// Pending updates, from the cache when neither the lists nor the status file changed, with the
    /// time each candidate was first seen pending.
    private func pendingUpdates(installed: [Package], notes: inout NoteLog) -> Updates {
        let probe = AptUpdatesProbe(root: configuration.root)
        let cache = configuration.stateDirectory.map(UpdatesCache.init(directory:))
        let fingerprint = cache == nil ? [] : probe.fingerprint()
        var updates: Updates?
        if let cached = cache?.load(fingerprint: fingerprint) {
            updates = cached.updates
            for note in cached.notes { notes.add(note.section, probe: note.probe, kind: note.kind, source: note.source, message: note.message) }
        } else {
            var computeNotes = NoteLog()
            updates = probe.updates(installed: installed, notes: &computeNotes)
            cache?.store(fingerprint: fingerprint, updates: updates, notes: computeNotes.notes)
            for note in computeNotes.notes { notes.add(note.section, probe: note.probe, kind: note.kind, source: note.source, message: note.message) }
        }
        guard var result = updates else { return Updates() }
        // Not cached: the stamp moves on every `apt update`, even when the lists stay the same.
        result.listsUpdatedAt = probe.listsUpdatedAt()
        if let directory = configuration.stateDirectory {
            // After a run that could not read every list, updates missing from it may still be pending:
            // their first-seen times are kept.
            let complete = !notes.notes.contains { $0.section == .updates }
            result.pending = UpdateFirstSeenTracker(directory: directory).annotate(result.pending, now: configuration.now(), forgetOthers: complete)
        }
        return result
    }
}
