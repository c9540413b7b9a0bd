public import DesksideInventory
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// `antivirus.disabled` (critical) when no reported antivirus product has real-time protection on,
/// `antivirus.outdated` (warning) when the one that is on has old signatures. Only machines whose
/// agent reports antivirus state (Windows, through FusionInventory or GLPI Agent) are judged.
public struct AntivirusCheck: FaultCheck {
    public static let code = "antivirus.disabled"
    public static let outdatedCode = "antivirus.outdated"

    public init() {}

    public func faults(in inventory: Inventory, policy: FaultPolicy, now: Date) -> [Fault] {
        guard let products = inventory.health.antivirus, !products.isEmpty else { return [] }
        let active = products.filter { $0.enabled != false }
        guard let protecting = active.first else {
            let names = products.map(\.name).joined(separator: ", ")
            return [Fault(code: Self.code, severity: .critical, subject: "",
                          summary: "Antivirus protection is off (\(names))", facts: ["products": .string(names)])]
        }
        guard !active.contains(where: { $0.upToDate != false }) else { return [] }
        var facts: [String: FactValue] = ["product": .string(protecting.name)]
        if let version = protecting.signatureVersion { facts["signatureVersion"] = .string(version) }
        return [Fault(code: Self.outdatedCode, severity: .warning, subject: protecting.name,
                      summary: "\(protecting.name) has out-of-date signatures", facts: facts)]
    }
}
