import DesksideHelpdesk

/// The register's settings (`assets:` in the collector's configuration).
public struct RegisterSettings: Codable, Sendable, Equatable {
    /// How new assets' tags are made (see `AssetTagPattern`).
    public var tagPattern = AssetTagPattern.standard.description
    /// `warranty.expiring` is raised this many days before a warranty ends.
    public var warrantyNoticeDays = 30
    /// The console's address, which the QR codes on labels open (`/assets/ID` is added); `serve`
    /// fills it from `notifications.consoleURL`, else from this machine's name and the HTTP port.
    public var labelBaseURL: String?
    /// Asset history events and report records older than this are pruned by the help desk's clock,
    /// a batch at a time (two years by default).
    public var historyRetentionDays = 730

    public init() {}

    enum CodingKeys: String, CodingKey { case tagPattern, warrantyNoticeDays, labelBaseURL, historyRetentionDays }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = RegisterSettings()
        tagPattern = try container.decodeIfPresent(String.self, forKey: .tagPattern) ?? defaults.tagPattern
        warrantyNoticeDays = try container.decodeIfPresent(Int.self, forKey: .warrantyNoticeDays) ?? defaults.warrantyNoticeDays
        labelBaseURL = try container.decodeIfPresent(String.self, forKey: .labelBaseURL)
        historyRetentionDays = try container.decodeIfPresent(Int.self, forKey: .historyRetentionDays) ?? defaults.historyRetentionDays
    }

    public var pattern: AssetTagPattern { (try? AssetTagPattern(tagPattern)) ?? .standard }

    public func validate() throws {
        _ = try AssetTagPattern(tagPattern)
        guard (1...365).contains(warrantyNoticeDays) else { throw HelpdeskError.invalid("warrantyNoticeDays is 1 to 365") }
        guard (30...36500).contains(historyRetentionDays) else { throw HelpdeskError.invalid("historyRetentionDays is 30 to 36500") }
        if let labelBaseURL, !(labelBaseURL.hasPrefix("https://") || labelBaseURL.hasPrefix("http://")) || labelBaseURL.count > 200 {
            throw HelpdeskError.invalid("labelBaseURL is an http:// or https:// address of at most 200 characters")
        }
    }
}
