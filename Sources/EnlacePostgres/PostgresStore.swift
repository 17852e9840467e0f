import EnlaceModel
import EnlaceReplica
import Foundation
import Synchronization

/// The central store in PostgreSQL, which several `enlace central run` processes share: the
/// same protocols and contract tests as `JournalStore` (SQLite), the state every process needs
/// (sessions, sign-in throttling, node contacts, request nonces) in the database.
///
/// Every write transaction takes one advisory lock first and holds it until it commits: writes
/// are serialised across processes as SQLite serialises them in one, so journal positions
/// become visible in the order they were taken and the feed never skips an entry committed
/// late. Reads run on REPEATABLE READ snapshots beside the writer.
public final class PostgresStore: CentralStore {
    public let location: PostgresLocation
    let connections: PostgresConnections
    /// The key of the data at rest (nil: opened without the central server's private key).
    let vault: Vault?
    /// Record states of recent writes, valid while this process made the last write: each
    /// write transaction bumps `replica.generation` under the append lock, and one that finds
    /// another process's bump forgets them before it reads any.
    let cache = RecordCache(capacity: 4_096)
    /// One write transaction of this process at a time, through its commit and the cache's update.
    private let writer = AsyncLock()
    private let generation = Mutex<Int64?>(nil)

    /// The advisory lock every write transaction holds ("Enlace" in ASCII).
    static let appendLock: Int64 = 0x456E_6C61_6365

    /// Opens (and migrates) the store at `location`. With `create` it must not hold a store yet
    /// (`initialize` records one); without, it must. `keys` open the vault as in `JournalStore`.
    /// The migrations run on a connection of their own, so a database that cannot be reached
    /// is reported at once; the store's `connections` serve everything after.
    public init(location: PostgresLocation, create: Bool = false, keys: [ReplicaKey] = [], connections: Int = 8) async throws {
        self.location = location
        vault = try await PostgresConnections.withSingleConnection(to: location) { session in
            try await PostgresStore.migrate(session, location: location)
            let initialized = try await session.value("SELECT COUNT(*) FROM replica", as: Int64.self) ?? 0 > 0
            if create, initialized { throw StoreError.alreadyInitialized(location.description) }
            if !create, !initialized {
                throw StoreError.notInitialized("\(location) (no central store: run `enlace central init --database-url …`)")
            }
            return keys.isEmpty ? nil : try await PostgresStore.unlockVault(session, keys: keys, location: location)
        }
        self.connections = PostgresConnections(location: location, size: connections)
    }

    /// Closes the store's connections (a daemon's last step; tests close each store they open).
    public func close() async {
        await connections.close()
    }

    /// Applies the migrations this database lacks, under the append lock.
    static func migrate(_ session: PostgresSession, location: PostgresLocation) async throws {
        try await inTransaction(session, lock: true) {
            try await session.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            let applied = Set(try await session.rows("SELECT name FROM schema_migrations").map { try $0.text("name") })
            // A database a later release migrated is never opened by an older one.
            if !applied.isSubset(of: PostgresSchema.migrations.map(\.name)) {
                let release = applied.contains("v4-release")
                    ? try await session.value("SELECT release FROM software_release", as: String.self) : nil
                throw StoreError.newerRelease(path: location.description, release: release ?? "posterior")
            }
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                try await session.script(migration.sql)
                try await session.execute("INSERT INTO schema_migrations (name) VALUES ($1)", [migration.name])
            }
            let stored = try await session.value("SELECT release FROM software_release", as: String.self)
            if let stored, let release = SoftwareRelease(stored), release > .current {
                throw StoreError.newerRelease(path: location.description, release: stored)
            }
            if stored != SoftwareRelease.current.description {
                try await session.execute("INSERT INTO software_release (id, release) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET release = $1",
                                    [SoftwareRelease.current.description])
            }
        }
    }

    static func unlockVault(_ session: PostgresSession, keys: [ReplicaKey], location: PostgresLocation) async throws -> Vault {
        try await PostgresStore.inTransaction(session, lock: true) {
            var wraps: [[UInt8]: [UInt8]] = [:]
            for row in try await session.rows("SELECT recipient, wrapped FROM vault") { wraps[try row.bytes("recipient")] = try row.bytes("wrapped") }
            let (vault, newWraps) = try Vault.unlock(wraps: wraps, keys: keys, store: location.description)
            for (recipient, wrapped) in newWraps {
                try await session.execute("INSERT INTO vault (recipient, wrapped) VALUES ($1, $2)", [recipient, wrapped])
            }
            return vault
        }
    }

    /// Runs `body` between BEGIN and COMMIT (ROLLBACK when it throws); `lock` takes the append lock.
    static func inTransaction<T>(_ session: PostgresSession, lock: Bool, _ body: () async throws -> sending T) async throws -> sending T {
        try await session.execute("BEGIN")
        do {
            if lock { try await session.execute("SELECT pg_advisory_xact_lock($1)", [appendLock]) }
            let result = try await body()
            try await session.flush()
            try await session.execute("COMMIT")
            return result
        } catch {
            session.discardHeldRows()
            _ = try? await session.flush()
            _ = try? await session.execute("ROLLBACK")
            throw error
        }
    }

    // MARK: Identity

    /// Records who this replica is; refuses when one is already recorded.
    public func initialize(_ identity: ReplicaIdentity) async throws {
        try await connections.withConnection { session in
            try await PostgresStore.inTransaction(session, lock: true) {
                if try await session.value("SELECT COUNT(*) FROM replica", as: Int64.self) ?? 0 > 0 {
                    throw StoreError.alreadyInitialized(location.description)
                }
                try await session.execute(
                    "INSERT INTO replica (singleton, node_id, epoch, department, central_url, token, created_at) VALUES (1, $1, $2, $3, $4, $5, $6)",
                    [identity.nodeID.rawValue, Int64(identity.epoch), identity.department, identity.centralURL, identity.token, identity.createdAt])
            }
        }
    }

    /// Who this replica is.
    public func identity() async throws -> ReplicaIdentity {
        try await connections.withConnection { session in
            guard let row = try await session.row("SELECT * FROM replica") else { throw StoreError.notInitialized(location.description) }
            guard let nodeID = NodeID(try row.text("node_id")), let epoch = UInt32(exactly: try row.int("epoch")), epoch >= 1, epoch <= ReplicaID.maxEpoch else {
                throw StoreError.corrupt("invalid node id or epoch in replica table")
            }
            return ReplicaIdentity(nodeID: nodeID, epoch: epoch, department: try row.text("department"), centralURL: try row.text("central_url"),
                                   token: try row.text("token"), createdAt: try row.text("created_at"))
        }
    }

    public func storeID() async throws -> String {
        guard let id = try await connections.withConnection({ try await $0.value("SELECT store_id FROM replica", as: String.self) }) else {
            throw StoreError.notInitialized("\(location) (not a central store: run `enlace central init`)")
        }
        return id
    }

    /// Sets the store identity (at `central init`).
    public func setStoreID(_ id: String) async throws {
        try await access { journal in try await journal.session.execute("UPDATE replica SET store_id = $1", [id]) }
    }

    /// The anchor (the central server's signing key), at `central init`.
    public func setAnchorKey(_ key: [UInt8]) async throws {
        try await write { try await $0.setAnchorKey(key) }
    }

    /// The database, without its password.
    public var place: String { location.description }

    /// A PostgreSQL store is copied by PostgreSQL's own tools, never to a file here.
    public func backup(to path: String) async throws {
        throw StoreError.unavailable("the central store is in PostgreSQL (\(location)): back it up with PostgreSQL's tools (pg_dump, "
            + "or a base backup with WAL archiving; see docs/postgresql.md), and keep the key folder safe too")
    }

    /// The highest epoch the central server has written in or been.
    public func highestOwnEpoch() async throws -> UInt32 {
        try await connections.withConnection { session in
            guard let row = try await session.row("SELECT node_id, epoch FROM replica") else { throw StoreError.notInitialized(location.description) }
            let journal = try await session.value("SELECT MAX(epoch) FROM journal WHERE origin = $1", [try row.text("node_id")], as: Int64.self) ?? 0
            return UInt32(clamping: max(try row.int("epoch"), journal))
        }
    }

    /// A database restored with PostgreSQL's tools goes on as a new replica: a new epoch (none
    /// of its identities is ever reused) and a new store id (every node resets its checkpoints
    /// and sends again what the copy lacks).
    public func beginRestoredEpoch(_ epoch: UInt32, storeID: String) async throws {
        guard epoch >= 1, epoch <= ReplicaID.maxEpoch else { throw StoreError.corrupt("epoch \(epoch) out of range") }
        try await access { journal in
            try await journal.session.execute("UPDATE replica SET epoch = $1, store_id = $2", [Int64(epoch), storeID])
        }
    }

    // MARK: Transactions

    /// Runs `body` in one write transaction under the append lock; its record states join the
    /// cache after it commits, before this process's next write transaction can begin.
    @discardableResult
    func access<T: Sendable>(_ body: sending (PostgresJournal) async throws -> T) async throws -> T {
        try await writer.withLock {
            try await connections.withConnection { session in
                var journal = PostgresJournal(session: session, cache: cache, vault: vault)
                var bumped: Int64?
                let result = try await PostgresStore.inTransaction(session, lock: true) {
                    bumped = try await session.value("UPDATE replica SET generation = generation + 1 RETURNING generation", as: Int64.self)
                    // The stored counter is read back, so its arithmetic cannot trap.
                    if let bumped, generation.withLock({ $0 }) != bumped.subtractingReportingOverflow(1).partialValue { cache.removeAll() }
                    if bumped == nil { journal.cache = nil }
                    return try await body(journal)
                }
                generation.withLock { $0 = bumped }
                cache.commit(journal.pending.states, purged: journal.pending.purged)
                return result
            }
        }
    }

    public func write<T: Sendable>(_ body: sending (any ReplicaTransaction) async throws -> T) async throws -> T {
        try await access { try await body($0) }
    }

    public func transaction<T: Sendable>(_ body: sending (any CentralTransaction) async throws -> T) async throws -> T {
        try await access { try await body($0) }
    }

    /// Runs `body` on one REPEATABLE READ snapshot.
    func snapshot<T: Sendable>(_ body: sending (PostgresJournal) async throws -> T) async throws -> T {
        try await connections.withConnection { session in
            try await session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                let result = try await body(PostgresJournal(session: session, cache: nil, vault: vault))
                _ = try? await session.execute("ROLLBACK")
                return result
            } catch {
                _ = try? await session.execute("ROLLBACK")
                throw error
            }
        }
    }

    public func read<T: Sendable>(_ body: sending (any JournalReading & KeyReading) async throws -> T) async throws -> T {
        try await snapshot { try await body($0) }
    }

    public func deskRead<T: Sendable>(_ body: sending (any DeskReading) async throws -> T) async throws -> T {
        try await snapshot { try await body($0) }
    }

    public func deskWrite<T: Sendable>(_ body: sending (any DeskTransaction) async throws -> T) async throws -> T {
        try await connections.withConnection { session in
            try await PostgresStore.inTransaction(session, lock: false) {
                try await body(PostgresJournal(session: session, cache: nil, vault: vault))
            }
        }
    }
}

extension PostgresStore {
    /// Creates database `name` on the server `admin` connects to (as its owner); the tests and
    /// the benchmark make one per store.
    public static func createDatabase(_ name: String, on admin: PostgresLocation) async throws -> PostgresLocation {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !name.isEmpty else {
            throw StoreError.unavailable("database name `\(name)`: use letters, digits and _")
        }
        try await PostgresConnections.withSingleConnection(to: admin) { _ = try await $0.execute("CREATE DATABASE \(name)") }
        return admin.with(database: name)
    }
}

