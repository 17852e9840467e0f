import Dispatch
import EnlaceReplica
import GRDB

/// One SQLite connection and the queue its statements run on: a transaction's body, and every
/// statement it awaits, execute there, never on Swift's cooperative threads (SQLite's calls
/// block: disk reads, `fsync` at commit).
///
/// A transaction holds the connection from BEGIN to COMMIT or ROLLBACK; the others wait their
/// turn without a thread.
final class SQLiteConnection: Sendable {
    private let executor: DatabaseExecutor
    private let turn = AsyncLock()

    /// `writer` must allow transactions to span its accesses (`allowsUnsafeTransactions`).
    init(_ writer: any DatabaseWriter) {
        executor = DatabaseExecutor(writer)
    }

    /// How a transaction begins: `immediate` takes the write lock at once (a writer never has to
    /// retry), `deferred` reads one snapshot.
    enum Begin: String {
        case immediate = "BEGIN IMMEDIATE"
        case deferred = "BEGIN DEFERRED"
    }

    /// Runs `body` in one transaction on this connection: it commits when `body` returns and
    /// rolls back when it throws.
    ///
    /// The task waits its turn already preferring the connection's queue: when the transaction
    /// before it ends, it goes on there at once, with no cooperative thread in between.
    func transaction<T: Sendable>(_ begin: Begin, _ body: sending (Database) async throws -> T) async throws -> T {
        // Called once, by this transaction, which awaits it: the closures below only carry it.
        nonisolated(unsafe) let body = body
        return try await withTaskExecutorPreference(executor) {
            try await SQLiteConnection.run(begin, body, on: executor, turn: turn)
        }
    }

    /// Runs `body` outside any transaction (`VACUUM`, a checkpoint).
    func withoutTransaction<T: Sendable>(_ body: sending (Database) async throws -> T) async throws -> T {
        nonisolated(unsafe) let body = body
        return try await withTaskExecutorPreference(executor) {
            try await SQLiteConnection.run(nil, body, on: executor, turn: turn)
        }
    }

    /// On the connection's queue (the task's preferred executor): no actor holds this code.
    @concurrent
    private static func run<T>(_ begin: Begin?, _ body: sending (Database) async throws -> T, on executor: DatabaseExecutor,
                               turn: AsyncLock) async throws -> T {
        nonisolated(unsafe) let body = body
        return try await turn.withLock {
            let database = executor.database
            guard let begin else { return try await body(database) }
            try database.execute(sql: begin.rawValue)
            do {
                let result = try await body(database)
                try database.execute(sql: "COMMIT")
                return result
            } catch {
                if database.isInsideTransaction { try? database.execute(sql: "ROLLBACK") }
                throw error
            }
        }
    }
}

/// Runs the jobs of the tasks that prefer it one after another on the connection's queue, each
/// inside one access of the connection: the connection is `database` while a job runs.
final class DatabaseExecutor: TaskExecutor, @unchecked Sendable {
    private let writer: any DatabaseWriter
    private let queue = DispatchQueue(label: "enlace.sqlite.connection")
    /// Set only on `queue`, while a job runs.
    nonisolated(unsafe) private var current: Database?

    init(_ writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// The connection, inside one of this executor's jobs.
    var database: Database {
        guard let current else { preconditionFailure("the SQLite connection is used outside its queue") }
        return current
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async {
            self.writer.writeWithoutTransaction { database in
                self.current = database
                defer { self.current = nil }
                job.runSynchronously(on: self.asUnownedTaskExecutor())
            }
        }
    }
}
