public import DesksideInventory

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
            let classCode = root.attribute(base + "/class").map { String(Self.hex4(String($0.dropLast(2)))) }
            return PCIDevice(
                slot: slot, vendorID: vendor, deviceID: device, classID: classCode,
                driver: root.readLink(base + "/driver").map { String($0.split(separator: "/").last ?? "") }
            )
        }
        guard let path = Self.databasePaths.first(where: { root.exists($0) }) else { return devices }
        var names = PCIIDs(vendors: Set(devices.map(\.vendorID)))
        do throws(SystemRoot.ReadError) {
            try root.forEachLine(path, limit: 16 << 20) { names.add(line: $0) }
        } catch {
            notes.add(.hardware, probe: "pci", error: error, source: path)
        }
        return devices.map { device in
            var device = device
            device.vendorName = names.vendors[device.vendorID]
            device.deviceName = names.devices[device.vendorID + ":" + device.deviceID]
            if let classID = device.classID { device.className = names.classes[classID] ?? names.classes[String(classID.prefix(2))] }
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
/// Read line by line (pci.ids is 1.4 MB and 40,000 lines, read on every run), keeping only the
/// vendors asked for.
public struct PCIIDs: Sendable {
    public var vendors: [String: String] = [:]
    public var devices: [String: String] = [:]
    public var classes: [String: String] = [:]
    private let wanted: Set<String>
    private var vendor: String?
    private var keepVendor = false
    private var classCode: String?

    public init(vendors wanted: Set<String>) { self.wanted = wanted }

    /// One line of pci.ids: vendor lines `vvvv  Name`, device lines `\tdddd  Name`, subsystem lines with
    /// two tabs (skipped), then `C cc  Class` lines with `\tss  Subclass` lines.
    public mutating func add(line: UnsafeRawBufferPointer) {
        guard let first = line.first, first != UInt8(ascii: "#") else { return }
        func text(_ range: Range<Int>) -> String { String(decoding: line[range], as: UTF8.self) }
        func name(after index: Int) -> String {
            var from = index
            while from < line.count && line[from] == 0x20 { from += 1 }
            return text(from..<line.count)
        }
        let tab = UInt8(ascii: "\t")
        if first == tab {
            guard line.count > 6, line[1] != tab else { return }
            if let vendor {
                if keepVendor { devices[vendor + ":" + text(1..<5)] = name(after: 5) }
            } else if let classCode {
                classes[classCode + text(1..<3)] = name(after: 3)
            }
        } else if first == UInt8(ascii: "C") && line.count > 4 && line[1] == 0x20 {
            let code = text(2..<4)
            classes[code] = name(after: 4)
            classCode = code
            vendor = nil
            keepVendor = false
        } else if line.count > 6 {
            let id = text(0..<4)
            vendor = id
            keepVendor = wanted.contains(id)
            if keepVendor { vendors[id] = name(after: 4) }
            classCode = nil
        }
    }
}
