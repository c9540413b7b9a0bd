import DesksideHelpdesk

/// The register's settings (`assets:` in the collector's configuration).
public struct RegisterSettings: Codable, Sendable, Equatable {
    /// How new assets' tags are made (see `AssetTagPattern`).
    public var tagPattern = AssetTagPattern.standard.description
    /// `warranty.expiring` is raised this many days before a warranty ends.
    public var warrantyNoticeDays = 30

    public init() {}

    enum CodingKeys: String, CodingKey { case tagPattern, warrantyNoticeDays }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = RegisterSettings()
        tagPattern = try container.decodeIfPresent(String.self, forKey: .tagPattern) ?? defaults.tagPattern
        warrantyNoticeDays = try container.decodeIfPresent(Int.self, forKey: .warrantyNoticeDays) ?? defaults.warrantyNoticeDays
    }

    public var pattern: AssetTagPattern { (try? AssetTagPattern(tagPattern)) ?? .standard }

    public func validate() throws {
        _ = try AssetTagPattern(tagPattern)
        guard (1...365).contains(warrantyNoticeDays) else { throw HelpdeskError.invalid("warrantyNoticeDays is 1 to 365") }
    }
}
