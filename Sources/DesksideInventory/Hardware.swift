/// The machine's hardware: identity, firmware, processor, memory, storage, network and power.
public struct Hardware: Codable, Sendable, Equatable {
    public var system: SystemIdentity
    public var bios: BIOS
    public var cpu: CPU
    public var memory: Memory
    public var disks: [Disk]
    public var volumes: [Volume]
    public var networkInterfaces: [NetworkInterface]
    public var batteries: [Battery]
    /// PCI devices (controllers), with names from the PCI ID database when it is installed.
    public var pciDevices: [PCIDevice]
    /// Virtualization or container technology detected, `nil` on bare metal.
    public var virtualization: String?
    /// Displays, as other inventory agents report them (Deskside's agent does not read EDID yet:
    /// `nil`, which keeps its inventories' encoding and hashes as they were).
    public var monitors: [Monitor]?

    public init(
        system: SystemIdentity = SystemIdentity(), bios: BIOS = BIOS(), cpu: CPU = CPU(),
        memory: Memory = Memory(), disks: [Disk] = [], volumes: [Volume] = [],
        networkInterfaces: [NetworkInterface] = [], batteries: [Battery] = [],
        pciDevices: [PCIDevice] = [], virtualization: String? = nil, monitors: [Monitor]? = nil
    ) {
        self.system = system
        self.bios = bios
        self.cpu = cpu
        self.memory = memory
        self.disks = disks
        self.volumes = volumes
        self.networkInterfaces = networkInterfaces
        self.batteries = batteries
        self.pciDevices = pciDevices
        self.virtualization = virtualization
        self.monitors = monitors
    }
}

/// A display attached to the machine.
public struct Monitor: Codable, Sendable, Equatable {
    public var name: String?
    public var manufacturer: String?
    public var serial: String?
    /// How it is attached or what it is, as the reporting agent says (`HDMI`, `Internal panel`).
    public var description: String?

    public init(name: String? = nil, manufacturer: String? = nil, serial: String? = nil, description: String? = nil) {
        self.name = name
        self.manufacturer = manufacturer
        self.serial = serial
        self.description = description
    }
}

/// Who made the machine and how it identifies itself (DMI / SMBIOS system and chassis data).
public struct SystemIdentity: Codable, Sendable, Equatable {
    public var vendor: String?
    public var model: String?
    public var version: String?
    public var serial: String?
    public var uuid: String?
    public var sku: String?
    public var family: String?
    /// SMBIOS chassis type by name, e.g. `Notebook`, `Desktop`, `Rack Mount Chassis`.
    public var chassisType: String?
    public var assetTag: String?
    public var boardVendor: String?
    public var boardModel: String?
    public var boardSerial: String?

    public init(
        vendor: String? = nil, model: String? = nil, version: String? = nil, serial: String? = nil,
        uuid: String? = nil, sku: String? = nil, family: String? = nil, chassisType: String? = nil,
        assetTag: String? = nil, boardVendor: String? = nil, boardModel: String? = nil, boardSerial: String? = nil
    ) {
        self.vendor = vendor
        self.model = model
        self.version = version
        self.serial = serial
        self.uuid = uuid
        self.sku = sku
        self.family = family
        self.chassisType = chassisType
        self.assetTag = assetTag
        self.boardVendor = boardVendor
        self.boardModel = boardModel
        self.boardSerial = boardSerial
    }
}

/// Firmware identity.
public struct BIOS: Codable, Sendable, Equatable {
    public var vendor: String?
    public var version: String?
    /// As the firmware states it, normalized to `YYYY-MM-DD` when it is in the usual `MM/DD/YYYY` form.
    public var date: String?

    public init(vendor: String? = nil, version: String? = nil, date: String? = nil) {
        self.vendor = vendor
        self.version = version
        self.date = date
    }
}

/// The processor(s).
public struct CPU: Codable, Sendable, Equatable {
    public var vendor: String?
    public var model: String?
    public var architecture: String?
    public var sockets: Int?
    /// Physical cores across all sockets.
    public var cores: Int?
    /// Logical processors (hardware threads) across all sockets.
    public var threads: Int?
    public var maxFrequencyMHz: Int?

    public init(
        vendor: String? = nil, model: String? = nil, architecture: String? = nil, sockets: Int? = nil,
        cores: Int? = nil, threads: Int? = nil, maxFrequencyMHz: Int? = nil
    ) {
        self.vendor = vendor
        self.model = model
        self.architecture = architecture
        self.sockets = sockets
        self.cores = cores
        self.threads = threads
        self.maxFrequencyMHz = maxFrequencyMHz
    }
}

/// Memory: totals from the kernel, modules from the SMBIOS table when it is readable.
public struct Memory: Codable, Sendable, Equatable {
    public var totalBytes: UInt64?
    public var availableBytes: UInt64?
    public var swapTotalBytes: UInt64?
    public var swapFreeBytes: UInt64?
    public var modules: [MemoryModule]

    public init(
        totalBytes: UInt64? = nil, availableBytes: UInt64? = nil, swapTotalBytes: UInt64? = nil,
        swapFreeBytes: UInt64? = nil, modules: [MemoryModule] = []
    ) {
        self.totalBytes = totalBytes
        self.availableBytes = availableBytes
        self.swapTotalBytes = swapTotalBytes
        self.swapFreeBytes = swapFreeBytes
        self.modules = modules
    }
}

/// One populated memory slot (SMBIOS type 17).
public struct MemoryModule: Codable, Sendable, Equatable {
    public var slot: String?
    public var bank: String?
    public var sizeBytes: UInt64
    /// e.g. `DDR4`, `LPDDR5`.
    public var type: String?
    /// e.g. `SODIMM`, `DIMM`.
    public var formFactor: String?
    /// Rated speed in MT/s.
    public var speedMTs: Int?
    /// Speed the module is configured to run at, in MT/s.
    public var configuredSpeedMTs: Int?
    public var manufacturer: String?
    public var serial: String?
    public var partNumber: String?

    public init(
        slot: String? = nil, bank: String? = nil, sizeBytes: UInt64, type: String? = nil,
        formFactor: String? = nil, speedMTs: Int? = nil, configuredSpeedMTs: Int? = nil,
        manufacturer: String? = nil, serial: String? = nil, partNumber: String? = nil
    ) {
        self.slot = slot
        self.bank = bank
        self.sizeBytes = sizeBytes
        self.type = type
        self.formFactor = formFactor
        self.speedMTs = speedMTs
        self.configuredSpeedMTs = configuredSpeedMTs
        self.manufacturer = manufacturer
        self.serial = serial
        self.partNumber = partNumber
    }
}

/// A physical (or virtual) block device.
public struct Disk: Codable, Sendable, Equatable {
    public var name: String
    public var vendor: String?
    public var model: String?
    public var serial: String?
    public var firmware: String?
    public var sizeBytes: UInt64?
    public var rotational: Bool?
    public var removable: Bool?
    /// How it is attached: `nvme`, `sata`, `sas`, `usb`, `virtio`, `mmc`, `scsi`, ...
    public var transport: String?
    public var smart: SmartHealth

    public init(
        name: String, vendor: String? = nil, model: String? = nil, serial: String? = nil,
        firmware: String? = nil, sizeBytes: UInt64? = nil, rotational: Bool? = nil, removable: Bool? = nil,
        transport: String? = nil, smart: SmartHealth = SmartHealth()
    ) {
        self.name = name
        self.vendor = vendor
        self.model = model
        self.serial = serial
        self.firmware = firmware
        self.sizeBytes = sizeBytes
        self.rotational = rotational
        self.removable = removable
        self.transport = transport
        self.smart = smart
    }
}

/// A disk's SMART verdict. `unknown` when smartctl is not installed or the device does not support SMART.
public struct SmartHealth: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable {
        case passed, failing, unknown
    }

    public var verdict: Verdict
    /// Why the verdict is `unknown`, or what failed.
    public var detail: String?
    public var temperatureCelsius: Int?
    public var powerOnHours: Int?
    /// NVMe: percentage of rated endurance used.
    public var percentageUsed: Int?

    public init(
        verdict: Verdict = .unknown, detail: String? = nil, temperatureCelsius: Int? = nil,
        powerOnHours: Int? = nil, percentageUsed: Int? = nil
    ) {
        self.verdict = verdict
        self.detail = detail
        self.temperatureCelsius = temperatureCelsius
        self.powerOnHours = powerOnHours
        self.percentageUsed = percentageUsed
    }
}

/// A mounted filesystem on a block device.
public struct Volume: Codable, Sendable, Equatable {
    public var mountPoint: String
    public var device: String
    public var filesystem: String
    public var sizeBytes: UInt64?
    public var usedBytes: UInt64?
    /// Space available to unprivileged users (what `df` shows as Avail).
    public var freeBytes: UInt64?
    public var readOnly: Bool

    public init(
        mountPoint: String, device: String, filesystem: String, sizeBytes: UInt64? = nil,
        usedBytes: UInt64? = nil, freeBytes: UInt64? = nil, readOnly: Bool = false
    ) {
        self.mountPoint = mountPoint
        self.device = device
        self.filesystem = filesystem
        self.sizeBytes = sizeBytes
        self.usedBytes = usedBytes
        self.freeBytes = freeBytes
        self.readOnly = readOnly
    }

    /// Free space as a percentage of used plus free, as `df` computes it.
    public var freePercent: Double? {
        guard let used = usedBytes, let free = freeBytes, Double(used) + Double(free) > 0 else { return nil }
        return Double(free) * 100 / (Double(used) + Double(free))
    }
}

/// A network interface with its addresses.
public struct NetworkInterface: Codable, Sendable, Equatable {
    public var name: String
    public var mac: String?
    public var ipv4: [String]
    public var ipv6: [String]
    /// Kernel operstate: `up`, `down`, `dormant`, `unknown`, ...
    public var state: String?
    public var speedMbps: Int?
    public var mtu: Int?
    public var wireless: Bool
    /// No physical device behind it (loopback, bridge, veth, tunnel).
    public var virtual: Bool
    public var driver: String?

    public init(
        name: String, mac: String? = nil, ipv4: [String] = [], ipv6: [String] = [], state: String? = nil,
        speedMbps: Int? = nil, mtu: Int? = nil, wireless: Bool = false, virtual: Bool = false, driver: String? = nil
    ) {
        self.name = name
        self.mac = mac
        self.ipv4 = ipv4
        self.ipv6 = ipv6
        self.state = state
        self.speedMbps = speedMbps
        self.mtu = mtu
        self.wireless = wireless
        self.virtual = virtual
        self.driver = driver
    }
}

/// A battery and its wear.
public struct Battery: Codable, Sendable, Equatable {
    public var name: String
    public var present: Bool
    /// `Charging`, `Discharging`, `Full`, `Not charging`, `Unknown`.
    public var status: String?
    public var chargePercent: Int?
    /// Capacity when new, in mWh (or mAh when ``capacityUnit`` says so).
    public var designCapacity: UInt64?
    /// Capacity when fully charged today, same unit.
    public var fullCapacity: UInt64?
    /// `mWh` or `mAh`.
    public var capacityUnit: String?
    public var cycleCount: Int?
    public var manufacturer: String?
    public var model: String?
    public var serial: String?
    public var technology: String?
    /// Capacity lost since new, in percent (0 when as new), from the two capacities; `nil` when unknown.
    public var wearPercent: Double?

    public init(
        name: String, present: Bool, status: String? = nil, chargePercent: Int? = nil,
        designCapacity: UInt64? = nil, fullCapacity: UInt64? = nil, capacityUnit: String? = nil,
        cycleCount: Int? = nil, manufacturer: String? = nil, model: String? = nil, serial: String? = nil,
        technology: String? = nil
    ) {
        self.name = name
        self.present = present
        self.status = status
        self.chargePercent = chargePercent
        self.designCapacity = designCapacity
        self.fullCapacity = fullCapacity
        self.capacityUnit = capacityUnit
        self.cycleCount = cycleCount
        self.manufacturer = manufacturer
        self.model = model
        self.serial = serial
        self.technology = technology
        if let design = designCapacity, let full = fullCapacity, design > 0 {
            wearPercent = max(0, (1 - Double(full) / Double(design)) * 100)
        }
    }
}

/// A PCI device (what inventory tools call a controller).
public struct PCIDevice: Codable, Sendable, Equatable {
    /// Bus address, e.g. `0000:00:1f.2`.
    public var slot: String
    public var vendorID: String
    public var deviceID: String
    /// Class code, 4 hex digits (class and subclass).
    public var classID: String?
    public var vendorName: String?
    public var deviceName: String?
    public var className: String?
    public var driver: String?

    public init(
        slot: String, vendorID: String, deviceID: String, classID: String?, vendorName: String? = nil,
        deviceName: String? = nil, className: String? = nil, driver: String? = nil
    ) {
        self.slot = slot
        self.vendorID = vendorID
        self.deviceID = deviceID
        self.classID = classID
        self.vendorName = vendorName
        self.deviceName = deviceName
        self.className = className
        self.driver = driver
    }
}
