#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideInventory

/// An inventory from FusionInventory, GLPI Agent or OCS, in Deskside's model. Both protocols arrive
/// here in GLPI's JSON shape (see ``IntakeValue``). Only what the model has a place for is read:
/// environment variables, process lists and the agent's own command line (where passwords are
/// seen) are never read, so never stored. A partial inventory (GLPI Agent sends only the sections
/// that changed) is laid over the stored one: a section it does not carry stays as it was.
public enum IntakeInventory {
    /// The model's inventory for `content` received at `receivedAt`, over `base` when `partial`.
    public static func inventory(_ content: IntakeValue, onto base: Inventory?, partial: Bool, receivedAt: Date) -> Inventory {
        let fields = IntakeFields(content)
        let client = fields.text("versionclient", max: 64) ?? "unknown"
        // `FusionInventory-Agent_v2.6-3`, `GLPI-Agent_v1.11`
        let parts = client.split(separator: "_v", maxSplits: 1)
        let agent = AgentInfo(name: parts.first.map(String.init) ?? client, version: parts.count > 1 ? String(parts[1]) : "")
        var inventory = partial ? base ?? Inventory(collectedAt: receivedAt, agent: agent) : Inventory(collectedAt: receivedAt, agent: agent)
        inventory.collectedAt = receivedAt
        inventory.agent = agent
        inventory.notes = []
        let section = { (name: String) -> IntakeValue? in content[name] }
        if let bios = section("bios")?.records.first { readBIOS(IntakeFields(bios), into: &inventory.hardware) }
        if let hardware = section("hardware")?.records.first { readHardware(IntakeFields(hardware), into: &inventory) }
        if let os = section("operatingsystem")?.records.first { readOS(IntakeFields(os), into: &inventory.os) }
        if let cpus = section("cpus") {
            inventory.hardware.cpu = cpu(cpus.records.map(IntakeFields.init), architecture: inventory.os.architecture,
                                         threadsPerSocket: agent.name.hasPrefix("FusionInventory"))
        }
        if let memories = section("memories") { inventory.hardware.memory.modules = memories.records.map(IntakeFields.init).compactMap(module) }
        if let storages = section("storages") { inventory.hardware.disks = storages.records.map(IntakeFields.init).compactMap(disk) }
        if let drives = section("drives") { inventory.hardware.volumes = volumes(drives.records.map(IntakeFields.init), os: inventory.os.id) }
        if let networks = section("networks") { inventory.hardware.networkInterfaces = interfaces(networks.records.map(IntakeFields.init)) }
        if let batteries = section("batteries") { inventory.hardware.batteries = batteries.records.map(IntakeFields.init).compactMap(battery) }
        if let monitors = section("monitors") { inventory.hardware.monitors = monitors.records.map(IntakeFields.init).compactMap(monitor) }
        if let controllers = section("controllers") { inventory.hardware.pciDevices = controllers.records.map(IntakeFields.init).compactMap(pciDevice) }
        if let softwares = section("softwares") { readSoftware(softwares.records.map(IntakeFields.init), os: inventory.os.id, into: &inventory) }
        if let antivirus = section("antivirus") { inventory.health.antivirus = antivirus.records.map(IntakeFields.init).compactMap(antivirusProduct) }
        if let users = section("users") {
            inventory.os.loggedInUsers = users.records.map(IntakeFields.init).compactMap { user in
                user.text("login", max: 128).map { LoggedInUser(name: $0, terminal: "", host: user.text("domain", max: 128)) }
            }
        }
        if let users = section("local_users") { inventory.os.localUsers = users.records.map(IntakeFields.init).compactMap(localUser) }
        if let groups = section("local_groups") { inventory.os.localGroups = groups.records.map(IntakeFields.init).compactMap(localGroup) }
        return inventory
    }

    // MARK: - Identity and firmware

    static func readBIOS(_ bios: IntakeFields, into hardware: inout Hardware) {
        hardware.system.serial = bios.text("ssn", max: 128)
        hardware.system.vendor = bios.text("smanufacturer", max: 128)
        hardware.system.model = bios.text("smodel", max: 128)
        hardware.system.sku = bios.text("skunumber", max: 128)
        hardware.system.assetTag = bios.text("assettag", max: 128)
        hardware.system.boardVendor = bios.text("mmanufacturer", max: 128)
        hardware.system.boardModel = bios.text("mmodel", max: 128)
        hardware.system.boardSerial = bios.text("msn", max: 128)
        hardware.bios = BIOS(vendor: bios.text("bmanufacturer", max: 128), version: bios.text("bversion", max: 128),
                             date: bios.day("bdate", dayFirst: false))
    }

    static func readHardware(_ fields: IntakeFields, into inventory: inout Inventory) {
        inventory.hardware.system.uuid = fields.text("uuid", max: 64)
        inventory.hardware.system.chassisType = fields.text("chassis_type", max: 64)
        inventory.os.hostname = fields.text("name", max: 253)
        inventory.hardware.memory.totalBytes = fields.bytes("memory", unit: 1 << 20)
        inventory.hardware.memory.swapTotalBytes = fields.bytes("swap", unit: 1 << 20)
        let vm = fields.text("vmsystem", max: 64)
        inventory.hardware.virtualization = vm == "Physical" ? nil : vm
        inventory.os.dnsServers = (fields.text("dns", max: 1024) ?? "").split(separator: "/").map(String.init)
        inventory.os.defaultGateway = fields.text("defaultgateway", max: 64)
        if inventory.os.domain == nil { inventory.os.domain = fields.text("workgroup", max: 253) }
        // FusionInventory on Linux writes `wtmp` when it could not read who logged in last.
        if let last = fields.text("lastloggeduser", max: 128), last != "wtmp", inventory.os.loggedInUsers.isEmpty {
            inventory.os.loggedInUsers = [LoggedInUser(name: last, terminal: "", host: fields.text("userdomain", max: 128))]
        }
    }

    static func readOS(_ fields: IntakeFields, into os: inout OperatingSystem) {
        let name = fields.text("name", max: 128)
        let full = fields.text("full_name", max: 255)
        let kernel = fields.text("kernel_name", max: 64)?.lowercased()
        os.id = osID(kernel: kernel, name: full ?? name)
        os.name = full ?? name
        os.prettyName = full ?? name
        os.version = fields.text("version", max: 64)
        os.kernelName = fields.text("kernel_name", max: 64)
        os.kernelRelease = fields.text("kernel_version", max: 128)
        os.architecture = fields.text("arch", max: 32)
        os.fqdn = fields.text("fqdn", max: 253)
        os.domain = fields.text("dns_domain", max: 253) ?? os.domain
        os.bootTime = fields.date("boot_time")
        os.timezone = fields.value["timezone"].flatMap { IntakeFields($0).text("name", max: 64) }
        if let servicePack = fields.text("service_pack", max: 64) { os.codename = servicePack }
    }

    /// `windows`, `macos`, or the Linux distribution's os-release id as far as its name tells.
    static func osID(kernel: String?, name: String?) -> String? {
        let lower = name?.lowercased() ?? ""
        if kernel == "mswin32" || kernel == "windows" || lower.contains("windows") { return "windows" }
        if kernel == "darwin" || lower.contains("macos") || lower.contains("mac os") { return "macos" }
        for distribution in ["debian", "ubuntu", "fedora", "centos", "rocky", "almalinux", "opensuse", "red hat", "linux mint", "arch"] where lower.contains(distribution) {
            return distribution == "red hat" ? "rhel" : distribution == "linux mint" ? "linuxmint" : distribution
        }
        return kernel
    }

    // MARK: - Hardware

    /// THREAD is the socket's logical processors for FusionInventory (`siblings` in /proc/cpuinfo)
    /// and the threads of one core for GLPI Agent (siblings / cores): `threadsPerSocket` says which.
    static func cpu(_ cpus: [IntakeFields], architecture: String?, threadsPerSocket: Bool) -> CPU {
        guard let first = cpus.first else { return CPU(architecture: architecture) }
        let cores = cpus.compactMap { $0.int("core", "corecount") }.filter { $0 > 0 }
        let threads = cpus.compactMap { cpu -> Int? in
            guard let core = cpu.int("core", "corecount"), core > 0 else { return nil }
            let thread = max(1, cpu.int("thread") ?? 1)
            return threadsPerSocket ? max(core, min(thread, 4096)) : core * min(thread, 8)
        }
        return CPU(vendor: first.text("manufacturer", max: 128), model: first.text("name", max: 255), architecture: architecture,
                   sockets: cpus.count, cores: cores.isEmpty ? nil : cores.reduce(0, +), threads: threads.isEmpty ? nil : threads.reduce(0, +),
                   maxFrequencyMHz: first.int("speed").flatMap { $0 > 0 ? $0 : nil })
    }

    static func module(_ fields: IntakeFields) -> MemoryModule? {
        guard let size = fields.bytes("capacity", unit: 1 << 20) else { return nil }
        return MemoryModule(slot: fields.text("caption", max: 64) ?? fields.int("numslots").map { "Slot \($0)" }, sizeBytes: size,
                            type: fields.text("type", max: 32), formFactor: fields.text("formfactor", max: 32),
                            speedMTs: fields.int("speed").flatMap { $0 > 0 ? $0 : nil }, manufacturer: fields.text("manufacturer", max: 128),
                            serial: fields.text("serialnumber", max: 128), partNumber: fields.text("model", max: 128))
    }

    static func disk(_ fields: IntakeFields) -> Disk? {
        guard let name = fields.text("name", "model", "description", max: 128) else { return nil }
        let interface = fields.text("interface", max: 32)?.lowercased()
        let type = fields.text("type", max: 64)?.lowercased() ?? ""
        return Disk(name: name, vendor: fields.text("manufacturer", max: 128), model: fields.text("model", max: 128),
                    serial: fields.text("serial", "serialnumber", max: 128), firmware: fields.text("firmware", max: 64),
                    sizeBytes: fields.bytes("disksize", unit: 1_000_000), removable: type.contains("removable") || interface == "usb",
                    transport: interface)
    }

    /// File systems that are never a machine's disk space (memory, images, kernel views).
    static let pseudoFilesystems: Set<String> = [
        "tmpfs", "devtmpfs", "squashfs", "overlay", "iso9660", "udf", "proc", "sysfs", "ramfs", "efivarfs", "nsfs", "autofs",
        "devfs", "cgroup", "cgroup2", "debugfs", "tracefs", "securityfs", "pstore", "bpf", "fusectl", "configfs", "mqueue", "hugetlbfs",
    ]

    static func volumes(_ drives: [IntakeFields], os: String?) -> [Volume] {
        var volumes: [Volume] = drives.compactMap { drive in
            let type = drive.text("type", max: 255)
            let letter = drive.text("letter", max: 8)
            let filesystem = drive.text("filesystem", max: 32) ?? ""
            guard !pseudoFilesystems.contains(filesystem.lowercased()), !filesystem.lowercased().hasPrefix("fuse") else { return nil }
            // Windows' drive types: a USB stick, a network share or a disc is not the machine's disk.
            if letter != nil, let kind = type?.lowercased(), kind.contains("removable") || kind.contains("network") || kind.contains("compact") || kind.contains("cd") {
                return nil
            }
            // Elsewhere the type is the mount point; a Windows volume without a letter (recovery, EFI) is nobody's space.
            guard let mountPoint = os == "windows" ? letter : letter ?? type ?? drive.text("volumn", max: 255),
                  let size = drive.bytes("total", unit: 1 << 20) else { return nil }
            let free = min(size, drive.bytes("free", unit: 1 << 20) ?? 0)
            return Volume(mountPoint: mountPoint, device: drive.text("volumn", max: 255) ?? letter ?? "", filesystem: filesystem,
                          sizeBytes: size, usedBytes: size - free, freeBytes: free)
        }
        if os == "macos" {
            // APFS volumes share their container's space: the data volume stands for all of them.
            volumes = volumes.filter { !$0.mountPoint.hasPrefix("/System/Volumes/") || $0.mountPoint == "/System/Volumes/Data" }
            if volumes.contains(where: { $0.mountPoint == "/System/Volumes/Data" }) { volumes.removeAll { $0.mountPoint == "/" } }
        }
        return volumes
    }

    /// The agents send one record per address; the model has one interface with its addresses.
    static func interfaces(_ networks: [IntakeFields]) -> [NetworkInterface] {
        var order: [String] = []
        var byName: [String: NetworkInterface] = [:]
        for network in networks {
            guard let name = network.text("description", "name", max: 128) else { continue }
            let type = network.text("type", max: 32)?.lowercased()
            var interface = byName[name] ?? NetworkInterface(name: name, mac: network.text("mac", "macaddr", max: 32)?.lowercased(),
                                                             state: network.text("status", max: 16)?.lowercased(),
                                                             speedMbps: network.int("speed").flatMap { $0 > 0 ? $0 : nil }, mtu: network.int("mtu"),
                                                             wireless: type == "wifi" || network.text("wifi_ssid") != nil,
                                                             virtual: network.bool("virtualdev") ?? false || type == "loopback",
                                                             driver: network.text("driver", max: 64))
            if byName[name] == nil { order.append(name) }
            if let address = network.text("ipaddress", max: 64), !interface.ipv4.contains(address), interface.ipv4.count < 64 { interface.ipv4.append(address) }
            if let address = network.text("ipaddress6", max: 64), !interface.ipv6.contains(address), interface.ipv6.count < 64 { interface.ipv6.append(address) }
            byName[name] = interface
            if order.count >= 256 { break }
        }
        return order.compactMap { byName[$0] }
    }

    static func battery(_ fields: IntakeFields) -> Battery? {
        let name = fields.text("name", "serial", max: 128) ?? "Battery"
        return Battery(name: name, present: true, designCapacity: fields.int("capacity").flatMap { $0 > 0 ? UInt64($0) : nil },
                       fullCapacity: fields.int("real_capacity").flatMap { $0 > 0 ? UInt64($0) : nil }, capacityUnit: "mWh",
                       manufacturer: fields.text("manufacturer", max: 128), serial: fields.text("serial", max: 128),
                       technology: fields.text("chemistry", max: 64))
    }

    static func monitor(_ fields: IntakeFields) -> Monitor? {
        let monitor = Monitor(name: fields.text("caption", "name", max: 128), manufacturer: fields.text("manufacturer", max: 128),
                              serial: fields.text("serial", "altserial", max: 128), description: fields.text("description", "port", max: 128))
        return monitor == Monitor() ? nil : monitor
    }

    static func pciDevice(_ fields: IntakeFields) -> PCIDevice? {
        guard let slot = fields.text("pcislot", max: 32), let vendor = fields.text("vendorid", max: 8), let device = fields.text("productid", max: 8) else { return nil }
        return PCIDevice(slot: slot, vendorID: vendor.lowercased(), deviceID: device.lowercased(), classID: fields.text("pciclass", max: 8),
                         vendorName: fields.text("manufacturer", max: 128), deviceName: fields.text("name", "caption", max: 255),
                         className: fields.text("type", max: 128), driver: fields.text("driver", max: 64))
    }

    // MARK: - Software and health

    /// The package manager a software entry comes from, in the model's words.
    static func manager(from: String?, os: String?) -> String {
        switch from?.lowercased() {
        case "deb"?: "dpkg"
        case "rpm"?: "rpm"
        case "registry"?, "msi"?, "uninstall"?, "wmi"?: "windows"
        case let other? where !other.isEmpty: String(other.prefix(32))
        default: os == "macos" ? "macos" : os == "windows" ? "windows" : "other"
        }
    }

    static func readSoftware(_ entries: [IntakeFields], os: String?, into inventory: inout Inventory) {
        struct Key: Hashable { var name, version, architecture, manager: String }
        var seen = Set<Key>()
        var packages: [Package] = []
        var hotfixes: [Hotfix] = []
        for entry in entries {
            guard let name = entry.text("name", max: 255) else { continue }
            let from = entry.text("from", max: 32)
            if from?.lowercased() == "wmi", name.uppercased().hasPrefix("KB") {
                hotfixes.append(Hotfix(id: name, kind: entry.text("release_type", "comments", max: 64),
                                       installedAt: entry.date("install_date") ?? entry.date("installdate")))
                continue
            }
            let package = Package(name: name, version: entry.text("version", max: 128) ?? "", architecture: entry.text("arch", max: 32) ?? "",
                                  manager: manager(from: from, os: os), installedAt: entry.date("install_date") ?? entry.date("installdate"),
                                  sizeBytes: entry.int("filesize").flatMap { $0 > 0 ? UInt64($0) : nil },
                                  section: entry.text("system_category", max: 64), vendor: entry.text("publisher", max: 255),
                                  summary: entry.text("comments", max: 255))
            // Windows lists a program once per registry view: one row per name, version and architecture.
            guard seen.insert(Key(name: name, version: package.version, architecture: package.architecture, manager: package.manager)).inserted else { continue }
            packages.append(package)
        }
        inventory.software = Software(packageManagers: Array(Set(packages.map(\.manager))).sorted(), packages: packages)
        inventory.software.sortPackages()
        inventory.updates.hotfixes = os == "windows" || !hotfixes.isEmpty ? hotfixes.sorted { ($0.installedAt ?? .distantPast, $0.id) > ($1.installedAt ?? .distantPast, $1.id) } : nil
    }

    static func antivirusProduct(_ fields: IntakeFields) -> Antivirus? {
        guard let name = fields.text("name", max: 128) else { return nil }
        return Antivirus(name: name, company: fields.text("company", max: 128), version: fields.text("version", max: 64),
                         enabled: fields.bool("enabled"), upToDate: fields.bool("uptodate"),
                         signatureVersion: fields.text("base_version", max: 64), expiration: fields.text("expiration", max: 32))
    }

    static func localUser(_ fields: IntakeFields) -> LocalUser? {
        guard let login = fields.text("login", "name", max: 128) else { return nil }
        let id = fields.text("id", max: 128)
        return LocalUser(login: login, uid: id.flatMap { Int($0) }, gid: nil, fullName: fields.text("name", max: 255).flatMap { $0 == login ? nil : $0 },
                         home: fields.text("home", max: 255), shell: fields.text("shell", max: 255),
                         sid: id.flatMap { $0.hasPrefix("S-") ? $0 : nil })
    }

    static func localGroup(_ fields: IntakeFields) -> LocalGroup? {
        guard let name = fields.text("name", max: 128) else { return nil }
        let id = fields.text("id", max: 128)
        return LocalGroup(name: name, gid: id.flatMap { Int($0) }, members: Array((fields.texts("members", max: 128) + fields.texts("member", max: 128)).prefix(1024)),
                          sid: id.flatMap { $0.hasPrefix("S-") ? $0 : nil })
    }
}
