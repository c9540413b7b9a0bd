import Crypto
import DesksideAuthority
import DesksideEnrollment
import DesksideStoreSQLite
import DesksideTestSupport
import Foundation
import Testing
import X509

/// Enrollment on a real SQLite store (SECURITY-TESTS 1, 2, 3): good tokens enroll; wrong, expired,
/// revoked and reused ones are refused alike and audited; floods from one address are limited.
@Suite struct EnrollmentServiceTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func setUp(attemptsPerMinute: Int = 10) throws -> (EnrollmentService, CollectorStore, String) {
        let directory = try Fixtures.temporaryDirectory()
        let store = try CollectorStore(path: directory + "/deskside.sqlite")
        return (EnrollmentService(store: store, authority: try CertificateAuthority.create(now: now), attemptsPerMinute: attemptsPerMinute), store, directory)
    }

    static func request() throws -> CertificateSigningRequest {
        try CertificateSigningRequest(version: .v1, subject: try DistinguishedName { CommonName("agent") },
                                      privateKey: Certificate.PrivateKey(P256.Signing.PrivateKey()), attributes: .init(),
                                      signatureAlgorithm: .ecdsaWithSHA256)
    }

    @Test func aGoodTokenEnrollsAndAOneTimeTokenWorksOnce() async throws {
        let (service, store, directory) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let token = try store.createEnrollmentToken(name: "laptops", reusable: false, expiresAt: Self.now + 3600, now: Self.now)
        #expect(token.secret.hasPrefix("dsk_") && token.secret.count == 68)
        let enrollment = try await service.enroll(tokenSecret: token.secret, request: try Self.request(), peerAddress: "10.0.0.5", now: Self.now)
        let certificate = try Certificate(pemEncoded: enrollment.certificatePEM)
        #expect(service.authority.issued(certificate))
        #expect(try store.agentState(uuid: enrollment.agentID) != nil)
        // The same one-time token again, as a replayed enrollment would use it.
        await #expect(throws: EnrollmentService.Refused.self) {
            _ = try await service.enroll(tokenSecret: token.secret, request: try Self.request(), peerAddress: "10.0.0.5", now: Self.now)
        }
        #expect(try store.enrollmentTokens().first?.useCount == 1)
        #expect(try store.auditLog().map(\.detail).contains("usedToken"))
        // The secret is not in the database (nor in its write-ahead log, where recent writes are), only its hash.
        for file in ["/deskside.sqlite", "/deskside.sqlite-wal"] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + file))
            #expect(bytes.range(of: Data(token.secret.utf8)) == nil, "\(file)")
        }
    }

    @Test func wrongExpiredAndRevokedTokensAreRefusedAlikeAndAudited() async throws {
        let (service, store, directory) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let expired = try store.createEnrollmentToken(name: "old", reusable: true, expiresAt: Self.now - 1, now: Self.now - 100)
        let revoked = try store.createEnrollmentToken(name: "gone", reusable: true, expiresAt: nil, now: Self.now)
        try store.revokeEnrollmentToken(id: revoked.id, now: Self.now)
        var messages: Set<String> = []
        for secret in ["dsk_wrong", expired.secret, revoked.secret] {
            do {
                _ = try await service.enroll(tokenSecret: secret, request: try Self.request(), peerAddress: "10.0.0.6", now: Self.now)
                Issue.record("enrolled with \(secret.prefix(8))")
            } catch {
                messages.insert("\(error)")
            }
        }
        #expect(messages == ["enrollment refused"])
        let details = try store.auditLog().filter { $0.outcome == "refused" }.map(\.detail)
        #expect(details == ["unknownToken", "expiredToken", "revokedToken"])
        #expect(try store.auditLog().allSatisfy { !$0.detail.contains("dsk_") })
    }

    @Test func aReusableTokenEnrollsMany() async throws {
        let (service, store, directory) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let token = try store.createEnrollmentToken(name: "fleet", reusable: true, expiresAt: nil, now: Self.now)
        for i in 0..<3 {
            _ = try await service.enroll(tokenSecret: token.secret, request: try Self.request(), peerAddress: "10.0.1.\(i)", now: Self.now)
        }
        #expect(try store.enrollmentTokens().first?.useCount == 3)
    }

    /// A flood from one address is limited; another address still enrolls.
    @Test func enrollmentFloodsAreRateLimitedPerAddress() async throws {
        let (service, store, directory) = try Self.setUp(attemptsPerMinute: 5)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let token = try store.createEnrollmentToken(name: "fleet", reusable: true, expiresAt: nil, now: Self.now)
        var refused = 0
        for _ in 0..<100 {
            do { _ = try await service.enroll(tokenSecret: "dsk_guess", request: try Self.request(), peerAddress: "203.0.113.9", now: Self.now) } catch { refused += 1 }
        }
        #expect(refused == 100)
        #expect(try store.auditLog().filter { $0.detail == "rate limited" }.count == 95)
        _ = try await service.enroll(tokenSecret: token.secret, request: try Self.request(), peerAddress: "10.0.0.7", now: Self.now)
        // A minute later the flooding address may try again.
        await #expect(throws: Never.self) {
            _ = try await service.enroll(tokenSecret: token.secret, request: try Self.request(), peerAddress: "203.0.113.9", now: Self.now + 60)
        }
    }
}
