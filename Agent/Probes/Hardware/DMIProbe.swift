public import DesksideInventory

/// System identity and firmware from the kernel's DMI attributes in /sys/class/dmi/id
/// (Documentation/ABI/testing/sysfs-firmware-dmi-tables and drivers/firmware/dmi-id.c).
/// Virtual machines and some ARM boards have none; that is reported as a note, not an error.
public struct DMIProbe: Sendable {
    public static let directory = "/sys/class/dmi/id"
    public let root: SystemRoot

    public init(root: SystemRoot) { self.root = root }

    /// Reads identity and BIOS; fields the firmware leaves as placeholders ("To Be Filled By O.E.M.") are `nil`.
    public func read(notes: inout NoteLog) -> (system: SystemIdentity, bios: BIOS) {
        guard root.isDirectory(Self.directory) else {
            notes.add(.hardware, probe: "dmi", kind: .missing, source: Self.directory,
                      message: "\(Self.directory) does not exist (no DMI data: a virtual machine or firmware without SMBIOS)")
            return (SystemIdentity(), BIOS())
        }
        func value(_ name: String) -> String? {
            Self.meaningful(root.attribute(Self.directory + "/" + name, notes: &notes, section: .hardware, probe: "dmi"))
        }
        let system = SystemIdentity(
            vendor: value("sys_vendor"), model: value("product_name"), version: value("product_version"),
            serial: value("product_serial"), uuid: value("product_uuid")?.lowercased(), sku: value("product_sku"),
            family: value("product_family"), chassisType: value("chassis_type").flatMap(Int.init).map(SMBIOSNames.chassisType),
            assetTag: value("chassis_asset_tag"), boardVendor: value("board_vendor"), boardModel: value("board_name"),
            boardSerial: value("board_serial")
        )
        let bios = BIOS(vendor: value("bios_vendor"), version: value("bios_version"), date: value("bios_date").map(Self.isoDate))
        return (system, bios)
    }

    /// Placeholders firmware vendors leave in unfilled fields.
    static let placeholders: Set<String> = [
        "to be filled by o.e.m.", "to be filled by oem", "default string", "system serial number", "system product name",
        "system manufacturer", "not specified", "not applicable", "none", "n/a", "o.e.m.", "oem", "0", "00000000",
        "0123456789", "123456789", "chassis serial number", "base board serial number", "type1productconfigid",
        "03000200-0400-0500-0006-000700080009", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
    ]

    static func meaningful(_ value: String?) -> String? {
        guard let value, !placeholders.contains(value.lowercased()) else { return nil }
        return value
    }

    /// `MM/DD/YYYY` becomes `YYYY-MM-DD`; other forms are kept as they are.
    static func isoDate(_ date: String) -> String {
        let parts = date.split(separator: "/")
        guard parts.count == 3, parts[2].count == 4, let month = Int(parts[0]), let day = Int(parts[1]),
              (1...12).contains(month), (1...31).contains(day) else { return date }
        let pad = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts[2])-\(pad(month))-\(pad(day))"
    }
}
