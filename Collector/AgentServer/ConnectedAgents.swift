import DesksideProtocol
import NIOConcurrencyHelpers
import NIOCore

/// The agents connected right now, by id: what lets the collector reach an agent at once (tasks), and
/// close the connection of one that is revoked. One connection per agent: a new one replaces the old.
public final class ConnectedAgents: Sendable {
    private let channels = NIOLockedValueBox<[String: any Channel]>([:])

    public init() {}

    public var agentIDs: [String] { channels.withLockedValue { Array($0.keys) } }

    public func isConnected(_ agentID: String) -> Bool { channels.withLockedValue { $0[agentID] != nil } }

    /// Registers `channel` for `agentID`; returns the connection it replaces, for the caller to close.
    func register(_ agentID: String, channel: any Channel) -> (any Channel)? {
        channels.withLockedValue { table in
            let previous = table[agentID]
            table[agentID] = channel
            return previous
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
