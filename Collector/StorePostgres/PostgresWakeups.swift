#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Logging
import PostgresNIO

/// Wake-ups between collectors through PostgreSQL's LISTEN/NOTIFY: a collector that queues work for
/// an agent held by another collector notifies a channel with the agent's id, and the collector
/// holding it takes the work from its durable row at once instead of at its next poll.
///
/// Notifications only wake; the rows are the truth. PostgreSQL drops the notifications a listener
/// missed while its connection was down, and caps a payload at 8,000 bytes, so the payload is an id
/// and every (re)subscription is announced as `.listening`: the listener then re-reads what waits.
public enum PostgresWakeups {
    public enum Event: Sendable, Equatable {
        /// Subscribed (first, or again after the connection was lost): re-scan the durable rows.
        case listening
        /// Something waits for this id (an agent's, say).
        case wake(String)
    }

    /// A payload PostgreSQL would refuse (or a channel name that is not a plain identifier).
    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    /// The largest payload sent: PostgreSQL's limit is 8,000 bytes.
    static let maximumPayload = 7_999

    /// Listens on `channel` on a connection of its own, made again with a growing pause (0.1 s doubling
    /// to 5 s) whenever it is lost, until the consuming task is cancelled. Not the pool's: a LISTEN
    /// holds its connection for as long as it lasts.
    public static func events(_ location: PostgresLocation, channel: String, logger: Logger) throws -> AsyncStream<Event> {
        try check(channel: channel)
        let configuration = try PostgresStore.connectionConfiguration(location)
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(10_000))
        let task = Task {
            var failures = 0
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                    do {
                        try await connection.listen(on: channel) { notifications in
                            failures = 0
                            continuation.yield(.listening)
                            for try await notification in notifications { continuation.yield(.wake(notification.payload)) }
                        }
                    } catch {
                        if !Task.isCancelled { logger.warning("LISTEN lost its connection", metadata: ["channel": "\(channel)", "error": "\(error)"]) }
                    }
                    try? await connection.close()
                } catch {
                    logger.warning("LISTEN cannot connect", metadata: ["channel": "\(channel)", "error": "\(error)"])
                }
                failures += 1
                let pause = min(0.1 * pow(2, Double(min(failures - 1, 6))), 5)
                try? await Task.sleep(for: .milliseconds(Int(pause * 1000 * Double.random(in: 0.8...1.2))))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Notifies `channel` with `payload` when the transaction of `connection` commits (not at all if
    /// it rolls back).
    static func notify(_ connection: PostgresConnection, channel: String, payload: String, logger: Logger) async throws {
        try check(channel: channel)
        guard payload.utf8.count <= maximumPayload else {
            throw Refused(description: "a wake-up's payload is at most \(maximumPayload) bytes, not \(payload.utf8.count): send an id")
        }
        try await connection.run("SELECT pg_notify(\(channel), \(payload))", logger: logger)
    }

    /// Channels are plain identifiers (LISTEN takes a name, not a parameter).
    static func check(channel: String) throws {
        guard (1...63).contains(channel.utf8.count), channel.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || (97...122).contains($0) || (48...57).contains($0) }),
              let first = channel.utf8.first, !(48...57).contains(first) else {
            throw Refused(description: "a wake-up channel is a lowercase identifier of at most 63 characters, not \"\(channel)\"")
        }
    }
}

extension PostgresStore {
    /// Notifies `channel` with `payload` in a transaction of its own.
    public func wake(_ channel: String, _ payload: String) async throws {
        let logger = self.logger
        try await transaction { connection in try await PostgresWakeups.notify(connection, channel: channel, payload: payload, logger: logger) }
    }
}
