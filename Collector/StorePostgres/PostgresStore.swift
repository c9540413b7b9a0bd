public import Logging
import PostgresNIO
import DesksideHelpdesk
import DesksideJSON
import NIOSSL
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The collector's PostgreSQL database: a postgres-nio client (a pool of connections, run in a task
/// of its own) on a migrated schema. Every repository call is one transaction (`transaction`), or one
/// statement. Only this module imports PostgresNIO.
public final class PostgresStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>
    public let location: PostgresLocation

    /// Connects, then migrates the schema (several collectors starting at once take turns through
    /// an advisory lock); a schema written by a newer Deskside is refused. The migrations run on one
    /// connection of their own made first, so a server that cannot be reached or refuses the
    /// credentials is an error here, at start, rather than a pool that retries for ever.
    public static func open(_ location: PostgresLocation, logger: Logger, maximumConnections: Int = 20) async throws -> PostgresStore {
        let connection = try await PostgresConnection.connect(configuration: try connectionConfiguration(location), id: 0, logger: logger)
        do {
            try await PostgresMigrations.migrate(connection, database: location.database, logger: logger)
        } catch {
            try? await connection.close()
            throw translate(error)
        }
        try await connection.close()
        return PostgresStore(location, logger: logger, maximumConnections: maximumConnections)
    }

    static func connectionConfiguration(_ location: PostgresLocation) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch location.tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user, password: location.password,
                                                database: location.database, tls: tls)
    }

    private init(_ location: PostgresLocation, logger: Logger, maximumConnections: Int) {
        let tls: PostgresClient.Configuration.TLS = switch location.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: location.host, port: location.port, username: location.user,
                                                         password: location.password, database: location.database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.location = location
        // Started at once (not when a thread is next free), so that the first lease finds the pool running.
        runner = Task.immediate { await client.run() }
    }

    /// Closes every connection.
    public func close() async {
        runner.cancel()
        await runner.value
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws. Server
    /// errors a caller can cause become the help desk's errors (a duplicate is a conflict).
    func transaction<Result: Sendable>(isolation: isolated (any Actor)? = #isolation,
                                       _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection(isolation: isolation) { connection in
                try await connection.transaction(isolation: isolation, logger: logger, body)
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// One statement outside an explicit transaction; its rows, collected.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        do {
            return try await client.withConnection { connection in try await connection.rows(query, logger: logger) }
        } catch {
            throw Self.translate(error)
        }
    }

    /// Timestamps in the API's form (whole seconds, UTC), as the SQLite store writes them.
    static func text(_ date: Date) -> String { ISO8601.format(secondsSince1970: date.timeIntervalSince1970) }

    /// A stored word (a role, a status) this version does not know: a CHECK constraint keeps them out,
    /// so only a damaged or hand-edited database has one.
    struct Unreadable: Error, CustomStringConvertible {
        var column: String, value: String
        var description: String { "the stored \(column) \"\(value)\" is not one this version knows" }
    }

    /// A stored word as its enum.
    static func word<Word: RawRepresentable<String>>(_ text: String, _ column: String) throws -> Word {
        guard let word = Word(rawValue: text) else { throw Unreadable(column: column, value: text) }
        return word
    }

    /// The error a caller sees: the one thrown inside a transaction rather than postgres-nio's
    /// wrapper of it, a unique violation as a conflict, others as they are.
    static func translate(_ error: any Error) -> any Error {
        if let server = error as? PSQLError, server.serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw {
            return HelpdeskError.conflict("already exists")
        }
        return error
    }
}

/// The connection closed before the statement could be sent, or while it ran: the statement's
/// outcome is unknown (a COMMIT may have been made), and the caller may try again on another connection.
public struct PostgresConnectionLost: Error, CustomStringConvertible {
    public var description: String { "the connection to PostgreSQL closed during the statement" }
}

extension PostgresConnection {
    /// One statement's rows, collected (the repositories' results are small pages).
    ///
    /// postgres-nio 1.33.2 writes a statement to its channel without a promise, so a statement
    /// written just after the connection closed, once postgres-nio's handler has left the channel,
    /// is never answered: writers caught by a server restart waited for ever
    /// (PostgresRestartTests; vapor/postgres-nio#487 fixed it and #501 took the fix back). Here the
    /// statement is written on the connection's event loop, and only while the channel is active:
    /// then the handler is there and answers it, with rows or an error.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await eventLoop.flatSubmit {
            guard !self.isClosed else { return self.eventLoop.makeFailedFuture(PostgresConnectionLost()) }
            return self.query(query, logger: logger).map(\.rows)
        }.get()
    }

    /// A statement run for its effect.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await rows(query, logger: logger)
    }

    /// `body` in one transaction: committed when it returns, rolled back when it throws (the
    /// error `body` threw is the one the caller sees). postgres-nio's own `withTransaction` sends
    /// its BEGIN, COMMIT and ROLLBACK the way `rows` avoids.
    func transaction<Result: Sendable>(isolation: isolated (any Actor)? = #isolation, logger: Logger,
                                       _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await run("BEGIN", logger: logger)
        let result: Result
        do {
            result = try await body(self)
        } catch {
            try? await run("ROLLBACK", logger: logger)
            throw error
        }
        try await run("COMMIT", logger: logger)
        return result
    }
}
