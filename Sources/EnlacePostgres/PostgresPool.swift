import EnlaceReplica
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// A few PostgreSQL connections, lent one at a time to blocking callers. The storage protocols
/// are synchronous (the servers run store work off Swift's cooperative threads), so each query
/// waits on its future here, never on an event loop.
final class PostgresPool: Sendable {
    let location: PostgresLocation
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let slots: DispatchSemaphore
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextID = Atomic<Int>(1)

    init(location: PostgresLocation, size: Int) throws {
        self.location = location
        configuration = try location.configuration()
        var logger = Logger(label: "enlace.postgres")
        logger.logLevel = .error
        self.logger = logger
        slots = DispatchSemaphore(value: max(1, size))
    }

    /// Runs `body` with a connection of its own. A connection that broke is closed, not lent again.
    @discardableResult
    func withConnection<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        slots.wait()
        defer { slots.signal() }
        let connection: PostgresConnection
        if let reused = idle.withLock({ $0.popLast() }), !reused.isClosed {
            connection = reused
        } else {
            connection = try connect()
        }
        do {
            let result = try body(PostgresSession(connection: connection, logger: logger))
            idle.withLock { $0.append(connection) }
            return result
        } catch {
            // A statement error leaves the connection usable (the caller rolled back); a broken
            // one is dropped.
            if connection.isClosed { let _: EventLoopFuture<Void> = connection.close() } else { idle.withLock { $0.append(connection) } }
            throw error
        }
    }

    private func connect() throws -> PostgresConnection {
        do {
            return try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                id: nextID.add(1, ordering: .relaxed).oldValue, logger: logger
            ).wait()
        } catch {
            throw StoreError.unavailable("cannot connect to PostgreSQL at \(location): \(PostgresSession.describe(error))")
        }
    }

    /// Closes every idle connection.
    func close() {
        for connection in idle.withLock({ connections in defer { connections.removeAll() }; return connections }) {
            let closing: EventLoopFuture<Void> = connection.close()
            try? closing.wait()
        }
    }

    deinit { close() }
}
