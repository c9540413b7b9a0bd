#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAuthority
import DesksideJSON
import DesksideFiles
public import DesksideStoreSQLite
public import X509

/// The CA's rollover, in three steps that each take effect at the collector's next start:
///
/// 1. `prepare` makes the next CA (`ca/next.pem`, `ca/next-key.pem`). The collector trusts it for
///    agents' certificates beside the current one, and `welcome` announces it to every agent whose
///    `hello` does not list it; agents trust it from then on and list it.
/// 2. `activate`, once every agent lists it: the next CA becomes the current one (`ca/ca.pem`), the old
///    one is kept as retired (`ca/retired.pem`, still trusted for agents' certificates); the server
///    certificate is issued again by the new CA; every agent whose certificate the retired CA issued is
///    asked in `welcome` to renew, and gets one of the new CA.
/// 3. `finish`, once no agent holds a certificate of the retired CA: the retired CA is removed.
///
/// Each step is refused while it would strand agents, unless forced (a forced step leaves those
/// agents to be enrolled again).
extension CollectorHome {
    /// A file of the CA folder: `ca.pem` and `ca-key.pem` (current), `next*.pem`, `retired.pem`.
    static func caFile(_ directory: String, _ name: String) -> String { directory + "/ca/" + name }
    var nextCAPath: String { Self.caFile(directory, "next.pem") }
    var nextCAKeyPath: String { Self.caFile(directory, "next-key.pem") }
    var retiredCAPath: String { Self.caFile(directory, "retired.pem") }

    /// The next CA of a prepared rollover.
    public func nextAuthority() throws -> CertificateAuthority? {
        guard FileManager.default.fileExists(atPath: nextCAPath) else { return nil }
        return try Self.loadAuthority(certificatePath: nextCAPath, keyPath: nextCAKeyPath)
    }

    /// The CA an activated rollover moved away from, until it is finished.
    public func retiredCertificate() throws -> Certificate? {
        guard let bytes = DurableFile.read(retiredCAPath, limit: 1 << 20) else { return nil }
        do {
            return try Certificate(pemEncoded: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw HomeError(description: "the retired CA in \(retiredCAPath) is damaged (\(error))")
        }
    }

    /// Every CA whose certificates the collector accepts from agents (PEM, one after another): the
    /// current one, and the next or the retired one during a rollover.
    public func trustedCAsPEM() throws -> String {
        var pems = [try authority.certificatePEM()]
        if let next = try nextAuthority() { pems.append(try next.certificatePEM()) }
        if let retired = try retiredCertificate() { pems.append(try retired.serializeAsPEM().pemString) }
        return pems.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined()
    }

    public struct RolloverStatus: Sendable, Equatable {
        public enum Step: String, Sendable { case none, prepared, activated }
        public var step: Step
        public var current: String
        public var next: String?
        public var retired: String?
        public var progress: CollectorStore.RolloverProgress
    }

    public func rolloverStatus() throws -> RolloverStatus {
        let next = try nextAuthority()?.fingerprint
        let retired = try retiredCertificate().map(CertificateAuthority.fingerprint(of:))
        return RolloverStatus(step: next != nil ? .prepared : retired != nil ? .activated : .none, current: authority.fingerprint,
                              next: next, retired: retired,
                              progress: try store.rolloverProgress(currentCA: authority.fingerprint, nextCA: next))
    }

    /// Step 1: a new CA, announced to agents from the collector's next start.
    @discardableResult
    public func prepareRollover(now: Date = Date()) throws -> CertificateAuthority {
        let status = try rolloverStatus()
        guard status.step == .none else { throw HomeError(description: "a CA rollover is under way (\(status.step.rawValue)); finish it first") }
        let stamp = ISO8601.format(secondsSince1970: now.timeIntervalSince1970).prefix(10)
        let next = try CertificateAuthority.create(commonName: "Deskside collector CA \(stamp)", now: now)
        try Self.write(try next.privateKeyPEM(), to: nextCAKeyPath, mode: 0o600)
        try Self.write(try next.certificatePEM(), to: nextCAPath, mode: 0o644)
        return next
    }

    /// Step 2: the next CA becomes the current one. Refused while some agent does not trust it yet,
    /// unless `force`.
    public func activateRollover(force: Bool = false) throws {
        let status = try rolloverStatus()
        guard status.step == .prepared, let next = try nextAuthority() else {
            throw HomeError(description: "no CA rollover is prepared; run `ca rollover prepare` first")
        }
        let waiting = status.progress.agents - status.progress.trustingNext
        guard waiting == 0 || force else {
            throw HomeError(description: "\(waiting) of \(status.progress.agents) agents do not trust the next CA yet (they learn it at their next connection); "
                            + "activating now would cut them off until they are enrolled again (--force does it anyway)")
        }
        // The old CA's certificate is kept as retired (still trusted; its key signs nothing more and is
        // dropped) before anything is replaced; `finishActivation` redoes the rest after a crash, since
        // the next CA's files are removed last.
        try Self.write(try authority.certificatePEM(), to: retiredCAPath, mode: 0o644)
        try Self.finishActivation(directory: directory, next: next)
    }

    /// The current CA's files from the next CA's, then the next CA's files removed.
    static func finishActivation(directory: String, next: CertificateAuthority) throws {
        try write(try next.privateKeyPEM(), to: caFile(directory, "ca-key.pem"), mode: 0o600)
        try write(try next.certificatePEM(), to: caFile(directory, "ca.pem"), mode: 0o644)
        for name in ["next-key.pem", "next.pem"] { try? FileManager.default.removeItem(atPath: caFile(directory, name)) }
    }

    /// An activation a crash interrupted (the retired and the next CA both present), completed.
    static func completeInterruptedActivation(directory: String) throws {
        let (retired, next, nextKey) = (caFile(directory, "retired.pem"), caFile(directory, "next.pem"), caFile(directory, "next-key.pem"))
        guard FileManager.default.fileExists(atPath: retired), FileManager.default.fileExists(atPath: next) else { return }
        try finishActivation(directory: directory, next: try loadAuthority(certificatePath: next, keyPath: nextKey))
    }

    /// Step 3: the retired CA is no longer trusted. Refused while some agent holds a certificate it
    /// issued, unless `force`.
    public func finishRollover(force: Bool = false) throws {
        let status = try rolloverStatus()
        guard status.step == .activated else { throw HomeError(description: "no activated CA rollover to finish") }
        guard status.progress.onOtherCA == 0 || force else {
            throw HomeError(description: "\(status.progress.onOtherCA) of \(status.progress.agents) agents still hold a certificate of the retired CA "
                            + "(they renew at their next connection); finishing now would cut them off (--force does it anyway)")
        }
        try? FileManager.default.removeItem(atPath: retiredCAPath)
    }
}
