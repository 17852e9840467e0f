import EnlaceReplica
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// A store's connections to PostgreSQL: postgres-nio's `PostgresClient`, run from the store's
/// opening until `close()`, lending each transaction a connection of its own. Statements are
/// awaited (see `PostgresSession`); no thread waits on the network.
final class PostgresConnections: Sendable {
    let location: PostgresLocation
    private let client: PostgresClient
    private let running: Mutex<Task<Void, Never>?>
    private let logger: Logger

    init(location: PostgresLocation, size: Int) {
        self.location = location
        var logger = Logger(label: "enlace.postgres")
        logger.logLevel = .error
        self.logger = logger
        let client = PostgresClient(configuration: location.clientConfiguration(connections: size), backgroundLogger: logger)
        self.client = client
        running = Mutex(Task { await client.run() })
    }

    /// Runs `body` with a connection of its own. A connection that cannot be had is reported
    /// as the store being unavailable; what `body` throws passes unchanged.
    func withConnection<T>(_ body: (PostgresSession) async throws -> sending T) async throws -> sending T {
        var started = false
        do {
            return try await client.withConnection { connection in
                started = true
                return try await body(PostgresSession(connection: connection, logger: logger))
            }
        } catch where !started {
            throw StoreError.unavailable("cannot connect to PostgreSQL at \(location): \(PostgresSession.describe(error))")
        }
    }

    /// Runs `body` on one connection of its own outside the client, closed after: opening a
    /// store fails at once, with PostgreSQL's reason, when the database cannot be reached.
    static func withSingleConnection<T>(to location: PostgresLocation, _ body: (PostgresSession) async throws -> sending T)
        async throws -> sending T
    {
        var logger = Logger(label: "enlace.postgres")
        logger.logLevel = .error
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: try location.connectionConfiguration(), id: 0, logger: logger)
        } catch {
            throw StoreError.unavailable("cannot connect to PostgreSQL at \(location): \(PostgresSession.describe(error))")
        }
        do {
            let result = try await body(PostgresSession(connection: connection, logger: logger))
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Stops the client: its connections close once the transactions holding them end.
    func close() async {
        guard let task = running.withLock({ task in defer { task = nil }; return task }) else { return }
        task.cancel()
        await task.value
    }

    deinit { running.withLock { $0?.cancel() } }
}
