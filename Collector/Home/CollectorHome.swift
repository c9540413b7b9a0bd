#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideAuthority
import DesksideFiles
import DesksideHelpdesk
import DesksideStore
import X509

/// The collector's data directory. The first start creates it (mode 0700) with the database, the
/// certificate authority, the server certificate, a reusable enrollment token and an admin API token;
/// later starts reuse all of it. Secrets go to files readable only by their owner, never to the log or
/// a command line; the database keeps only their hashes.
///
/// ```
/// DIR/deskside.sqlite
/// DIR/ca/ca.pem, DIR/ca/ca-key.pem            the CA (key 0600)
/// DIR/tls/server.pem, DIR/tls/server-key.pem  the collector's TLS identity (key 0600)
/// DIR/secrets/enrollment-token, admin-token, admin-password   first-start secrets (0600)
/// ```
public struct CollectorHome: Sendable {
    public let directory: String
    public let store: CollectorStore
    public let authority: CertificateAuthority
    /// True when this open created the directory's contents.
    public let created: Bool

    public var databasePath: String { directory + "/deskside.sqlite" }
    public var serverCertificatePath: String { directory + "/tls/server.pem" }
    public var serverKeyPath: String { directory + "/tls/server-key.pem" }
    public var enrollmentTokenPath: String { directory + "/secrets/enrollment-token" }
    public var adminTokenPath: String { directory + "/secrets/admin-token" }
    /// The first admin account's password (the account is `admin`), written when that account is made.
    public var adminPasswordPath: String { directory + "/secrets/admin-password" }

    public struct HomeError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Opens `directory`, creating what is missing. `serverNames` and `serverAddresses` go into the
    /// server certificate when it is first made.
    public static func open(directory: String, serverNames: [String] = ["localhost"], serverAddresses: [String] = ["127.0.0.1", "::1"],
                            helpdesk: HelpdeskSettings = HelpdeskSettings(), now: Date = Date()) throws -> CollectorHome {
        // Parents as `mkdir -p` makes them; the data directory and its folders owner-only.
        do {
            for path in [directory, directory + "/ca", directory + "/tls", directory + "/secrets"] { try DurableFile.makeDirectory(path) }
        } catch {
            throw HomeError(description: "\(error)")
        }
        let store = try CollectorStore(path: directory + "/deskside.sqlite", helpdesk: helpdesk)
        let caPath = directory + "/ca/ca.pem"
        let caKeyPath = directory + "/ca/ca-key.pem"
        let authority: CertificateAuthority
        var created = false
        if let certificate = try? String(contentsOfFile: caPath, encoding: .utf8), let key = try? String(contentsOfFile: caKeyPath, encoding: .utf8) {
            authority = try CertificateAuthority(certificatePEM: certificate, privateKeyPEM: key)
        } else {
            authority = try CertificateAuthority.create(now: now)
            try write(try authority.privateKeyPEM(), to: caKeyPath, mode: 0o600)
            try write(try authority.certificatePEM(), to: caPath, mode: 0o644)
            created = true
        }
        let home = CollectorHome(directory: directory, store: store, authority: authority, created: created)
        if !FileManager.default.fileExists(atPath: home.serverCertificatePath) || !FileManager.default.fileExists(atPath: home.serverKeyPath) {
            let server = try authority.issueServerCertificate(hostnames: serverNames, addresses: serverAddresses, now: now)
            try write(try server.privateKey.serializeAsPEM().pemString, to: home.serverKeyPath, mode: 0o600)
            try write(try server.certificate.serializeAsPEM().pemString, to: home.serverCertificatePath, mode: 0o644)
        }
        if created {
            let enrollment = try store.createEnrollmentToken(name: "first start", reusable: true, expiresAt: nil, now: now)
            try write(enrollment.secret + "\n", to: home.enrollmentTokenPath, mode: 0o600)
            let admin = try store.createAPIToken(name: "first admin", role: "admin", now: now)
            try write(admin.secret + "\n", to: home.adminTokenPath, mode: 0o600)
        }
        return home
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
