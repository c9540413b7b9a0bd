import DesksideJSON
import DesksideAssets
import DesksideFiles
import DesksideHelpdesk
import DesksideIntake
import DesksideInventory
import DesksideLogging
import Logging
import DesksideStoreSQLite

/// The collector's config file (`serve --config FILE`), JSON. Every field is optional; the command
/// line wins over the file, the file over the defaults.
///
/// ```json
/// {"agentListen": "0.0.0.0:7443", "httpListen": "127.0.0.1:8080",
///  "serverNames": ["collector.example.com"], "serverAddresses": ["10.0.0.5"],
///  "heartbeatSeconds": 60, "reportIntervalSeconds": 3600, "maxConnections": 20000, "maxPendingPerAddress": 64,
///  "reportsPerMinute": 60, "handshakeTimeoutSeconds": 10, "idleTimeoutSeconds": 180, "durability": "full",
///  "policy": {"diskFreePercentMin": 10},
///  "helpdesk": {"serviceLevels": {"critical": {"responseMinutes": 15, "resolutionMinutes": 240}, "autoCloseDays": 7},
///               "faultLoop": {"reopenWindowDays": 7, "stormThreshold": 20, "stormWindowMinutes": 10, "silentAgentDays": 7},
///               "maxFailedLogins": 5, "lockoutMinutes": 15, "sessionHours": 12, "consoleIdleMinutes": 30},
///  "assets": {"tagPattern": "DS-#####", "warrantyNoticeDays": 30},
///  "httpTLS": {"certificate": "/etc/deskside/desk.pem", "key": "/etc/deskside/desk-key.pem"},
///  "intake": {"enabled": true, "scheduleHours": 24},
///  "log": {"level": "info", "format": "logfmt"}}
/// ```
struct ServeConfiguration: Codable, Sendable {
    var agentListen: String?
    var httpListen: String?
    /// Names and addresses in the server certificate made at first start (besides localhost,
    /// this machine's name, 127.0.0.1 and ::1).
    var serverNames: [String]?
    var serverAddresses: [String]?
    var heartbeatSeconds: Int?
    var reportIntervalSeconds: Int?
    var maxConnections: Int?
    /// Connections from one address still in their handshake or enrolling (see AgentServerSettings).
    var maxPendingPerAddress: Int?
    var reportsPerMinute: Int?
    var handshakeTimeoutSeconds: Int?
    var idleTimeoutSeconds: Int?
    var policy: FaultPolicy?
    /// `full` (the default): a report is acknowledged once its commit is synced to disk; `normal`:
    /// faster, and the last commits before a power cut may be lost (see docs/ARCHITECTURE.md).
    var durability: CollectorStore.Durability?
    /// Service levels, the fault loop, sign-in lockout and session length (docs/helpdesk.md).
    var helpdesk: HelpdeskSettings?
    /// The asset register: how tags are made, when warranties are flagged (docs/assets.md).
    var assets: RegisterSettings?
    /// TLS on the HTTP port (the console and the API). Without it the port must be on loopback.
    var httpTLS: HTTPTLS?
    /// Mail out and in, webhooks, the onboarding hook (docs/notifications.md).
    var notifications: NotificationConfiguration?
    /// FusionInventory, GLPI Agent and OCS agents (docs/interop.md); off by default.
    var intake: IntakeSettings?
    /// Log lines on standard error: `level` (trace, debug, info, notice, warning, error, critical;
    /// default info) and `format` (`logfmt`, the default; `json`; `line`).
    var log: LogSettings?

    struct LogSettings: Codable, Sendable {
        var level: String?
        var format: LineLogHandler.Format?
    }

    struct HTTPTLS: Codable, Sendable {
        /// A certificate chain and its key, in PEM (a company CA's, or a public one).
        var certificate: String?
        var key: String?
        /// Or the collector's own server certificate, issued by its CA for `serverNames` and
        /// `serverAddresses` (browsers must then trust the collector's CA).
        var collectorCertificate: Bool?
    }

    static func load(_ path: String) throws -> ServeConfiguration {
        guard let bytes = DurableFile.read(path, limit: 1 << 20) else { throw CommandError("cannot read the config file \(path)") }
        do {
            return try JSONCoder.decode(ServeConfiguration.self, from: withoutComments(bytes))
        } catch {
            throw CommandError("the config file \(path) is not valid: \(error)")
        }
    }

    /// The file without its comment lines (lines whose first non-blank characters are `//`), so that
    /// the packaged /etc/deskside/collector.json can explain every key; line numbers stay as they were.
    static func withoutComments(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let text = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            if !text.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) { output.append(contentsOf: line) }
            output.append(UInt8(ascii: "\n"))
        }
        return output
    }

    /// Checks the numbers are in range, naming the field that is not.
    func validate() throws {
        let ranges: [(String, Int?, ClosedRange<Int>)] = [
            ("heartbeatSeconds", heartbeatSeconds, 5...3600), ("reportIntervalSeconds", reportIntervalSeconds, 60...86400),
            ("maxConnections", maxConnections, 1...1_000_000), ("maxPendingPerAddress", maxPendingPerAddress, 1...1_000_000),
            ("reportsPerMinute", reportsPerMinute, 1...10_000),
            ("handshakeTimeoutSeconds", handshakeTimeoutSeconds, 1...300), ("idleTimeoutSeconds", idleTimeoutSeconds, 10...86400),
        ]
        for (name, value, range) in ranges {
            if let value, !range.contains(value) { throw CommandError("\(name) must be from \(range.lowerBound) to \(range.upperBound), not \(value)") }
        }
        do {
            try helpdesk?.validate()
        } catch HelpdeskError.invalid(let message) {
            throw CommandError("helpdesk: \(message)")
        }
        if let problem = intake?.problem() { throw CommandError(problem) }
        if let level = log?.level, Logger.Level(rawValue: level) == nil {
            throw CommandError("log.level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not \(level)")
        }
        do {
            try assets?.validate()
        } catch HelpdeskError.invalid(let message) {
            throw CommandError("assets: \(message)")
        }
    }
}
