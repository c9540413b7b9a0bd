#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import DesksideProtocol
import NIOConcurrencyHelpers
import NIOCore

/// The agents connected right now, by id: what lets the collector reach an agent at once (tasks), and
/// close the connection of one that is revoked. One live connection per agent: a second one for the
/// same identity is refused while the first is open (two machines with one certificate would
/// otherwise close each other's connections forever and interleave their reports).
///
/// A refused second connection only makes the identity *contested*: the first may be a connection
/// that died without the collector noticing yet (a network change), which never speaks again and
/// meets the idle timeout. When the first connection speaks after that, two machines hold the key.
public final class ConnectedAgents: Sendable {
    private let channels = NIOLockedValueBox<[String: any Channel]>([:])
    /// Agent id -> the address of the refused second connection, until the first one speaks.
    private let contested = NIOLockedValueBox<[String: String]>([:])
    /// Agent id -> when a clone was last confirmed, so that a clone retrying is reported once an hour.
    private let confirmed = NIOLockedValueBox<[String: Date]>([:])

    public init() {}

    public var agentIDs: [String] { channels.withLockedValue { Array($0.keys) } }

    public func isConnected(_ agentID: String) -> Bool { channels.withLockedValue { $0[agentID] != nil } }

    /// Agents with a live session now.
    public var count: Int { channels.withLockedValue { $0.count } }

    func channel(_ agentID: String) -> (any Channel)? { channels.withLockedValue { $0[agentID] } }

    /// Registers `channel` for `agentID`, unless another open connection holds that identity: then
    /// nothing changes and that connection is returned (the caller refuses the new one).
    func register(_ agentID: String, channel: any Channel) -> (any Channel)? {
        channels.withLockedValue { table in
            if let current = table[agentID], current !== channel, current.isActive { return current }
            table[agentID] = channel
            return nil
        }
    }

    /// Notes that a second connection from `peer` was refused for `agentID`.
    func contest(_ agentID: String, peer: String) {
        contested.withLockedValue { $0[agentID] = peer }
    }

    /// Called when the registered connection of `agentID` receives something: returns the address of a
    /// refused second connection when this proves that two machines hold the identity (at most once an
    /// hour per agent).
    func confirmClone(_ agentID: String, now: Date) -> String? {
        guard let peer = contested.withLockedValue({ $0.removeValue(forKey: agentID) }) else { return nil }
        return confirmed.withLockedValue { table in
            if let last = table[agentID], now.timeIntervalSince(last) < 3600 { return nil }
            table[agentID] = now
            return peer
        }
    }

    /// Forgets `channel`, unless a newer connection of the same agent has replaced it.
    func remove(_ agentID: String, channel: any Channel) {
        channels.withLockedValue { table in
            if let current = table[agentID], current === channel { table[agentID] = nil }
        }
    }

    /// Sends `message` to the agent and closes its connection; false when it is not connected.
    @discardableResult
    public func close(_ agentID: String, sending message: WireMessage? = nil) -> Bool {
        guard let channel = channels.withLockedValue({ $0.removeValue(forKey: agentID) }) else { return false }
        if let message {
            channel.writeAndFlush(message).whenComplete { _ in channel.close(promise: nil) }
        } else {
            channel.close(promise: nil)
        }
        return true
    }

    /// Every connection, for shutdown.
    func all() -> [any Channel] { channels.withLockedValue { Array($0.values) } }
}

/// Counts open connections against the cap.
final class ConnectionGate: Sendable {
    let limit: Int
    private let open = NIOLockedValueBox(0)

    init(limit: Int) { self.limit = limit }

    var count: Int { open.withLockedValue { $0 } }

    func enter() -> Bool {
        open.withLockedValue { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() { open.withLockedValue { $0 -= 1 } }
}

/// Connections per peer address that have not shown a certificate of the CA yet (in their handshake,
/// or enrolling): one address cannot hold more than `limit` of them, so a single host cannot use up
/// the connection cap. Authenticated agents do not count: an office behind one NAT address has many.
final class PendingConnections: Sendable {
    let limit: Int
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    init(limit: Int) { self.limit = limit }

    func enter(_ address: String) -> Bool {
        counts.withLockedValue { table in
            let count = table[address, default: 0]
            guard count < limit else { return false }
            table[address] = count + 1
            return true
        }
    }

    func leave(_ address: String) {
        counts.withLockedValue { table in
            let count = table[address, default: 0] - 1
            table[address] = count > 0 ? count : nil
        }
    }
}
