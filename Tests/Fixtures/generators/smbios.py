#!/usr/bin/env python3
"""Build a raw SMBIOS structure table, byte for byte, as Linux exposes it in
/sys/firmware/dmi/tables/DMI (the structure table only, no entry point).

Layout per DMTF DSP0134 (SMBIOS Reference Specification) 3.x:
  6.1.2  structure header: Type (BYTE), Length (BYTE, formatted area only), Handle (WORD)
  6.1.3  text strings: the formatted area is followed by a string set; each string is
         NUL-terminated, the set ends with an extra NUL (a structure without strings
         ends with two NULs). String fields in the formatted area are 1-based indexes,
         0 meaning "no string".
  7.1    Type 0   BIOS Information              (length 0x1A, SMBIOS 3.1+)
  7.2    Type 1   System Information            (length 0x1B, 2.4+)
  7.3    Type 2   Baseboard Information         (length 0x0F, no contained handles)
  7.4    Type 3   System Enclosure or Chassis   (length 0x16, n=0 contained elements, SKU at 0x15)
  7.17   Type 16  Physical Memory Array         (length 0x17, 2.7+)
  7.18   Type 17  Memory Device                 (length 0x5C for 3.3+, 0x54 for 3.2)
  7.45   Type 127 End-of-Table                  (length 0x04)
All multi-byte fields are little-endian. The UUID (7.2.1) is stored with its first three
fields little-endian (SMBIOS 2.6+), which is how the kernel prints product_uuid.

Usage: smbios.py PROFILE OUTPUT        PROFILE: laptop | ubuntu | broken
       smbios.py --dump PROFILE OUTPUT (prepends a _SM3_ entry point so that
                                         `dmidecode --from-dump OUTPUT` can decode it)
"""
import struct
import sys
import uuid as uuidlib


def structure(stype, handle, formatted, strings):
    """One SMBIOS structure: 4-byte header + formatted bytes + string set."""
    body = bytes(formatted)
    length = 4 + len(body)
    out = struct.pack("<BBH", stype, length, handle) + body
    if strings:
        for s in strings:
            b = s.encode("ascii")
            assert b and b"\0" not in b, "strings must be non-empty ASCII"
            out += b + b"\0"
        out += b"\0"
    else:
        out += b"\0\0"
    return out


class Strings:
    """Collects the string set of one structure and hands out 1-based indexes."""

    def __init__(self):
        self.items = []

    def __call__(self, s):
        if s is None or s == "":
            return 0
        if s in self.items:
            return self.items.index(s) + 1
        self.items.append(s)
        return len(self.items)


def smbios_uuid(text):
    u = uuidlib.UUID(text)
    return u.bytes_le  # time_low, time_mid, time_hi_and_version little-endian; rest big-endian


def type0(handle, vendor, version, date, major, minor, ec_major=0xFF, ec_minor=0xFF, rom_mb=32):
    s = Strings()
    f = struct.pack(
        "<BBHBBQBBBBBBH",
        s(vendor),            # 04 Vendor
        s(version),           # 05 BIOS Version
        0xE000,               # 06 BIOS Starting Address Segment
        s(date),              # 08 BIOS Release Date (mm/dd/yyyy)
        0xFF,                 # 09 BIOS ROM Size: 0xFF -> see Extended BIOS ROM Size
        0x0000000000099A80,   # 0A BIOS Characteristics: PCI, PnP, upgradeable, shadowing, boot from CD, selectable boot, EDD
        0x03,                 # 12 Extension byte 1: ACPI, USB legacy
        0x0D,                 # 13 Extension byte 2: BIOS boot spec, targeted content distribution, UEFI
        major,                # 14 System BIOS Major Release
        minor,                # 15 System BIOS Minor Release
        ec_major,             # 16 Embedded Controller Firmware Major Release
        ec_minor,             # 17 Embedded Controller Firmware Minor Release
        rom_mb & 0x3FFF,      # 18 Extended BIOS ROM Size (bits 15:14 = 00 -> megabytes)
    )
    assert len(f) == 0x1A - 4
    return structure(0, handle, f, s.items)


def type1(handle, vendor, product, version, serial, uuid, sku, family, wakeup=0x06):
    s = Strings()
    f = struct.pack("<BBBB", s(vendor), s(product), s(version), s(serial))  # 04..07
    f += smbios_uuid(uuid)                                                   # 08 UUID (16 bytes)
    f += struct.pack("<BBB", wakeup, s(sku), s(family))                     # 18 Wake-up Type, 19 SKU, 1A Family
    assert len(f) == 0x1B - 4
    return structure(1, handle, f, s.items)


def type2(handle, vendor, product, version, serial, asset, location, chassis_handle):
    s = Strings()
    f = struct.pack(
        "<BBBBBBBHBB",
        s(vendor), s(product), s(version), s(serial), s(asset),  # 04..08
        0x09,                 # 09 Feature Flags: hosting board, replaceable
        s(location),          # 0A Location in Chassis
        chassis_handle,       # 0B Chassis Handle
        0x0A,                 # 0D Board Type: Motherboard
        0,                    # 0E Number of Contained Object Handles
    )
    assert len(f) == 0x0F - 4
    return structure(2, handle, f, s.items)


def type3(handle, vendor, chassis_type, version, serial, asset, sku=None, cords=1):
    s = Strings()
    f = struct.pack(
        "<BBBBBBBBBIBBBB",
        s(vendor),            # 04 Manufacturer
        chassis_type,         # 05 Type (bit 7 = lock present)
        s(version),           # 06 Version
        s(serial),            # 07 Serial Number
        s(asset),             # 08 Asset Tag Number
        0x03, 0x03, 0x03,     # 09 Boot-up, 0A Power Supply, 0B Thermal state: Safe
        0x03,                 # 0C Security Status: None
        0,                    # 0D OEM-defined (DWORD)
        0,                    # 11 Height (0 = unspecified)
        cords,                # 12 Number of Power Cords
        0,                    # 13 Contained Element Count (n)
        0,                    # 14 Contained Element Record Length (m)
    )
    f += bytes([s(sku)])      # 15 + n*m: SKU Number
    assert len(f) == 0x16 - 4
    return structure(3, handle, f, s.items)


def type16(handle, max_kb, devices, ecc=0x03):
    f = struct.pack(
        "<BBBIHHQ",
        0x03,                 # 04 Location: System board or motherboard
        0x03,                 # 05 Use: System memory
        ecc,                  # 06 Memory Error Correction (3 = None, 6 = Multi-bit ECC)
        max_kb,               # 07 Maximum Capacity in KB (0x80000000 -> Extended)
        0xFFFE,               # 0B Memory Error Information Handle: not provided
        devices,              # 0D Number of Memory Devices
        0,                    # 0F Extended Maximum Capacity (bytes)
    )
    assert len(f) == 0x17 - 4
    return structure(16, handle, f, [])


def type17(handle, array_handle, *, size_mb, locator, bank, form=0x0D, mtype=0x22, detail=0x0080,
           speed=0, conf_speed=0, manufacturer=None, serial=None, asset=None, part=None, rank=0,
           volt_mv=0, width=64, jedec_id=0, smbios_minor=3, use_extended_size=False):
    """size_mb = 0 -> empty slot. use_extended_size -> Size word 0x7FFF and Extended Size = size_mb."""
    s = Strings()
    if size_mb == 0:
        size_word, ext = 0, 0
    elif use_extended_size or size_mb >= 0x7FFF:
        size_word, ext = 0x7FFF, size_mb
    else:
        size_word, ext = size_mb, 0          # bit 15 = 0 -> megabytes
    populated = size_mb != 0
    f = struct.pack(
        "<HHHHHBBBBBHHBBBBBIHHHH",
        array_handle,                        # 04 Physical Memory Array Handle
        0xFFFE,                              # 06 Memory Error Information Handle
        width if populated else 0xFFFF,      # 08 Total Width (bits)
        width if populated else 0xFFFF,      # 0A Data Width (bits)
        size_word,                           # 0C Size
        form,                                # 0E Form Factor (0x09 DIMM, 0x0D SODIMM)
        0,                                   # 0F Device Set
        s(locator),                          # 10 Device Locator
        s(bank),                             # 11 Bank Locator
        mtype,                               # 12 Memory Type (0x1A DDR4, 0x22 DDR5, 0x02 Unknown)
        detail,                              # 13 Type Detail (bit 7 Synchronous)
        speed,                               # 15 Speed (MT/s)
        s(manufacturer),                     # 17 Manufacturer
        s(serial),                           # 18 Serial Number
        s(asset),                            # 19 Asset Tag
        s(part),                             # 1A Part Number
        rank,                                # 1B Attributes (bits 3:0 rank)
        ext,                                 # 1C Extended Size (MB, bits 30:0)
        conf_speed,                          # 20 Configured Memory Speed (MT/s)
        volt_mv, volt_mv, volt_mv,           # 22 Minimum, 24 Maximum, 26 Configured Voltage (mV)
    )
    f += struct.pack(
        "<BHBHHHHQQQQ",
        0x03 if populated else 0x02,         # 28 Memory Technology: DRAM / Unknown
        0x0008 if populated else 0x0004,     # 29 Operating Mode Capability: bit 3 volatile / bit 2 unknown
        0,                                   # 2B Firmware Version (string)
        jedec_id,                            # 2C Module Manufacturer ID (JEDEC JEP-106)
        0,                                   # 2E Module Product ID
        0,                                   # 30 Memory Subsystem Controller Manufacturer ID
        0,                                   # 32 Memory Subsystem Controller Product ID
        0,                                   # 34 Non-volatile Size
        size_mb * 1024 * 1024,               # 3C Volatile Size (bytes)
        0,                                   # 44 Cache Size
        0,                                   # 4C Logical Size
    )
    if smbios_minor >= 3:
        f += struct.pack("<II", 0, 0)       # 54 Extended Speed, 58 Extended Configured Memory Speed
        assert len(f) == 0x5C - 4
    else:
        assert len(f) == 0x54 - 4
    return structure(17, handle, f, s.items)


def type127(handle=0xFEFF):
    return structure(127, handle, b"", [])


GIB_MB = 1024


def laptop():
    """Lenovo ThinkPad T14 Gen 4 (21HD), SMBIOS 3.4, one 16 GiB + one 32 GiB DDR5 SODIMM, one empty slot."""
    t = b""
    t += type0(0x0000, "LENOVO", "R2BET38W (1.17 )", "01/15/2024", 1, 17, 1, 10)
    t += type1(0x0001, "LENOVO", "21HDCTO1WW", "ThinkPad T14 Gen 4", "PF4ABCDE",
               "5d0a8f2c-3b1e-11b2-a85c-9f3e51c2d4a7",
               "LENOVO_MT_21HD_BU_Think_FM_ThinkPad T14 Gen 4", "ThinkPad T14 Gen 4")
    t += type2(0x0002, "LENOVO", "21HDCTO1WW", "SDK0T76479 WIN", "L1HF3AB0123", "Not Available",
               "Not Available", 0x0003)
    t += type3(0x0003, "LENOVO", 0x0A, "None", "PF4ABCDE", "No Asset Information")
    t += type16(0x0010, 64 * 1024 * 1024, 3)
    common = dict(form=0x0D, mtype=0x22, detail=0x0080, speed=5600, conf_speed=5200,
                  rank=1, volt_mv=1100, width=64, jedec_id=0xCE80, smbios_minor=3)
    t += type17(0x0011, 0x0010, size_mb=16 * GIB_MB, locator="Controller0-ChannelA-DIMM0", bank="BANK 0",
                manufacturer="Samsung", serial="4A3B2C1D", part="M425R2GA3BB0-CWMOD  ", **common)
    t += type17(0x0012, 0x0010, size_mb=32 * GIB_MB, locator="Controller1-ChannelA-DIMM0", bank="BANK 0",
                manufacturer="Samsung", serial="4A3B9F27", part="M425R4GA3BB0-CWMOD  ",
                use_extended_size=True, **common)
    t += type17(0x0013, 0x0010, size_mb=0, locator="Controller0-ChannelB-DIMM0", bank="BANK 0",
                form=0x0D, mtype=0x02, detail=0x0000, smbios_minor=3)
    t += type127(0xFEFF)
    return t


def ubuntu():
    """Dell OptiPlex 7090 tower, SMBIOS 3.2 (type 17 length 0x54), 2 x 8 GiB DDR4 DIMM, 2 empty slots."""
    t = b""
    t += type0(0x0000, "Dell Inc.", "1.21.0", "09/13/2023", 1, 21)
    t += type1(0x0100, "Dell Inc.", "OptiPlex 7090", None, "7XK2M34",
               "4c4c4544-0058-4b10-8032-b7c04f4d3334", "0A55", "OptiPlex")
    t += type2(0x0200, "Dell Inc.", "0K2D9V", "A00", "/7XK2M34/CNFCW0033A00UR/", None, None, 0x0300)
    t += type3(0x0300, "Dell Inc.", 0x03, None, "7XK2M34", None)
    t += type16(0x1000, 128 * 1024 * 1024, 4)
    common = dict(form=0x09, mtype=0x1A, detail=0x0080, speed=3200, conf_speed=2666, rank=1,
                  volt_mv=1200, width=64, jedec_id=0xAD80, smbios_minor=2)
    t += type17(0x1100, 0x1000, size_mb=8 * GIB_MB, locator="DIMM1", bank=None,
                manufacturer="SK Hynix", serial="82D1A3F4", part="HMA81GU6DJR8N-XN    ", **common)
    t += type17(0x1101, 0x1000, size_mb=0, locator="DIMM2", bank=None, form=0x09, mtype=0x02,
                detail=0x0000, smbios_minor=2)
    t += type17(0x1102, 0x1000, size_mb=8 * GIB_MB, locator="DIMM3", bank=None,
                manufacturer="SK Hynix", serial="82D1A40B", part="HMA81GU6DJR8N-XN    ", **common)
    t += type17(0x1103, 0x1000, size_mb=0, locator="DIMM4", bank=None, form=0x09, mtype=0x02,
                detail=0x0000, smbios_minor=2)
    t += type127(0x7F00)
    return t


def broken():
    """A type 0 header that claims 0x28 bytes of formatted area, but the file ends after 10 bytes."""
    return struct.pack("<BBH", 0, 0x28, 0x0000) + bytes([1, 2, 0x00, 0xE0, 3, 0xFF])


PROFILES = {"laptop": laptop, "ubuntu": ubuntu, "broken": broken}


def entry_point_sm3(table_len, minor):
    """A 64-bit SMBIOS 3.x entry point (DSP0134 5.2.2) whose table address points just past it,
    the layout `dmidecode --dump-bin` writes and `--from-dump` reads. Only for verification."""
    ep = bytearray(struct.pack("<5sBBBBBBBIQ", b"_SM3_", 0, 0x18, 3, minor, 0, 1, 0, table_len, 32))
    ep[5] = (-sum(ep)) & 0xFF
    return bytes(ep) + b"\0" * (32 - len(ep))


def main(argv):
    dump = False
    if argv and argv[0] == "--dump":
        dump = True
        argv = argv[1:]
    if len(argv) != 2 or argv[0] not in PROFILES:
        sys.exit(__doc__)
    table = PROFILES[argv[0]]()
    data = table
    if dump:
        data = entry_point_sm3(len(table), {"laptop": 4, "ubuntu": 2}.get(argv[0], 0)) + table
    with open(argv[1], "wb") as fh:
        fh.write(data)


if __name__ == "__main__":
    main(sys.argv[1:])
