import DesksideInventory

extension Inventory {
    /// This inventory as machine `index` of a fleet installed from one image: its own hostname,
    /// serial, system UUID, MAC addresses and disk serials, as real machines have, so that the
    /// collector's identity matching keeps each its own asset.
    public func machine(_ index: Int) -> Inventory {
        var copy = self
        let tag = String(index, radix: 16, uppercase: true)
        copy.os.hostname = (os.hostname ?? "host") + "-\(index)"
        copy.hardware.system.serial = "FLEET\(String(repeating: "0", count: max(0, 6 - tag.count)))\(tag)"
        let hex = String(repeating: "0", count: max(0, 12 - tag.count)) + tag
        copy.hardware.system.uuid = "00000000-0000-4000-8000-" + hex
        copy.hardware.networkInterfaces = hardware.networkInterfaces.enumerated().map { offset, interface in
            var interface = interface
            if interface.mac != nil {
                let value = index * 16 + offset + 1
                interface.mac = "00:16:3e:" + [(value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF]
                    .map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: ":")
            }
            return interface
        }
        copy.hardware.disks = hardware.disks.enumerated().map { offset, disk in
            var disk = disk
            if disk.serial != nil { disk.serial = "DISK\(tag)X\(offset)" }
            return disk
        }
        return copy
    }
}
