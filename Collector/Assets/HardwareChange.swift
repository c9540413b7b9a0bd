import DesksideHelpdesk
public import DesksideInventory

/// Hardware changes only the collector can see, by comparing two reports of one machine: memory
/// that shrank (installed modules, or more than 5% of the total when modules are unknown: the
/// kernel's figure moves a little between boots), a fixed disk whose serial number is gone (replaced
/// or removed), a system serial number that changed (a board swap, or another machine reporting
/// with this one's identity).
public enum HardwareChange {
    public static func fault(old: Hardware, new: Hardware) -> Fault? {
        var changes: [String] = []
        var facts: [String: FactValue] = [:]
        let oldModules = old.memory.modules.reduce(0) { $0 + $1.sizeBytes }
        let newModules = new.memory.modules.reduce(0) { $0 + $1.sizeBytes }
        if oldModules > 0, newModules > 0, newModules < oldModules {
            changes.append("installed memory went from \(gib(oldModules)) to \(gib(newModules))")
            facts["memoryBefore"] = .int(Int64(clamping: oldModules))
            facts["memoryAfter"] = .int(Int64(clamping: newModules))
        } else if oldModules == 0 || newModules == 0, let before = old.memory.totalBytes, let after = new.memory.totalBytes,
                  Double(after) < Double(before) * 0.95 {
            changes.append("memory went from \(gib(before)) to \(gib(after))")
            facts["memoryBefore"] = .int(Int64(clamping: before))
            facts["memoryAfter"] = .int(Int64(clamping: after))
        }
        func fixedSerials(_ hardware: Hardware) -> Set<String> {
            Set(hardware.disks.filter { $0.removable != true }.compactMap { $0.serial.flatMap { $0.isEmpty ? nil : $0 } })
        }
        let gone = fixedSerials(old).subtracting(fixedSerials(new)).sorted()
        if !gone.isEmpty {
            changes.append("disk \(gone.joined(separator: ", ")) is gone")
            facts["disksGone"] = .string(gone.joined(separator: ","))
            let added = fixedSerials(new).subtracting(fixedSerials(old)).sorted()
            if !added.isEmpty { facts["disksAdded"] = .string(added.joined(separator: ",")) }
        }
        if let before = old.system.serial, let after = new.system.serial, !before.isEmpty, !after.isEmpty, before != after {
            changes.append("the serial number changed from \(before) to \(after)")
            facts["serialBefore"] = .string(before)
            facts["serialAfter"] = .string(after)
        }
        guard !changes.isEmpty else { return nil }
        return Fault(code: CollectorFault.hardwareChanged, severity: .warning, subject: "",
                     summary: "Hardware changed: " + changes.joined(separator: "; "), facts: facts)
    }

    private static func gib(_ bytes: UInt64) -> String {
        let value = Double(bytes) / 1_073_741_824
        return (value * 10).rounded() / 10 == value.rounded() ? "\(Int(value.rounded())) GiB" : "\((value * 10).rounded() / 10) GiB"
    }
}
