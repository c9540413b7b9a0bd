#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAuthority
import DesksideFiles
public import DesksideAssets
public import DesksideHelpdesk
public import DesksideStoreSQLite
public import DesksideTasks
import X509

/// The collector's data directory. The first start creates it (mode 0700) with the database, the
/// certificate authority, the server certificate, a reusable enrollment token and an admin API token;
/// later starts reuse all of it. Secrets go to files readable only by their owner, never to the log or
/// a command line; the database keeps only their hashes.
///
/// ```
/// DIR/deskside.sqlite
/// DIR/ca/ca.pem, DIR/ca/ca-key.pem            the CA (key 0600)
/// DIR/ca/next*.pem, DIR/ca/retired*.pem       during a CA rollover (CollectorHome+Rollover)
/// DIR/tls/server.pem, DIR/tls/server-key.pem  the collector's TLS identity (key 0600)
/// DIR/secrets/enrollment-token, admin-token, admin-password   first-start secrets (0600)
/// DIR/tasks/signing-key                       the task-signing key (Ed25519, base64, 0600), apart from the CA
/// ```
public struct CollectorHome: Sendable {
    public let directory: String
    public let store: CollectorStore
    public let authority: CertificateAuthority
    /// Signs every task; agents pin its public key.
    public let taskSigner: TaskSigner
    /// True when this open created the directory's contents.
    public let created: Bool

    public var databasePath: String { directory + "/deskside.sqlite" }
    public var serverCertificatePath: String { directory + "/tls/server.pem" }
    public var serverKeyPath: String { directory + "/tls/server-key.pem" }
    public var enrollmentTokenPath: String { directory + "/secrets/enrollment-token" }
    public var adminTokenPath: String { directory + "/secrets/admin-token" }
    /// The first admin account's password (the account is `admin`), written when that account is made.
    public var adminPasswordPath: String { directory + "/secrets/admin-password" }
    public var taskKeyPath: String { directory + "/tasks/signing-key" }

    public struct HomeError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Opens `directory`: an empty one gets a new CA, database and first secrets; an existing one must
    /// have its CA (a missing or damaged CA file is an error, never a new CA). The server certificate,
    /// for `serverNames` and `serverAddresses`, is made when missing and renewed when it nears expiry.
    public static func open(directory: String, serverNames: [String] = ["localhost"], serverAddresses: [String] = ["127.0.0.1", "::1"],
                            helpdesk: HelpdeskSettings = HelpdeskSettings(), register: RegisterSettings = RegisterSettings(),
                            durability: CollectorStore.Durability = .full,
                            now: Date = Date()) throws -> CollectorHome {
        // Parents as `mkdir -p` makes them; the data directory and its folders owner-only.
        do {
            for path in [directory, directory + "/ca", directory + "/tls", directory + "/secrets", directory + "/tasks"] { try DurableFile.makeDirectory(path) }
        } catch {
            throw HomeError(description: "\(error)")
        }
        let caPath = directory + "/ca/ca.pem"
        let caKeyPath = directory + "/ca/ca-key.pem"
        // A new CA only for an empty data directory: one made beside an existing database would orphan
        // every enrolled agent (their certificates come from the old one) without a word.
        let fresh = ![directory + "/deskside.sqlite", caPath, caKeyPath].contains { FileManager.default.fileExists(atPath: $0) }
        let authority: CertificateAuthority
        if fresh {
            authority = try CertificateAuthority.create(now: now)
            try write(try authority.privateKeyPEM(), to: caKeyPath, mode: 0o600)
            try write(try authority.certificatePEM(), to: caPath, mode: 0o644)
        } else {
            try completeInterruptedActivation(directory: directory)
            authority = try loadAuthority(certificatePath: caPath, keyPath: caKeyPath)
        }
        let store = try CollectorStore(path: directory + "/deskside.sqlite", helpdesk: helpdesk, register: register, durability: durability)
        let home = CollectorHome(directory: directory, store: store, authority: authority, taskSigner: try taskSigner(directory: directory), created: fresh)
        try home.renewServerCertificateIfDue(serverNames: serverNames, serverAddresses: serverAddresses, now: now)
        if fresh {
            let enrollment = try store.createEnrollmentToken(name: "first start", reusable: true, expiresAt: nil, now: now)
            try write(enrollment.secret + "\n", to: home.enrollmentTokenPath, mode: 0o600)
            let admin = try store.accounts.blocking.createAPIToken(name: "first admin", role: .admin, now: now)
            try write(admin.token + "\n", to: home.adminTokenPath, mode: 0o600)
        }
        return home
    }

    /// The CA of an existing data directory, or an error that says what is wrong and what to do.
    static func loadAuthority(certificatePath: String, keyPath: String) throws -> CertificateAuthority {
        let advice = "restore the data directory's ca/ folder from a backup; a new CA is made only in an empty data directory, since it would orphan every enrolled agent"
        var texts: [String] = []
        for path in [certificatePath, keyPath] {
            guard let bytes = DurableFile.read(path, limit: 1 << 20) else {
                throw HomeError(description: "the collector's CA file \(path) is missing or unreadable: \(advice)")
            }
            texts.append(String(decoding: bytes, as: UTF8.self))
        }
        do {
            return try CertificateAuthority(certificatePEM: texts[0], privateKeyPEM: texts[1])
        } catch {
            throw HomeError(description: "the collector's CA in \(certificatePath) and \(keyPath) is damaged (\(error)): \(advice)")
        }
    }

    /// The task-signing key, made when there is none. Unlike the CA, a lost key can be replaced at
    /// once: agents that pinned the old one refuse new tasks (NO_TASK_KEY or BAD_SIGNATURE, visible on
    /// each task) until they are enrolled again; nothing else breaks.
    static func taskSigner(directory: String) throws -> TaskSigner {
        let path = directory + "/tasks/signing-key"
        if let bytes = DurableFile.read(path, limit: 4096) {
            let text = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            guard let raw = Data(base64Encoded: text), let signer = try? TaskSigner(rawRepresentation: raw) else {
                throw HomeError(description: "the task-signing key \(path) is damaged: restore it from a backup, or remove it to make a new one (agents must then be enrolled again to run tasks)")
            }
            return signer
        }
        let (signer, raw) = TaskSigner.generate()
        try write(Data(raw).base64EncodedString() + "\n", to: path, mode: 0o600)
        return signer
    }

    /// Days before its expiry when the server certificate is renewed at start.
    public static let serverRenewalDays = 30

    /// Issues a new server certificate (new key, the given names) when there is none, when it was not
    /// issued by this CA, or when it expires within ``serverRenewalDays`` days. Agents check only the CA
    /// and the name, so they accept the new one at their next connection.
    func renewServerCertificateIfDue(serverNames: [String], serverAddresses: [String], now: Date) throws {
        if let pem = DurableFile.read(serverCertificatePath, limit: 1 << 20), DurableFile.read(serverKeyPath, limit: 1 << 20) != nil,
           let current = try? Certificate(pemEncoded: String(decoding: pem, as: UTF8.self)), authority.issued(current),
           current.notValidAfter.timeIntervalSince(now) > Double(Self.serverRenewalDays) * 86400 {
            return
        }
        let server = try authority.issueServerCertificate(hostnames: serverNames, addresses: serverAddresses, now: now)
        try Self.write(try server.privateKey.serializeAsPEM().pemString, to: serverKeyPath, mode: 0o600)
        try Self.write(try server.certificate.serializeAsPEM().pemString, to: serverCertificatePath, mode: 0o644)
    }

    /// Writes a secret to an owner-only file under `DIR/secrets`.
    public func writeSecret(_ text: String, to path: String) throws {
        try Self.write(text + "\n", to: path, mode: 0o600)
    }

    /// Writes a file with `mode` from its creation (no window where a secret is world-readable).
    static func write(_ text: String, to path: String, mode: mode_t) throws {
        do {
            try DurableFile.write(Array(text.utf8), to: path, mode: mode)
        } catch {
            throw HomeError(description: "\(error)")
        }
    }
}
