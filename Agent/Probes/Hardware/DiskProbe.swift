public import DesksideInventory

/// Block devices from /sys/block (Documentation/ABI/stable/sysfs-block), with serials for ATA disks
/// from udev's database (/run/udev/data/b MAJ:MIN, `E:ID_SERIAL_SHORT=`), since sysfs has none for them.
/// Virtual devices (loop, ram, zram, device-mapper, md) are skipped: those whose sysfs path lies under
/// `/devices/virtual`, as udev and lsblk decide. A `device` link is no test: sysfs snapshots of real
/// machines, and some kernels' namespace devices, lack it on physical disks. Where `/sys/block/NAME`
/// is not a link (a copy that resolved it), the `device` link is the fallback.
public struct DiskProbe: Sendable {
    public let root: SystemRoot
    public let smart: any SmartSource

    public init(root: SystemRoot, smart: any SmartSource) {
        self.root = root
        self.smart = smart
    }

    public func read(notes: inout NoteLog) -> [Disk] {
        root.list("/sys/block").compactMap { name -> Disk? in
            let base = "/sys/block/" + name
            let sysfsPath = root.readLink(base)
            guard !(sysfsPath.map { $0.contains("/devices/virtual/") } ?? !root.exists(base + "/device")) else { return nil }
            func attribute(_ path: String) -> String? { root.attribute(base + "/" + path, notes: &notes, section: .hardware, probe: "disk") }
            let udev = udevProperties(device: attribute("dev"))
            let vendor = attribute("device/vendor").flatMap { $0 == "ATA" ? nil : $0 }
            let sectors = attribute("size").flatMap(UInt64.init)
            return Disk(
                name: name,
                vendor: vendor.map(Self.vendorName),
                model: attribute("device/model") ?? udev["ID_MODEL"],
                serial: attribute("device/serial") ?? udev["ID_SERIAL_SHORT"],
                firmware: attribute("device/firmware_rev") ?? attribute("device/rev") ?? udev["ID_REVISION"],
                sizeBytes: sectors.flatMap { Checked.multiply($0, 512) },
                rotational: attribute("queue/rotational").map { $0 == "1" },
                removable: attribute("removable").map { $0 == "1" },
                transport: Self.transport(name: name, devicePath: sysfsPath),
                smart: smart.health(of: name)
            )
        }
    }

    /// The attachment, from the device's place in the sysfs tree.
    static func transport(name: String, devicePath: String?) -> String? {
        if name.hasPrefix("nvme") { return "nvme" }
        if name.hasPrefix("mmcblk") { return "mmc" }
        guard let path = devicePath else { return nil }
        if path.contains("/usb") { return "usb" }
        if path.contains("/virtio") { return "virtio" }
        if path.contains("/ata") { return "sata" }
        if path.contains("/host") && path.contains("/sas") { return "sas" }
        if path.contains("/host") { return "scsi" }
        return nil
    }

    /// Virtio disks give a PCI vendor ID as their vendor.
    static func vendorName(_ vendor: String) -> String {
        vendor == "0x1af4" ? "Red Hat, Inc." : vendor
    }

    func udevProperties(device: String?) -> [String: String] {
        guard let device, let text = try? root.readText("/run/udev/data/b" + device) else { return [:] }
        var properties: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("E:") {
            let pair = line.dropFirst(2).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { properties[String(pair[0])] = String(pair[1]) }
        }
        return properties
    }
}
