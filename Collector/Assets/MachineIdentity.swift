public import DesksideInventory

/// What in a machine's inventory says which machine it is, cleaned of the placeholders firmware
/// writes where a value was never set ("To be filled by O.E.M.", an all-zero UUID): a placeholder
/// matches every board of its maker, so it identifies nothing. The hostname is not here on purpose:
/// it is reused, and any machine can claim any name.
public struct MachineIdentity: Sendable, Equatable, Codable {
    /// SMBIOS system UUID, upper case.
    public var systemUUID: String?
    /// SMBIOS system serial (the service tag), upper case.
    public var serial: String?
    /// The system's maker, upper case.
    public var vendor: String?
    /// MAC addresses of built-in interfaces (not virtual, not USB, not locally administered), lower case.
    public var fixedMACs: Set<String>
    /// Serials of fixed disks (not removable, not USB), upper case.
    public var diskSerials: Set<String>

    public init(systemUUID: String? = nil, serial: String? = nil, vendor: String? = nil, fixedMACs: Set<String> = [], diskSerials: Set<String> = []) {
        self.systemUUID = systemUUID.flatMap(Self.uuid)
        self.serial = serial.flatMap(Self.serial)
        self.vendor = vendor.flatMap(Self.text)
        self.fixedMACs = Set(fixedMACs.compactMap(Self.mac))
        self.diskSerials = Set(diskSerials.compactMap(Self.serial))
    }

    /// The identity an agent's hardware section gives.
    public init(_ hardware: Hardware) {
        self.init(systemUUID: hardware.system.uuid, serial: hardware.system.serial, vendor: hardware.system.vendor,
                  fixedMACs: Set(hardware.networkInterfaces.filter(Self.isFixed).compactMap(\.mac)),
                  diskSerials: Set(hardware.disks.filter { $0.removable != true && $0.transport != "usb" }.compactMap(\.serial)))
    }

    enum CodingKeys: String, CodingKey { case systemUUID, serial, vendor, fixedMACs, diskSerials }

    /// Sets in sorted order, so that one identity always encodes to the same text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(systemUUID, forKey: .systemUUID)
        try container.encodeIfPresent(serial, forKey: .serial)
        try container.encodeIfPresent(vendor, forKey: .vendor)
        try container.encode(fixedMACs.sorted(), forKey: .fixedMACs)
        try container.encode(diskSerials.sorted(), forKey: .diskSerials)
    }

    /// Nothing that could identify the machine.
    public var isEmpty: Bool { systemUUID == nil && serial == nil && fixedMACs.isEmpty && diskSerials.isEmpty }

    // MARK: - Cleaning

    /// Drivers of USB network adapters: a dongle moves from machine to machine.
    static let usbNetworkDrivers: Set<String> = ["cdc_ether", "cdc_ncm", "r8152", "ax88179_178a", "asix", "rndis_host", "ipheth", "smsc95xx", "lan78xx"]

    static func isFixed(_ interface: NetworkInterface) -> Bool {
        !interface.virtual && !usbNetworkDrivers.contains(interface.driver ?? "")
    }

    /// Values firmware and vendors leave in unset fields (compared upper case, spaces squeezed).
    static let placeholders: Set<String> = [
        "TO BE FILLED BY O.E.M.", "TO BE FILLED BY OEM", "DEFAULT STRING", "SYSTEM SERIAL NUMBER", "CHASSIS SERIAL NUMBER",
        "NOT SPECIFIED", "NOT APPLICABLE", "NOT AVAILABLE", "NOT SETTABLE", "NONE", "N/A", "NA", "OEM", "O.E.M.", "INVALID",
        "UNKNOWN", "SERIAL", "SERIAL NUMBER", "123456789", "1234567890", "0123456789", "SYSTEM PRODUCT NAME", "EMPTY", "NULL",
    ]

    /// Well-known UUIDs that many boards share.
    static let placeholderUUIDs: Set<String> = [
        "03000200-0400-0500-0006-000700080009", "00020003-0004-0005-0006-000700080009", "12345678-1234-5678-90AB-CDDEEFAABBCC",
    ]

    static func text(_ value: String) -> String? {
        let squeezed = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ").uppercased()
        guard !squeezed.isEmpty, squeezed.count <= 128, !squeezed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        return squeezed
    }

    static func serial(_ value: String) -> String? {
        guard let text = text(value), !placeholders.contains(text), !text.contains("O.E.M"), !text.contains("FILLED BY") else { return nil }
        // One character repeated (000000, XXXXXXX, ...) is no serial.
        guard Set(text.filter { $0 != "-" && $0 != " " }).count > 1 else { return nil }
        return text
    }

    static func uuid(_ value: String) -> String? {
        guard let text = text(value), !placeholderUUIDs.contains(text) else { return nil }
        let digits = text.filter { $0 != "-" }
        guard digits.count == 32, digits.allSatisfy(\.isHexDigit), Set(digits).count > 1 else { return nil }
        return text
    }

    static func mac(_ value: String) -> String? {
        let lower = value.lowercased()
        let octets = lower.split(separator: ":")
        guard octets.count == 6, octets.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) }),
              let first = UInt8(octets[0], radix: 16) else { return nil }
        // Locally administered (random, set by software) or multicast: not the hardware's own.
        guard first & 0x03 == 0, Set(octets).count > 1 || octets[0] != "00" else { return nil }
        return lower
    }
}
