/// The intake for FusionInventory, GLPI Agent and OCS agents (`intake` in the collector's config
/// file). Off unless `enabled`; docs/interop.md.
///
/// ```json
/// {"intake": {"enabled": true, "listen": "0.0.0.0:8443", "scheduleHours": 24}}
/// ```
public struct IntakeSettings: Codable, Sendable, Equatable {
    public var enabled = false
    /// A listener of its own (`HOST:PORT`); without it the intake is served on the HTTP port, at `/intake/TOKEN`.
    public var listen: String?
    /// Allow a listener of its own off loopback without TLS (agents then send their inventories,
    /// and the token in the URL, in clear: only on a network you trust).
    public var plainHTTP = false
    /// When agents are told to come back (PROLOG_FREQ, GLPI's `expiration`), in hours.
    public var scheduleHours = 24
    /// Largest request body as sent, and once decompressed.
    public var maxBodyBytes = 16 << 20
    public var maxInventoryBytes = 32 << 20

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = IntakeSettings()
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? defaults.enabled
        listen = try container.decodeIfPresent(String.self, forKey: .listen)
        plainHTTP = try container.decodeIfPresent(Bool.self, forKey: .plainHTTP) ?? defaults.plainHTTP
        scheduleHours = try container.decodeIfPresent(Int.self, forKey: .scheduleHours) ?? defaults.scheduleHours
        maxBodyBytes = try container.decodeIfPresent(Int.self, forKey: .maxBodyBytes) ?? defaults.maxBodyBytes
        maxInventoryBytes = try container.decodeIfPresent(Int.self, forKey: .maxInventoryBytes) ?? defaults.maxInventoryBytes
    }

    /// The field that is out of range, in words.
    public func problem() -> String? {
        if !(1...720).contains(scheduleHours) { return "intake.scheduleHours must be from 1 to 720, not \(scheduleHours)" }
        if !(1024...(256 << 20)).contains(maxBodyBytes) { return "intake.maxBodyBytes must be from 1024 to 268435456" }
        if !(1024...(1 << 30)).contains(maxInventoryBytes) { return "intake.maxInventoryBytes must be from 1024 to 1073741824" }
        return nil
    }
}
