#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Crypto

/// The collector's task-signing key (Ed25519), kept apart from its CA key: signing tasks and issuing
/// certificates are different powers, and either key can be replaced without the other.
public struct TaskSigner: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    public init(rawRepresentation: some ContiguousBytes) throws {
        key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
    }

    public static func generate() -> (signer: TaskSigner, rawRepresentation: [UInt8]) {
        let key = Curve25519.Signing.PrivateKey()
        return (TaskSigner(key: key), Array(key.rawRepresentation))
    }

    private init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    /// The public key agents pin, base64.
    public var publicKey: String { key.publicKey.rawRepresentation.base64EncodedString() }

    public func sign(_ envelope: TaskEnvelope) throws -> SignedTask {
        let payload = envelope.payload
        let signature = try key.signature(for: TaskVerifier.signedBytes(payload))
        return SignedTask(taskID: envelope.taskID, payload: Data(payload).base64EncodedString(), signature: signature.base64EncodedString())
    }
}

/// The agent's side: the pinned public key, and the checks a task passes before it runs.
public struct TaskVerifier: Sendable {
    private let key: Curve25519.Signing.PublicKey

    /// `publicKey`: base64 of the 32-byte Ed25519 key.
    public init(publicKey: String) throws(TaskRefusal) {
        guard let raw = Data(base64Encoded: publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw TaskRefusal(.noTaskKey, "the pinned task key is not an Ed25519 public key")
        }
        self.key = key
    }

    /// Domain separation: a signature over these bytes means nothing anywhere else.
    static func signedBytes(_ payload: [UInt8]) -> [UInt8] { Array("deskside-task-v1\n".utf8) + payload }

    /// The envelope, when `signed` carries a valid signature of the pinned key, is for `agentID`,
    /// and has not expired at `now`. Tasks live for hours, so an expiry has no grace; `clockTolerance`
    /// only lets a task issued by a collector whose clock is slightly ahead through.
    public func open(_ signed: SignedTask, agentID: String, now: Date, clockTolerance: TimeInterval = 300) throws(TaskRefusal) -> TaskEnvelope {
        guard let payload = Data(base64Encoded: signed.payload), let signature = Data(base64Encoded: signed.signature) else {
            throw TaskRefusal(.badSignature, "the task's payload or signature is not base64")
        }
        guard key.isValidSignature(signature, for: Self.signedBytes(Array(payload))) else {
            throw TaskRefusal(.badSignature, "the task is not signed by the collector's pinned task key")
        }
        let envelope = try TaskEnvelope(payload: Array(payload))
        guard envelope.taskID == signed.taskID else { throw TaskRefusal(.malformed, "the task's id does not match its signed id") }
        guard envelope.agentID == agentID else { throw TaskRefusal(.wrongAgent, "the task is for agent \(envelope.agentID), not this one") }
        guard now < envelope.expiresAt else {
            throw TaskRefusal(.expired, "the task expired at \(envelope.expiresAt)")
        }
        guard envelope.issuedAt.timeIntervalSince(now) <= clockTolerance else {
            throw TaskRefusal(.expired, "the task is issued in the future (\(envelope.issuedAt)); the clocks differ")
        }
        return envelope
    }
}
