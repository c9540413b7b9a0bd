import DesksideChecks
import DesksideInterop
import DesksideInventory
import DesksideTestSupport
import Foundation
import Testing

/// GLPI Agent inventories of Windows 10 and 11 and macOS machines, written from the published format
/// (Tests/Fixtures/interop/glpi/README.md says from what), in Deskside's model and through the same
/// fault checks as Deskside's agent.
@Suite struct GLPIMappingTests {
    static func message(_ name: String) throws -> IntakeMessage {
        try IntakeMessage.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.directory + "/interop/glpi/" + name))))
    }

    static func inventory(_ name: String, onto base: Inventory? = nil) throws -> Inventory {
        guard case .jsonInventory(_, let content, let partial, _) = try message(name) else { throw IntakeMessage.Refusal(message: "no inventory", json: true) }
        return IntakeInventory.inventory(content, onto: base, partial: partial, receivedAt: now)
    }

    /// The day the fixtures were written for.
    static let now = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01
    let checker = FaultChecker()

    @Test func mapsAWindows10Laptop() throws {
        let inventory = try Self.inventory("windows10.json")
        #expect(inventory.os.id == "windows")
        #expect(inventory.os.name == "Microsoft Windows 10 Pro")
        #expect(inventory.os.version == "22H2")
        #expect(inventory.os.kernelRelease == "10.0.19045")
        #expect(inventory.os.hostname == "DESKTOP-FIXTURE10")
        #expect(inventory.hardware.system.serial == "8FXK1Q3")
        #expect(inventory.hardware.system.uuid == "4C4C4544-0046-5810-804B-B8C04F315133")
        #expect(inventory.hardware.volumes.map(\.mountPoint) == ["C:", "D:"])
        #expect(inventory.hardware.volumes[0].freeBytes == 3968 << 20 && inventory.hardware.volumes[0].sizeBytes == 476000 << 20)
        #expect(inventory.updates.hotfixes?.count == 6)
        #expect(inventory.updates.hotfixes?.first?.id == "KB5072653")
        #expect(inventory.health.antivirus == [Antivirus(name: "Windows Defender", company: "Microsoft Corporation", version: "4.18.25090.3009",
                                                         enabled: true, upToDate: true, signatureVersion: "1.441.232.0")])
        #expect(inventory.hardware.batteries.count == 1 && (inventory.hardware.batteries[0].wearPercent ?? 0).rounded() == 20)
        #expect(inventory.hardware.monitors?.count == 2)
        #expect(inventory.software.packageManagers.contains("windows"))
        #expect(!inventory.software.packages.contains { $0.name.hasPrefix("KB") })
        #expect(inventory.software.packages.contains { $0.vendor == "Google LLC" || $0.vendor == "Mozilla" || $0.vendor == "Microsoft Corporation" })
        #expect(inventory.os.loggedInUsers.count == 1)
        #expect(inventory.os.localUsers.allSatisfy { $0.sid?.hasPrefix("S-1-5-") == true })
        let encoded = String(decoding: try JSONEncoder().encode(inventory), as: UTF8.self)
        #expect(!encoded.contains("fixture-secret"))
        // The nearly full C: drive is the fault a ticket opens for; nothing else is wrong with it.
        let faults = checker.faults(in: inventory, now: Self.now)
        #expect(faults.map(\.code) == ["disk.space.low"])
        #expect(faults.first?.subject == "C:" && faults.first?.severity == .critical)
    }

    @Test func judgesAWindows11DesktopsProtection() throws {
        let inventory = try Self.inventory("windows11.json")
        #expect(inventory.os.name == "Microsoft Windows 11 Enterprise")
        #expect(inventory.hardware.batteries.isEmpty)
        let codes = Set(checker.faults(in: inventory, now: Self.now).map(\.code))
        #expect(codes == ["antivirus.disabled", "updates.hotfix.old"])
    }

    /// GLPI Agent sends only the sections that changed: laid over the stored inventory, the others stay.
    @Test func laysAPartialInventoryOverTheStoredOne() throws {
        let full = try Self.inventory("windows11.json")
        let merged = try Self.inventory("windows11-partial.json", onto: full)
        #expect(merged.hardware.cpu == full.hardware.cpu)
        #expect(merged.hardware.memory.modules == full.hardware.memory.modules)
        #expect(merged.hardware.networkInterfaces == full.hardware.networkInterfaces)
        #expect(merged.health.antivirus == full.health.antivirus)
        #expect(merged.hardware.monitors == full.hardware.monitors)
        #expect(merged.hardware.volumes != full.hardware.volumes)
        #expect(merged.software.packages.count == full.software.packages.count + 1)
        #expect(merged.software.packages.contains { $0.name.contains("Wireshark") })
        let chrome = { (inventory: Inventory) in inventory.software.packages.first { $0.name == "Google Chrome" }?.version }
        #expect(chrome(merged) != nil && chrome(merged) != chrome(full))
        // Without a stored inventory, a partial one is what there is.
        let alone = try Self.inventory("windows11-partial.json")
        #expect(alone.hardware.cpu == CPU() && alone.software.packages.count == merged.software.packages.count)
    }

    @Test func mapsAMacBook() throws {
        let inventory = try Self.inventory("macos.json")
        #expect(inventory.os.id == "macos")
        #expect(inventory.os.name == "macOS")
        #expect(inventory.os.kernelRelease == "23.6.0")
        #expect(inventory.software.packageManagers == ["macos"])
        #expect(inventory.software.packages.count > 15)
        // APFS volumes share their container: the data volume stands for them.
        #expect(inventory.hardware.volumes.map(\.mountPoint).sorted() == ["/System/Volumes/Data", "/Volumes/T7"])
        #expect(inventory.updates.hotfixes == nil && inventory.health.antivirus == nil)
        #expect(!String(decoding: try JSONEncoder().encode(inventory), as: UTF8.self).contains("fixture-secret"))
        #expect(checker.faults(in: inventory, now: Self.now).isEmpty)
    }

    @Test func readsTheContactMessage() throws {
        guard case .contact(let device, let tasks) = try Self.message("contact.json") else { Issue.record("not a contact"); return }
        #expect(device == "DESKTOP-FIXTURE10-2026-02-16-09-41-07")
        #expect(tasks.contains("inventory"))
    }
}
