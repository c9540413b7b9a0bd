public import DesksideInventory

/// What counts as a change worth a line in an asset's history, per section: identity and capacity
/// of the hardware, the OS release and kernel, the count of pending updates, health flags. Volatile
/// figures (free space, uptime, available memory) change on every report and are left out.
public enum HistoryDiff {
    public typealias Change = (item: String, old: String?, new: String?)

    static func changes(_ pairs: [(String, String?, String?)]) -> [Change] {
        pairs.filter { $0.1 != $0.2 }.map { (item: $0.0, old: $0.1, new: $0.2) }
    }

    public static func hardware(_ old: Hardware, _ new: Hardware) -> [Change] {
        func disks(_ h: Hardware) -> String { h.disks.map { "\($0.name) \($0.model ?? "?") \($0.serial ?? "?") \($0.sizeBytes.map(String.init) ?? "?")" }.joined(separator: "; ") }
        func modules(_ h: Hardware) -> String { h.memory.modules.map { "\($0.slot ?? "?") \($0.sizeBytes)" }.joined(separator: "; ") }
        return changes([
            ("system.serial", old.system.serial, new.system.serial),
            ("system.model", old.system.model, new.system.model),
            ("system.vendor", old.system.vendor, new.system.vendor),
            ("bios.version", old.bios.version, new.bios.version),
            ("cpu.model", old.cpu.model, new.cpu.model),
            ("memory.totalBytes", old.memory.totalBytes.map(String.init), new.memory.totalBytes.map(String.init)),
            ("memory.modules", modules(old), modules(new)),
            ("disks", disks(old), disks(new)),
            ("networkInterfaces.mac", old.networkInterfaces.compactMap(\.mac).sorted().joined(separator: ", "),
             new.networkInterfaces.compactMap(\.mac).sorted().joined(separator: ", ")),
            ("monitors", monitors(old), monitors(new)),
        ])
    }

    private static func monitors(_ h: Hardware) -> String? {
        h.monitors.map { $0.map { "\($0.name ?? "?") \($0.serial ?? "?")" }.joined(separator: "; ") }
    }

    public static func os(_ old: OperatingSystem, _ new: OperatingSystem) -> [Change] {
        changes([
            ("name", old.prettyName, new.prettyName), ("version", old.pointRelease ?? old.version, new.pointRelease ?? new.version),
            ("kernelRelease", old.kernelRelease, new.kernelRelease), ("hostname", old.hostname, new.hostname),
            ("fqdn", old.fqdn, new.fqdn), ("timezone", old.timezone, new.timezone),
        ])
    }

    public static func updates(_ old: Updates, _ new: Updates) -> [Change] {
        changes([("pending", String(old.pending.count), String(new.pending.count)),
                 ("security", String(old.securityCount), String(new.securityCount)),
                 ("hotfixes", old.hotfixes.map { $0.map(\.id).sorted().joined(separator: ", ") }, new.hotfixes.map { $0.map(\.id).sorted().joined(separator: ", ") })])
    }

    public static func health(_ old: Health, _ new: Health) -> [Change] {
        changes([("rebootRequired", String(old.rebootRequired), String(new.rebootRequired)),
                 ("failedUnits", old.failedUnits.map { $0.map(\.name).joined(separator: ", ") }, new.failedUnits.map { $0.map(\.name).joined(separator: ", ") }),
                 ("antivirus", antivirus(old), antivirus(new))])
    }

    private static func antivirus(_ health: Health) -> String? {
        health.antivirus.map { products in
            products.map { "\($0.name): \($0.enabled == false ? "off" : "on")\($0.upToDate == false ? ", out of date" : "")" }.joined(separator: "; ")
        }
    }
}
