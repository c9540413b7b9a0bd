import DesksideInventory

/// PCI devices from /sys/bus/pci/devices (Documentation/ABI/testing/sysfs-bus-pci), named from the
/// PCI ID database (pci.ids, as lspci uses it) when installed.
public struct PCIProbe: Sendable {
    public static let databasePaths = ["/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids"]
    public let root: SystemRoot

    public init(root: SystemRoot) { self.root = root }

    public func read(notes: inout NoteLog) -> [PCIDevice] {
        let slots = root.list("/sys/bus/pci/devices")
        guard !slots.isEmpty else { return [] }
        let devices = slots.compactMap { slot -> PCIDevice? in
            let base = "/sys/bus/pci/devices/" + slot
            guard let vendor = root.attribute(base + "/vendor").map(Self.hex4),
                  let device = root.attribute(base + "/device").map(Self.hex4) else { return nil }
            let classCode = root.attribute(base + "/class").map { String(Self.hex4(String($0.dropLast(2)))) } ?? "0000"
            return PCIDevice(
                slot: slot, vendorID: vendor, deviceID: device, classID: classCode,
                driver: root.readLink(base + "/driver").map { String($0.split(separator: "/").last ?? "") }
            )
        }
        guard let text = Self.databasePaths.lazy.compactMap({ try? root.readText($0, limit: 8 << 20) }).first else { return devices }
        let names = PCIIDs(text, vendors: Set(devices.map(\.vendorID)))
        return devices.map { device in
            var device = device
            device.vendorName = names.vendors[device.vendorID]
            device.deviceName = names.devices[device.vendorID + ":" + device.deviceID]
            device.className = names.classes[device.classID] ?? names.classes[String(device.classID.prefix(2))]
            return device
        }
    }

    /// `0x8086` and `0x030000`-style sysfs values to 4 lowercase hex digits.
    static func hex4(_ value: String) -> String {
        var digits = value.lowercased()
        if digits.hasPrefix("0x") { digits.removeFirst(2) }
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits.suffix(4)
    }
}

/// The parts of pci.ids used for names: vendors, `vendor:device` pairs, classes and subclasses.
public struct PCIIDs: Sendable {
    public var vendors: [String: String] = [:]
    public var devices: [String: String] = [:]
    public var classes: [String: String] = [:]

    /// Parses pci.ids: vendor lines `vvvv  Name`, device lines `\tdddd  Name`, subsystem lines with two
    /// tabs (skipped), then `C cc  Class` lines with `\tss  Subclass` lines. Only the vendors in `wanted`
    /// are kept, so that the 1.4 MB database does not become 40,000 dictionary entries on every run.
    public init(_ text: String, vendors wanted: Set<String>) {
        var vendor: String?
        var classCode: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#") || line.hasPrefix("\t\t") { continue }
            if line.hasPrefix("C ") {
                let rest = line.dropFirst(2)
                classCode = String(rest.prefix(2))
                classes[classCode!] = String(rest.dropFirst(2).drop(while: { $0 == " " }))
                vendor = nil
            } else if line.hasPrefix("\t") {
                let rest = line.dropFirst()
                let id = String(rest.prefix(while: { $0 != " " }))
                let name = String(rest.dropFirst(id.count).drop(while: { $0 == " " }))
                if let vendor {
                    if wanted.contains(vendor) { devices[vendor + ":" + id] = name }
                } else if let classCode {
                    classes[classCode + id] = name
                }
            } else if line.count > 6 {
                let id = String(line.prefix(4))
                if wanted.contains(id) { vendors[id] = String(line.dropFirst(4).drop(while: { $0 == " " })) }
                vendor = id
                classCode = nil
            }
        }
    }
}
