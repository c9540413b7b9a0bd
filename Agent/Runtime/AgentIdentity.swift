#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideJSON
import DesksideFiles
import DesksideInventory
public import DesksideTransport

/// Who this agent is to its collector, as enrollment left it in the state directory:
///
/// ```
/// STATE/identity/agent.json       agent id, collector address, pinned CA fingerprint, enrollment time
/// STATE/identity/key.pem          the private key (0600; generated here, never sent anywhere)
/// STATE/identity/certificate.pem  the client certificate the collector's CA issued
/// STATE/identity/ca.pem           the pinned CA: the only root trusted for the collector
/// STATE/identity/renewal.json     only while a renewed identity replaces these files (0600)
/// ```
public struct AgentIdentity: Sendable, Equatable {
    public struct Record: Codable, Sendable, Equatable {
        public var agentID: String
        public var collector: String
        public var caFingerprint: String
        public var enrolledAt: Date
        /// The collector's task-signing public key (Ed25519, base64), pinned at enrollment (or, for an
        /// agent enrolled before the collector had one, at its first `welcome` that names it).
        public var taskKey: String?
    }

    public var record: Record
    public var privateKeyPEM: String
    public var certificatePEM: String
    public var caPEM: String

    public var collector: Endpoint {
        get throws { try Endpoint(parsing: record.collector) }
    }

    static func directory(_ state: String) -> String { state + "/identity" }

    /// What an operator runs to enroll this agent again (with a token file of their own).
    public static func enrollCommand(collector: String, caFingerprint: String, stateDirectory: String) -> String {
        "deskside-agent enroll --collector \(collector) --token-file TOKEN-FILE --ca-fingerprint \(caFingerprint) --state \(stateDirectory)"
    }

    /// The identity in `stateDirectory`; `nil` when the agent has not enrolled.
    public static func load(stateDirectory: String) throws -> AgentIdentity? {
        if let replaced = finishReplacement(stateDirectory: stateDirectory) { return replaced }
        let directory = directory(stateDirectory)
        guard let recordBytes = DurableFile.read(directory + "/agent.json", limit: 1 << 16) else { return nil }
        func text(_ name: String) throws -> String {
            guard let bytes = DurableFile.read(directory + "/" + name, limit: 1 << 16) else {
                throw RuntimeError("the agent's identity in \(directory) is incomplete: \(name) is missing; enroll again")
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        let record: Record
        do {
            record = try JSONCoder.decode(Record.self, from: recordBytes)
        } catch {
            throw RuntimeError("the agent's identity in \(directory)/agent.json is damaged (\(error)); enroll again")
        }
        return AgentIdentity(record: record, privateKeyPEM: try text("key.pem"), certificatePEM: try text("certificate.pem"), caPEM: try text("ca.pem"))
    }

    /// Writes the identity; the key first and owner-only, the record last (it marks the enrollment done).
    func save(stateDirectory: String) throws {
        let directory = Self.directory(stateDirectory)
        try DurableFile.makeDirectory(stateDirectory)
        try DurableFile.makeDirectory(directory)
        try DurableFile.write(Array(privateKeyPEM.utf8), to: directory + "/key.pem", mode: 0o600)
        try DurableFile.write(Array(certificatePEM.utf8), to: directory + "/certificate.pem", mode: 0o644)
        try DurableFile.write(Array(caPEM.utf8), to: directory + "/ca.pem", mode: 0o644)
        try DurableFile.write(try JSONCoder.encode(record, pretty: true), to: directory + "/agent.json", mode: 0o644)
    }
}

/// A failure the agent explains to its operator in one line.
public struct RuntimeError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
