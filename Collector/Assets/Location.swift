import DesksideHelpdesk

/// Where assets are: a small hierarchy of sites, their buildings and the buildings' rooms.
public enum LocationKind: String, Codable, Sendable, CaseIterable {
    case site, building, room

    /// The kind a location of this kind sits in (a site in none).
    public var parentKind: LocationKind? {
        switch self {
        case .site: nil
        case .building: .site
        case .room: .building
        }
    }

    /// Checks that a new location of this kind may sit in a parent of `parent` kind.
    public func check(name: String, parent: LocationKind?) throws {
        guard (1...100).contains(name.count), name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }),
              !name.hasPrefix(" "), !name.hasSuffix(" "), !name.contains(" / ") else {
            throw HelpdeskError.invalid("a location's name is 1 to 100 printable characters, without \" / \" or spaces at either end")
        }
        guard parent == parentKind else {
            throw HelpdeskError.unprocessable(parentKind.map { "a \(rawValue) is in a \($0.rawValue)" } ?? "a site is in no other location")
        }
    }
}
