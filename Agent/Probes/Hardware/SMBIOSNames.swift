/// Names for SMBIOS enumerations (DMTF DSP0134 3.7: 7.4.1 chassis types, 7.18.1 memory form factors,
/// 7.18.2 memory types).
public enum SMBIOSNames {
    public static func chassisType(_ code: Int) -> String {
        let names = [
            1: "Other", 2: "Unknown", 3: "Desktop", 4: "Low Profile Desktop", 5: "Pizza Box", 6: "Mini Tower",
            7: "Tower", 8: "Portable", 9: "Laptop", 10: "Notebook", 11: "Hand Held", 12: "Docking Station",
            13: "All in One", 14: "Sub Notebook", 15: "Space-saving", 16: "Lunch Box", 17: "Main Server Chassis",
            18: "Expansion Chassis", 19: "SubChassis", 20: "Bus Expansion Chassis", 21: "Peripheral Chassis",
            22: "RAID Chassis", 23: "Rack Mount Chassis", 24: "Sealed-case PC", 25: "Multi-system chassis",
            26: "Compact PCI", 27: "Advanced TCA", 28: "Blade", 29: "Blade Enclosure", 30: "Tablet",
            31: "Convertible", 32: "Detachable", 33: "IoT Gateway", 34: "Embedded PC", 35: "Mini PC", 36: "Stick PC",
        ]
        // Bit 7 is the chassis lock flag, not part of the type.
        return names[code & 0x7F] ?? "Unknown (\(code))"
    }

    public static func memoryFormFactor(_ code: Int) -> String? {
        let names = [
            1: "Other", 3: "SIMM", 4: "SIP", 5: "Chip", 6: "DIP", 7: "ZIP", 8: "Proprietary Card", 9: "DIMM",
            10: "TSOP", 11: "Row of chips", 12: "RIMM", 13: "SODIMM", 14: "SRIMM", 15: "FB-DIMM", 16: "Die",
            17: "CAMM",
        ]
        return names[code]
    }

    public static func memoryType(_ code: Int) -> String? {
        let names = [
            1: "Other", 3: "DRAM", 4: "EDRAM", 5: "VRAM", 6: "SRAM", 7: "RAM", 8: "ROM", 9: "FLASH", 10: "EEPROM",
            11: "FEPROM", 12: "EPROM", 13: "CDRAM", 14: "3DRAM", 15: "SDRAM", 16: "SGRAM", 17: "RDRAM", 18: "DDR",
            19: "DDR2", 20: "DDR2 FB-DIMM", 24: "DDR3", 25: "FBD2", 26: "DDR4", 27: "LPDDR", 28: "LPDDR2",
            29: "LPDDR3", 30: "LPDDR4", 31: "Logical non-volatile device", 32: "HBM", 33: "HBM2", 34: "DDR5",
            35: "LPDDR5", 36: "HBM3",
        ]
        return names[code]
    }
}
