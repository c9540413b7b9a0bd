#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAuthority
import DesksideHelpdesk
public import DesksideStoreSQLite
public import X509

/// Enrolls agents: a token and a certificate signing request in, a client certificate out. Every
/// refusal looks the same to the caller ("enrollment refused"), whatever the reason, so that a guesser
/// learns nothing; the reason goes to the audit log. Attempts are rate limited per peer address.
public actor EnrollmentService {
    public nonisolated let store: CollectorStore
    public nonisolated let authority: CertificateAuthority
    private var limiter: RateLimiter

    /// The one error an enrolling agent sees.
    public struct Refused: Error, Equatable, CustomStringConvertible {
        public let code = "ENROLLMENT_REFUSED"
        public var description: String { "enrollment refused" }
        public init() {}
    }

    /// What an enrolled agent receives.
    public struct Enrollment: Sendable {
        public var agentID: String
        public var certificatePEM: String
        public var caCertificatePEM: String
    }

    /// - Parameter attemptsPerMinute: per peer address; a burst of that many is allowed.
    public init(store: CollectorStore, authority: CertificateAuthority, attemptsPerMinute: Int = 10) {
        self.store = store
        self.authority = authority
        limiter = RateLimiter(capacity: Double(attemptsPerMinute), refillPerSecond: Double(attemptsPerMinute) / 60)
    }

    public func enroll(tokenSecret: String, request: CertificateSigningRequest, peerAddress: String, now: Date = Date()) throws(Refused) -> Enrollment {
        try admit(peerAddress, now: now)
        return try issue(tokenSecret: tokenSecret, request: request, peerAddress: peerAddress, now: now)
    }

    /// The same, with the signing request as the agent sent it (PEM); an unreadable one is refused
    /// like any other, after the rate limit.
    public func enroll(tokenSecret: String, csrPEM: String, peerAddress: String, now: Date = Date()) throws(Refused) -> Enrollment {
        try admit(peerAddress, now: now)
        guard let request = try? CertificateSigningRequest(pemEncoded: csrPEM) else {
            try? store.audit(actor: peerAddress, action: "enroll", allowed: false, detail: "unreadable signing request", at: now)
            throw Refused()
        }
        return try issue(tokenSecret: tokenSecret, request: request, peerAddress: peerAddress, now: now)
    }

    /// A new certificate for an enrolled agent over its authenticated session: the request must be
    /// signed by its key; the agent id stays. `nil` (and an audit line) when the request is unusable.
    public func renew(agentID: String, csrPEM: String, presentedFingerprint: String, now: Date = Date()) -> Enrollment? {
        do {
            let request = try CertificateSigningRequest(pemEncoded: csrPEM)
            let certificate = try authority.signAgentRequest(request, agentID: agentID, now: now)
            try store.renewAgentCertificate(uuid: agentID, presentedFingerprint: presentedFingerprint,
                                            newFingerprint: CertificateAuthority.fingerprint(of: certificate), issuer: issuer, at: now)
            return Enrollment(agentID: agentID, certificatePEM: try certificate.serializeAsPEM().pemString,
                              caCertificatePEM: try authority.certificatePEM())
        } catch {
            try? store.audit(actor: "agent:" + agentID, action: "renew certificate", allowed: false, detail: "\(error)", at: now)
            return nil
        }
    }

    /// The issuing CA as the store records it (for a CA rollover's progress).
    private nonisolated var issuer: String { authority.fingerprint.lowercased() }

    /// Whether the current CA issued this certificate (DER); one of a CA being rolled away from is not.
    public nonisolated func issuedByCurrentCA(der: [UInt8]) -> Bool {
        guard let certificate = try? Certificate(derEncoded: der) else { return false }
        return authority.issued(certificate)
    }

    /// The per-address rate limit.
    private func admit(_ peerAddress: String, now: Date) throws(Refused) {
        guard limiter.allow(peerAddress, now: now) else {
            try? store.audit(actor: peerAddress, action: "enroll", allowed: false, detail: "rate limited", at: now)
            throw Refused()
        }
    }

    private func issue(tokenSecret: String, request: CertificateSigningRequest, peerAddress: String, now: Date) throws(Refused) -> Enrollment {
        let agentID = UUID().uuidString.lowercased()
        do {
            let certificate = try authority.signAgentRequest(request, agentID: agentID, now: now)
            if let refusal = try store.enrollAgent(tokenSecret: tokenSecret, uuid: agentID,
                                                   certificateFingerprint: CertificateAuthority.fingerprint(of: certificate), issuer: issuer, now: now) {
                try? store.audit(actor: peerAddress, action: "enroll", allowed: false, detail: refusal.rawValue, at: now)
                throw Refused()
            }
            try? store.audit(actor: peerAddress, action: "enroll", allowed: true, detail: "agent \(agentID)", at: now)
            return Enrollment(agentID: agentID, certificatePEM: try certificate.serializeAsPEM().pemString,
                              caCertificatePEM: try authority.certificatePEM())
        } catch let refused as Refused {
            throw refused
        } catch {
            try? store.audit(actor: peerAddress, action: "enroll", allowed: false, detail: "invalid request", at: now)
            throw Refused()
        }
    }
}
