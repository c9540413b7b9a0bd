import Foundation
import DesksideInventory
import DesksideProbes
import DesksideProtocol
import DesksideSession

/// A realistic fleet: machines cloned from a few base images (the fixture machines' real files), each
/// padded to about 2,000 packages, with per-machine differences (names, serials, a few packages).
struct Fleet {
    static let images = ["laptop", "ubuntu", "debian-vm", "fedora"]

    let bases: [Inventory]

    init(fixtures: String, packages: Int) {
        bases = Self.images.map { name in
            var inventory = InventoryProbe(InventoryProbe.Configuration(root: SystemRoot(fixtures + "/" + name))).collect()
            let manager = inventory.software.packages.first?.manager ?? "dpkg"
            var index = 0
            while inventory.software.packages.count < packages {
                inventory.software.packages.append(Package(
                    name: "lib\(name)-component\(index)", version: "1.\(index % 17).\(index % 5)-\(index % 3 + 1)", architecture: "amd64",
                    source: "component\(index / 4)", manager: manager, sizeBytes: UInt64(index * 1024 % 900_000), section: "libs",
                    vendor: "Deskside Bench <bench@example.com>", summary: "synthetic package \(index) of the \(name) image"))
                index += 1
            }
            inventory.software.sortPackages()
            return inventory
        }
    }

    /// Machine `index`: its image, renamed, with its own serial, UUID, MAC addresses and disk serials
    /// (the collector matches new agents to assets by them) and a few packages of its own.
    func machine(_ index: Int) -> Inventory {
        var inventory = bases[index % bases.count]
        inventory.os.hostname = String(format: "ws-%05d", index)
        inventory.hardware.system.serial = String(format: "SN%08X", index &* 2_654_435_761 & 0x7FFF_FFFF)
        inventory.hardware.system.uuid = UUID().uuidString.lowercased()
        for slot in inventory.hardware.networkInterfaces.indices where inventory.hardware.networkInterfaces[slot].mac != nil {
            let value = index * 8 + slot
            inventory.hardware.networkInterfaces[slot].mac = String(format: "00:16:3e:%02x:%02x:%02x", (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF)
        }
        for slot in inventory.hardware.disks.indices where inventory.hardware.disks[slot].serial != nil {
            inventory.hardware.disks[slot].serial = String(format: "DSK%06X%02d", index, slot)
        }
        for extra in 0..<(index % 7) {
            inventory.software.packages.append(Package(name: "tool-\(index % 50)-\(extra)", version: "0.\(extra)", architecture: "amd64", manager: "dpkg"))
        }
        inventory.software.sortPackages()
        return inventory
    }

    /// The same machine with `count` package versions changed: the other end of a delta.
    /// The new versions come from eight variants shared across the fleet, as a fleet's machines share
    /// a few releases of each package. (One version per agent, as this once made, gave a package name
    /// 10,000 versions at 10,000 agents, and a delta reads every stored version of the names it
    /// touches: 100 ms a delta, which stalled that run. See docs/ARCHITECTURE.md.)
    static func changed(_ inventory: Inventory, count: Int, round: Int) -> Inventory {
        var changed = inventory
        let step = max(1, changed.software.packages.count / count)
        for position in stride(from: 0, to: changed.software.packages.count, by: step).prefix(count) {
            changed.software.packages[position].version += "+bench\(round % 8)"
        }
        changed.software.sortPackages()
        return changed
    }
}
