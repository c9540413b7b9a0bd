import DesksideHelpdesk

/// Where an asset stands in its life, as Snipe-IT and GLPI users know it: ordered, in stock,
/// deployed, in repair, retired, lost or stolen, disposed. Not every move makes sense (a disposed
/// asset is gone for good); `move(to:)` says which do. The schema's CHECK holds the same seven.
public enum AssetStatus: String, Codable, Sendable, CaseIterable {
    case ordered, inStock, deployed, inRepair, retired, lostOrStolen, disposed

    public var label: String {
        switch self {
        case .ordered: "ordered"
        case .inStock: "in stock"
        case .deployed: "deployed"
        case .inRepair: "in repair"
        case .retired: "retired"
        case .lostOrStolen: "lost or stolen"
        case .disposed: "disposed"
        }
    }

    /// The statuses this one may move to.
    public var next: Set<AssetStatus> {
        switch self {
        case .ordered: [.inStock, .deployed]
        case .inStock: [.deployed, .inRepair, .retired, .lostOrStolen]
        case .deployed: [.inStock, .inRepair, .retired, .lostOrStolen]
        case .inRepair: [.inStock, .deployed, .retired, .disposed]
        case .retired: [.inStock, .disposed]
        case .lostOrStolen: [.inStock, .deployed, .retired, .disposed]
        case .disposed: []
        }
    }

    /// Checks the move; staying where it is is no move and allowed.
    public func move(to status: AssetStatus) throws {
        guard status != self, !next.contains(status) else { return }
        let allowed = next.map(\.rawValue).sorted()
        throw HelpdeskError.conflict("an asset that is \(label) cannot become \(status.label)"
                                     + (allowed.isEmpty ? " (it is final)" : " (it can become: \(allowed.joined(separator: ", ")))"))
    }

    /// Out of use: a report from its machine never lands on it (a new agent gets a new asset).
    public var isOutOfUse: Bool { self == .retired || self == .disposed }
}
