#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideConsole
import DesksideDelivery
import DesksideDesk
import DesksideFiles
import DesksideMail
import DesksideNotifications
import DesksideTransport
import NIOSSL

/// The `notifications` section of the config file: the console's address for links in mails, mail
/// out (an SMTP relay), mail in (a listener the company's mail server forwards to), webhooks' allowed
/// networks, and the HR system's onboarding hook. Secrets come from files, never from the config or
/// the command line.
///
/// ```json
/// "notifications": {
///   "consoleURL": "https://desk.example.com",
///   "mail": {"host": "smtp.example.com", "port": 587, "security": "startTLS", "username": "desk",
///            "passwordFile": "/etc/deskside/smtp-password", "from": "helpdesk@example.com", "fromName": "IT help desk",
///            "maxPerMinute": 1200},
///   "mailIn": {"listen": "0.0.0.0:2525", "addresses": ["helpdesk@example.com"], "createRequesters": false},
///   "webhooks": {"allowedNetworks": ["10.0.0.0/8"]},
///   "onboardingHookSecretFile": "/etc/deskside/hr-hook-secret"
/// }
/// ```
struct NotificationConfiguration: Codable, Sendable {
    struct MailOut: Codable, Sendable {
        var host: String
        var port: Int?
        /// `startTLS` (the default), `tls` (implicit, port 465) or `none` (loopback only).
        var security: SMTPSettings.Security?
        var username: String?
        var passwordFile: String?
        var from: String
        var fromName: String?
        /// PEM certificates to trust for the relay instead of the system's.
        var caFile: String?
        /// At most this many mails a minute (default 1,200; a relay's own limit, if lower).
        var maxPerMinute: Int?
    }

    struct MailIn: Codable, Sendable {
        var listen: String
        var addresses: [String]
        var createRequesters: Bool?
        var requireEnvelopeMatch: Bool?
        var maxMessageBytes: Int?
        var maxAttachmentBytes: Int?
    }

    struct Webhooks: Codable, Sendable {
        /// Networks webhooks may reach; default: all but loopback, link-local, unspecified and multicast.
        var allowedNetworks: [String]?
        var caFile: String?
        /// At most this many webhook posts a minute (default 1,200).
        var maxPerMinute: Int?
    }

    var consoleURL: String?
    /// The waits between attempts, in seconds (default 60, 300, 900, 1800, 3600: six attempts over
    /// 1 h 51 min); shorter lists make tests quick.
    var retryDelaysSeconds: [Int]?
    var mail: MailOut?
    var mailIn: MailIn?
    var webhooks: Webhooks?
    var onboardingHookSecretFile: String?

    func mailDelivery(clientName: String) throws -> MailDelivery? {
        guard let mail else { return nil }
        guard let from = MailAddress(mail.from) else { throw CommandError("notifications.mail.from: \(mail.from) is not an address") }
        let security = mail.security ?? .startTLS
        let password = try mail.passwordFile.map { try Self.secret($0, "notifications.mail.passwordFile") }
        if mail.username != nil, password == nil { throw CommandError("notifications.mail: a username needs a passwordFile") }
        let settings = SMTPSettings(host: mail.host, port: mail.port ?? (security == .tls ? 465 : 587), security: security, username: mail.username,
                                    password: password, clientName: clientName, trustRoots: try mail.caFile.map { try Self.certificates($0) })
        return MailDelivery(smtp: settings, from: from, fromName: mail.fromName ?? "Deskside help desk", composer: try ConsoleMail(baseURL: consoleURL))
    }

    func webhookClient(ownPorts: ListeningPorts) throws -> WebhookClient {
        let allowList: NetworkAllowList
        do {
            allowList = try NetworkAllowList(webhooks?.allowedNetworks)
        } catch {
            throw CommandError("notifications.webhooks.allowedNetworks: \(error)")
        }
        return WebhookClient(allowList: allowList, ownPorts: ownPorts, trustRoots: try webhooks?.caFile.map { try Self.certificates($0) })
    }

    func mailIntake() throws -> (SMTPServerSettings, Desk.MailIntakeSettings)? {
        guard let mailIn else { return nil }
        let endpoint: Endpoint
        do { endpoint = try Endpoint(parsing: mailIn.listen) } catch { throw CommandError("notifications.mailIn.listen: \(error)") }
        let addresses = try mailIn.addresses.map { text in
            guard let address = MailAddress(text) else { throw CommandError("notifications.mailIn.addresses: \(text) is not an address") }
            return address
        }
        guard !addresses.isEmpty else { throw CommandError("notifications.mailIn.addresses: name the help desk's address") }
        var server = SMTPServerSettings(host: endpoint.host, port: endpoint.port, addresses: addresses, serverName: ServeCommand.hostname() ?? "deskside")
        if let size = mailIn.maxMessageBytes {
            guard (1024...(100 << 20)).contains(size) else { throw CommandError("notifications.mailIn.maxMessageBytes must be from 1,024 to 104,857,600") }
            server.maxMessageBytes = size
        }
        var intake = Desk.MailIntakeSettings()
        intake.createRequesters = mailIn.createRequesters ?? false
        intake.requireEnvelopeMatch = mailIn.requireEnvelopeMatch ?? true
        if let cap = mailIn.maxAttachmentBytes { intake.limits.maxAttachmentBytes = max(0, cap) }
        return (server, intake)
    }

    func deliveryRates() throws -> OutboxWorker.Rates {
        func rate(_ perMinute: Int?, _ name: String) throws -> DeliveryRate {
            guard let perMinute else { return DeliveryRate() }
            guard (1...60_000).contains(perMinute) else { throw CommandError("notifications.\(name).maxPerMinute: from 1 to 60,000") }
            return DeliveryRate(perMinute: perMinute)
        }
        return OutboxWorker.Rates(mail: try rate(mail?.maxPerMinute, "mail"), webhooks: try rate(webhooks?.maxPerMinute, "webhooks"))
    }

    func retryPolicy() throws -> RetryPolicy {
        guard let delays = retryDelaysSeconds else { return .standard }
        guard (1...20).contains(delays.count), delays.allSatisfy({ (1...86_400).contains($0) }) else {
            throw CommandError("notifications.retryDelaysSeconds: 1 to 20 waits of 1 to 86,400 seconds")
        }
        return RetryPolicy(delays: delays.map(Double.init))
    }

    func onboardingHookSecret() throws -> String? {
        try onboardingHookSecretFile.map { try Self.secret($0, "notifications.onboardingHookSecretFile") }
    }

    static func secret(_ path: String, _ name: String) throws -> String {
        guard let bytes = DurableFile.read(path, limit: 4096) else { throw CommandError("\(name): cannot read \(path)") }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw CommandError("\(name): \(path) is empty") }
        return text
    }

    static func certificates(_ path: String) throws -> [NIOSSLCertificate] {
        do {
            return try NIOSSLCertificate.fromPEMBytes(ServeCommand.read(path))
        } catch {
            throw CommandError("cannot read the certificates in \(path): \(error)")
        }
    }
}
