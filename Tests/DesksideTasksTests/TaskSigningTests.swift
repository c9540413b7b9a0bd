#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideTasks
import Testing

/// The envelope's checks on the agent's side (SECURITY-TESTS 29, 31).
@Suite struct TaskSigningTests {
    let signer = TaskSigner.generate().signer
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func envelope(agent: String = "agent-a", expires: TimeInterval = 3600) -> TaskEnvelope {
        TaskEnvelope(taskID: "task-1", agentID: agent, spec: .packagesInstall(PackageList(packages: ["htop"])),
                     issuedAt: now, expiresAt: now.addingTimeInterval(expires), nonce: "n-1", timeoutSeconds: 120)
    }

    func refusal(_ signed: SignedTask, verifier: TaskVerifier? = nil, agent: String = "agent-a", at time: Date? = nil) -> TaskRefusal.Code? {
        let verifier = verifier ?? (try! TaskVerifier(publicKey: signer.publicKey))
        do {
            _ = try verifier.open(signed, agentID: agent, now: time ?? now)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func roundTrip() throws {
        let signed = try signer.sign(envelope())
        let opened = try TaskVerifier(publicKey: signer.publicKey).open(signed, agentID: "agent-a", now: now)
        #expect(opened == envelope())
    }

    @Test func refusesAnotherKeysSignature() throws {
        let (other, _) = TaskSigner.generate()
        #expect(refusal(try other.sign(envelope())) == .badSignature)
    }

    @Test func refusesAChangedPayload() throws {
        var signed = try signer.sign(envelope())
        let text = String(decoding: Data(base64Encoded: signed.payload)!, as: UTF8.self)
        signed.payload = Data(text.split(separator: "htop", omittingEmptySubsequences: false).joined(separator: "nmap").utf8).base64EncodedString()
        #expect(refusal(signed) == .badSignature)
    }

    @Test func refusesAMissingSignature() throws {
        var signed = try signer.sign(envelope())
        signed.signature = ""
        #expect(refusal(signed) == .badSignature)
    }

    @Test func refusesATaskForAnotherAgent() throws {
        #expect(refusal(try signer.sign(envelope(agent: "agent-b"))) == .wrongAgent)
    }

    @Test func refusesAnExpiredTask() throws {
        let signed = try signer.sign(envelope(expires: 60))
        #expect(refusal(signed, at: now.addingTimeInterval(59)) == nil)
        #expect(refusal(signed, at: now.addingTimeInterval(61)) == .expired)
    }

    @Test func refusesAnOuterIDThatDiffersFromTheSignedOne() throws {
        var signed = try signer.sign(envelope())
        signed.taskID = "task-2"
        #expect(refusal(signed) == .malformed)
    }

    @Test func refusesSignedButInvalidParameters() throws {
        // A collector bug (or a stolen key) cannot get an option past the agent's own validation.
        var bad = envelope()
        bad.spec = .packagesInstall(PackageList(packages: ["-oAPT::x=1"]))
        #expect(refusal(try signer.sign(bad)) == .invalidParameters)
    }
}
