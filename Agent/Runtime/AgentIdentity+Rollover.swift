#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideInventory
import SwiftASN1
import X509

/// A CA rollover as the agent lives it: `welcome` announces the collector's next CA over the
/// authenticated session; the agent trusts it beside the pinned one (both in `ca.pem`) and says so in
/// every `hello` (`trustedCAs`), so that the collector knows when it may switch. The renewal that
/// follows the switch brings a certificate of the new CA, which is then the only one pinned.
extension AgentIdentity {
    /// The certificates in `ca.pem`.
    var trustedCertificates: [Certificate] {
        ((try? PEMDocument.parseMultiple(pemString: caPEM)) ?? []).compactMap { try? Certificate(pemDocument: $0) }
    }

    /// Fingerprints (`SHA256:…`) of the CAs this agent trusts for its collector.
    public var trustedCAFingerprints: [String] {
        trustedCertificates.map { certificate in
            var serializer = DER.Serializer()
            try? serializer.serialize(certificate)
            return Hex.certificateFingerprint(der: serializer.serializedBytes)
        }
    }

    /// This identity trusting `pem` as well, a CA certificate that `welcome` announced; `nil` when it
    /// is trusted already. Anything but a CA certificate in force is refused.
    public func trusting(nextCA pem: String, now: Date = Date()) throws -> AgentIdentity? {
        let next: Certificate
        do {
            next = try Certificate(pemEncoded: pem)
        } catch {
            throw RuntimeError("the collector's next CA is not a certificate: \(error)")
        }
        guard case .isCertificateAuthority = try next.extensions.basicConstraints, next.notValidAfter > now else {
            throw RuntimeError("the collector's next CA is not a CA certificate in force")
        }
        guard !trustedCertificates.contains(next) else { return nil }
        var trusting = self
        trusting.caPEM = caPEM.hasSuffix("\n") ? caPEM : caPEM + "\n"
        trusting.caPEM += try next.serializeAsPEM().pemString + "\n"
        return trusting
    }
}
