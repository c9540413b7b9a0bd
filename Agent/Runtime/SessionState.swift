#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideJSON
import DesksideFiles
public import DesksideInventory

/// What the agent remembers of its session between runs (STATE/session.json): what the collector
/// acknowledged, the next sequence number, and the timing and policy it was last given. Losing it
/// costs at most a full report: the collector says in `welcome` which base it holds.
public struct SessionState: Codable, Sendable, Equatable {
    public var acknowledgedSequence: UInt64?
    public var acknowledgedBase: String?
    public var acknowledgedAt: Date?
    public var nextSequence: UInt64 = 1
    public var heartbeatSeconds = 60
    public var reportIntervalSeconds = 3600
    public var policy = FaultPolicy()
    /// The last contact with the collector (any answer).
    public var lastContactAt: Date?
    /// Why the collector last refused this agent's identity (unknown certificate, revoked); cleared
    /// by the next `welcome`. `status` shows it with what to run.
    public var identityRefused: String?

    public init() {}

    static func path(_ state: String) -> String { state + "/session.json" }

    public static func load(stateDirectory: String) -> SessionState {
        guard let bytes = DurableFile.read(path(stateDirectory), limit: 1 << 20),
              let state = try? JSONCoder.decode(SessionState.self, from: bytes) else { return SessionState() }
        return state
    }

    func save(stateDirectory: String) throws {
        try DurableFile.write(try JSONCoder.encode(self, pretty: true), to: Self.path(stateDirectory))
    }
}

/// The inventory the newest report leads to (STATE/inventory-latest.json): the base of the next delta.
struct LatestInventory: Codable, Sendable {
    var inventory: Inventory

    static func path(_ state: String) -> String { state + "/inventory-latest.json" }

    static func load(stateDirectory: String) -> LatestInventory? {
        guard let bytes = DurableFile.read(path(stateDirectory)) else { return nil }
        return try? JSONCoder.decode(LatestInventory.self, from: bytes)
    }

    func save(stateDirectory: String) throws {
        try DurableFile.write(try JSONCoder.encode(self), to: Self.path(stateDirectory))
    }

    static func remove(stateDirectory: String) {
        _ = try? FileManager.default.removeItem(atPath: path(stateDirectory))
    }
}
