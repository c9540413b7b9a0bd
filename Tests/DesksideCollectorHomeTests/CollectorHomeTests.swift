import DesksideAuthority
import DesksideCollectorHome
import DesksideStore
import DesksideTestSupport
import Foundation
import Testing
import X509

/// The data directory on first and later starts (SECURITY-TESTS 4: secrets in owner-only files).
@Suite struct CollectorHomeTests {
    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }

    @Test func firstStartCreatesEverythingAndLaterStartsReuseIt() throws {
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
        #expect(try first.store.principal(secret: admin, now: Date())?.role.rawValue == "admin")
        #expect(try first.store.principal(secret: admin + "x", now: Date()) == nil)
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

    @Test func anUnwritableLocationIsAClearError() {
        #expect(throws: CollectorHome.HomeError.self) { _ = try CollectorHome.open(directory: "/proc/deskside-cannot-exist") }
    }
}
