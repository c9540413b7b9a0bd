public import DesksideInventory

/// Batteries from /sys/class/power_supply (Documentation/ABI/testing/sysfs-class-power): each
/// supply's `uevent` holds every property as `POWER_SUPPLY_NAME=value`. Capacities come as µWh
/// (ENERGY_*) or µAh (CHARGE_*), and are reported in mWh or mAh.
public struct BatteryProbe: Sendable {
    public let root: SystemRoot

    public init(root: SystemRoot) { self.root = root }

    public func read(notes: inout NoteLog) -> [Battery] {
        root.list("/sys/class/power_supply").compactMap { name in
            let base = "/sys/class/power_supply/" + name
            guard root.attribute(base + "/type") == "Battery" else { return nil }
            // Peripheral batteries (mice, keyboards) report scope Device; only the system's count.
            if root.attribute(base + "/scope") == "Device" { return nil }
            do throws(SystemRoot.ReadError) {
                return Self.parse(uevent: try root.readText(base + "/uevent"), name: name)
            } catch {
                notes.add(.hardware, probe: "battery", error: error, source: base + "/uevent")
                return nil
            }
        }
    }

    public static func parse(uevent: String, name: String) -> Battery {
        var values: [String: String] = [:]
        for line in uevent.split(separator: "\n") {
            let pair = line.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].hasPrefix("POWER_SUPPLY_") else { continue }
            values[String(pair[0].dropFirst("POWER_SUPPLY_".count))] = String(pair[1])
        }
        let number = { (key: String) in values[key].flatMap { UInt64($0) }.map { $0 / 1000 } }
        let energy = values["ENERGY_FULL_DESIGN"] != nil
        var battery = Battery(
            name: name, present: values["PRESENT"].map { $0 == "1" } ?? true, status: values["STATUS"],
            chargePercent: values["CAPACITY"].flatMap { Int($0) },
            designCapacity: energy ? number("ENERGY_FULL_DESIGN") : number("CHARGE_FULL_DESIGN"),
            fullCapacity: energy ? number("ENERGY_FULL") : number("CHARGE_FULL"),
            capacityUnit: energy ? "mWh" : (values["CHARGE_FULL_DESIGN"] != nil ? "mAh" : nil),
            cycleCount: values["CYCLE_COUNT"].flatMap { Int($0) }, manufacturer: values["MANUFACTURER"],
            model: values["MODEL_NAME"], serial: values["SERIAL_NUMBER"].flatMap { $0.isEmpty ? nil : $0 }, technology: values["TECHNOLOGY"]
        )
        if battery.chargePercent == nil, let now = number(energy ? "ENERGY_NOW" : "CHARGE_NOW"), let full = battery.fullCapacity, full > 0 {
            battery.chargePercent = Int(now * 100 / full)
        }
        return battery
    }
}
