import DesksideAuthority
import DesksideCollectorHome
import DesksideStoreSQLite
import DesksideTestSupport
import Foundation
import Testing
import X509

/// The data directory on first and later starts (SECURITY-TESTS 4: secrets in owner-only files).
@Suite struct CollectorHomeTests {
    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }

    @Test func firstStartCreatesEverythingAndLaterStartsReuseIt() async throws {
        let parent = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let directory = parent + "/missing/parents/data"
        let first = try CollectorHome.open(directory: directory)
        #expect(first.created)
        #expect(try Self.mode(directory) == 0o700)
        for secret in [first.enrollmentTokenPath, first.adminTokenPath, first.serverKeyPath, directory + "/ca/ca-key.pem"] {
            #expect(try Self.mode(secret) == 0o600, "\(secret)")
        }
        let admin = try String(contentsOfFile: first.adminTokenPath, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(try await first.store.accounts.principal(secret: admin, now: Date())?.role.rawValue == "admin")
        #expect(try await first.store.accounts.principal(secret: admin + "x", now: Date()) == nil)
        let enrollment = try String(contentsOfFile: first.enrollmentTokenPath, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(try first.store.enrollmentTokens().count == 1)
        #expect(enrollment.hasPrefix("dsk_"))

        let second = try CollectorHome.open(directory: directory)
        #expect(!second.created)
        #expect(second.authority.fingerprint == first.authority.fingerprint)
        #expect(try second.store.enrollmentTokens().count == 1)
        #expect(try String(contentsOfFile: second.adminTokenPath, encoding: .utf8).trimmingCharacters(in: .newlines) == admin)
        // The server certificate was issued by this CA.
        let server = try Certificate(pemEncoded: try String(contentsOfFile: second.serverCertificatePath, encoding: .utf8))
        #expect(second.authority.issued(server))
        #expect(try Self.mode(second.serverCertificatePath) == 0o644)
    }

    /// SECURITY-TESTS 46: a CA file missing or damaged in a data directory that had one stops the
    /// collector with a clear error; a new CA (which would orphan every enrolled agent) is never made.
    @Test func aMissingOrDamagedCAIsRefusedNotReplaced() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try CollectorHome.open(directory: directory)
        let key = directory + "/ca/ca-key.pem"
        try FileManager.default.moveItem(atPath: key, toPath: key + ".away")
        #expect { _ = try CollectorHome.open(directory: directory) } throws: { error in
            "\(error)".contains("ca-key.pem is missing") && "\(error)".contains("restore")
        }
        #expect(!FileManager.default.fileExists(atPath: key), "no new CA key was made")
        try Data("-----BEGIN EC PRIVATE KEY-----\ngarbage\n-----END EC PRIVATE KEY-----\n".utf8).write(to: URL(fileURLWithPath: key))
        #expect { _ = try CollectorHome.open(directory: directory) } throws: { "\($0)".contains("is damaged") }
        try FileManager.default.removeItem(atPath: key)
        try FileManager.default.moveItem(atPath: key + ".away", toPath: key)
        #expect(try CollectorHome.open(directory: directory).authority.fingerprint == first.authority.fingerprint)
    }

    /// A CA rollover's activation that a crash cut short (the old CA kept as retired and the current
    /// key already replaced, the certificate not) is completed at the next start, never loaded half done.
    @Test func anInterruptedRolloverActivationIsCompletedAtStart() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let home = try CollectorHome.open(directory: directory)
        let next = try home.prepareRollover()
        #expect(try CollectorHome.open(directory: directory).trustedCAsPEM().components(separatedBy: "BEGIN CERTIFICATE").count == 3)
        // What activateRollover writes first, and one of the two files after it.
        try FileManager.default.copyItem(atPath: directory + "/ca/ca.pem", toPath: directory + "/ca/retired.pem")
        try FileManager.default.removeItem(atPath: directory + "/ca/ca-key.pem")
        try FileManager.default.copyItem(atPath: directory + "/ca/next-key.pem", toPath: directory + "/ca/ca-key.pem")
        let reopened = try CollectorHome.open(directory: directory)
        #expect(reopened.authority.fingerprint == next.fingerprint)
        #expect(!FileManager.default.fileExists(atPath: directory + "/ca/next.pem"))
        let status = try reopened.rolloverStatus()
        #expect(status.step == .activated && status.retired == home.authority.fingerprint)
        // The server certificate now comes from the new CA; agents' certificates of both are accepted.
        let server = try Certificate(pemEncoded: try String(contentsOfFile: reopened.serverCertificatePath, encoding: .utf8))
        #expect(reopened.authority.issued(server))
        #expect(try reopened.trustedCAsPEM().components(separatedBy: "BEGIN CERTIFICATE").count == 3)
    }

    /// The server certificate is renewed at start within 30 days of its expiry (new key, same CA), and
    /// kept otherwise; everything the CA issues is valid from a day back, for clocks that lag.
    @Test func theServerCertificateIsRenewedNearItsExpiry() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let start = Date()
        let home = try CollectorHome.open(directory: directory, now: start)
        func server() throws -> Certificate { try Certificate(pemEncoded: try String(contentsOfFile: home.serverCertificatePath, encoding: .utf8)) }
        let original = try server()
        #expect(original.notValidBefore <= start.addingTimeInterval(-86_000))
        _ = try CollectorHome.open(directory: directory, now: start.addingTimeInterval(300 * 86400))
        #expect(try server() == original)
        let later = start.addingTimeInterval(340 * 86400)
        _ = try CollectorHome.open(directory: directory, now: later)
        let renewed = try server()
        #expect(renewed != original && renewed.publicKey != original.publicKey)
        #expect(renewed.notValidAfter > later.addingTimeInterval(300 * 86400))
        #expect(home.authority.issued(renewed))
    }

    @Test func anUnwritableLocationIsAClearError() {
        #expect(throws: CollectorHome.HomeError.self) { _ = try CollectorHome.open(directory: "/proc/deskside-cannot-exist") }
    }
}

/// The data directory in one file and back: the same CA, keys and secrets with their modes, the same
/// database; a backup that names a file outside the directory restores nothing.
@Suite struct CollectorHomeBackupTests {
    @Test func aBackupRestoresTheWholeDirectory() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let home = try CollectorHome.open(directory: directory + "/data")
        try CollectorHome.backup(directory: home.directory, to: directory + "/backup")
        let count = try CollectorHome.restore(from: directory + "/backup", to: directory + "/restored")
        #expect(count >= 7)
        for file in ["ca/ca.pem", "ca/ca-key.pem", "tls/server.pem", "tls/server-key.pem", "secrets/admin-token", "secrets/enrollment-token", "tasks/signing-key"] {
            let original = directory + "/data/" + file, copy = directory + "/restored/" + file
            #expect(FileManager.default.contents(atPath: original) == FileManager.default.contents(atPath: copy), "\(file)")
            let modes = try [original, copy].map { try FileManager.default.attributesOfItem(atPath: $0)[.posixPermissions] as? Int }
            #expect(modes[0] == modes[1], "\(file)")
        }
        let reopened = try CollectorHome.open(directory: directory + "/restored")
        #expect(reopened.authority.fingerprint == home.authority.fingerprint && !reopened.created)
        #expect(throws: CollectorHome.HomeError.self) { _ = try CollectorHome.restore(from: directory + "/backup", to: directory + "/restored") }
    }

    @Test func aBackupNamingAFileOutsideTheDirectoryRestoresNothing() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CollectorStore(path: directory + "/source.sqlite")
        try store.backup(to: directory + "/crafted", files: [CollectorStore.BackupFile(path: "ca/ca.pem", mode: 0o644, bytes: [1]),
                                                            CollectorStore.BackupFile(path: "../escaped", mode: 0o644, bytes: [1])])
        #expect(throws: CollectorHome.HomeError.self) { _ = try CollectorHome.restore(from: directory + "/crafted", to: directory + "/target") }
        #expect(!FileManager.default.fileExists(atPath: directory + "/escaped"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/target/ca/ca.pem"))
    }
}
