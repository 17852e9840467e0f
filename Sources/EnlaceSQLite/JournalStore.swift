import EnlaceModel
import EnlaceReplica
import Foundation
import GRDB
import Synchronization

/// A replica's durable storage: the append-only journal in SQLite and, materialised from it in
/// the same transactions, the current records, their conflicts and the folio counters.
///
/// WAL mode with `synchronous=FULL`: a write acknowledged after `write` returns survives a crash
/// or a power cut.
public final class JournalStore: CentralStore {
    /// The database file.
    public let path: String
    /// Opens and migrates the file; its writer connection is `writer`'s.
    let pool: DatabasePool
    /// Every write transaction, one at a time, on the pool's writer connection and its queue.
    let writer: SQLiteConnection
    /// Read snapshots beside the writer, each on a connection and queue of its own.
    let readers: [SQLiteConnection]
    /// The readers' connections, closed with the store.
    private let readerQueues: [DatabaseQueue]
    private let nextReader = Atomic<Int>(0)
    /// Recently written records' states. Bounded well below a municipality's case count: a
    /// node pulling its whole history touches every case once, and 50,000 cached states grew
    /// its memory with what it pulled (115 MB after 24,000 entries); writes come back to few.
    let cache = RecordCache(capacity: 4_096)
    /// A purge committed but the WAL still holds frames of the purged pages (see `truncateLog`).
    let truncationPending = Mutex(false)
    /// The central server's claimed request nonces, opened at the first claim (a node claims none).
    private let nonces = Mutex<NonceLedger?>(nil)
    /// The writer connection's `PRAGMA data_version` at its last transaction here.
    let writerDataVersion = Mutex<Int64?>(nil)
    /// The key of the data at rest (nil: opened without the replica's private key, so only
    /// identity, chains and counts can be read).
    let vault: Vault?

    /// Opens (and migrates) the store in `path`; creates the file when `create` is true. With
    /// `checked` (the daemons, at start), SQLite's `quick_check` runs first: a damaged file is
    /// reported and left as it is, never migrated or written over.
    ///
    /// `keys` are the replica's private keys (the current one, and the next while a rotation
    /// waits): they open the vault that encrypts records, conflicts and case keys at rest (a new
    /// store makes its vault key and wraps it to each). Without them the store opens locked:
    /// reading or writing contents throws `StoreError.locked`.
    public init(path: String, create: Bool = false, checked: Bool = false, keys: [ReplicaKey] = []) throws {
        if !create, !FileManager.default.fileExists(atPath: path) { throw StoreError.notInitialized(path) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // A transaction spans the jobs of its connection's actor (`SQLiteConnection`).
        configuration.allowsUnsafeTransactions = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Freed content is zeroed: a case purged from a department leaves no readable trace.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        self.path = path
        do {
            if checked { try JournalStore.check(path) }
            pool = try DatabasePool(path: path, configuration: configuration)
            // The pool's WAL set-up leaves its writer at NORMAL, after `prepareDatabase`: a
            // commit would survive a crash of the process but not a power cut.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            let formatV1 = try pool.read { db in
                try db.tableExists("grdb_migrations")
                    && (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations WHERE identifier = ?",
                                         arguments: [Migrations.formatV1Marker]) ?? 0) > 0
            }
            if formatV1 { throw StoreError.formatV1(path) }
            try JournalStore.checkRelease(pool, path: path)
            try Migrations.migrator.migrate(pool)
            try JournalStore.recordRelease(pool, path: path)
            vault = keys.isEmpty ? nil : try JournalStore.unlockVault(pool, keys: keys, path: path)
            writer = SQLiteConnection(pool)
            // Readers that only read (`query_only`) yet may write the log back: whichever
            // connection closes last folds the write-ahead log into the file, as one must.
            var reading = configuration
            reading.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = ON") }
            readerQueues = try (0..<JournalStore.readerCount).map { _ in try DatabaseQueue(path: path, configuration: reading) }
            readers = readerQueues.map(SQLiteConnection.init)
        } catch let error as DatabaseError {
            throw StoreError(translating: error).map { error -> StoreError in
                if case .corrupt(let reason) = error { return .corrupt("\(path): \(reason)") }
                return error
            } ?? error
        }
    }

    /// Refuses a store a later release wrote: one holding a migration this build does not know.
    static func checkRelease(_ pool: DatabasePool, path: String) throws {
        let superseded = try pool.read { db in
            try db.tableExists("grdb_migrations") && Migrations.migrator.hasBeenSuperseded(db)
        }
        guard superseded else { return }
        let release = try pool.read { db in
            try db.tableExists("software_release") ? String.fetchOne(db, sql: "SELECT release FROM software_release") : nil
        }
        throw StoreError.newerRelease(path: path, release: release ?? "posterior")
    }

    /// Read connections: reads of the node's API and of a sync round run beside each other and
    /// beside the writer.
    static let readerCount = 2

    /// Records that this release writes the store, after refusing one a later release wrote.
    static func recordRelease(_ pool: DatabasePool, path: String) throws {
        try pool.write { db in
            let stored = try String.fetchOne(db, sql: "SELECT release FROM software_release")
            if let stored, let release = SoftwareRelease(stored), release > .current {
                throw StoreError.newerRelease(path: path, release: stored)
            }
            guard stored != SoftwareRelease.current.description else { return }
            try db.execute(sql: "INSERT OR REPLACE INTO software_release (id, release) VALUES (1, ?)", arguments: [SoftwareRelease.current.description])
        }
    }

    /// The release that last wrote the store.
    public func writtenByRelease() async throws -> String? {
        try await reading { try String.fetchOne($0, sql: "SELECT release FROM software_release") }
    }

    /// Opens the vault with the first of `keys` it is wrapped to, wrapping it to the others
    /// (a rotation's next key); makes it in a store that has none.
    static func unlockVault(_ pool: DatabasePool, keys: [ReplicaKey], path: String) throws -> Vault {
        try pool.write { db in
            var wraps: [[UInt8]: [UInt8]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT recipient, wrapped FROM vault") { wraps[row["recipient"]] = row["wrapped"] }
            let (vault, newWraps) = try Vault.unlock(wraps: wraps, keys: keys, store: path)
            for (recipient, wrapped) in newWraps {
                try db.execute(sql: "INSERT INTO vault (recipient, wrapped) VALUES (?, ?)", arguments: [recipient, wrapped])
            }
            return vault
        }
    }

    /// Wraps the vault to `key` as well (a rotation's next key, before the central server
    /// accepts it: whichever key ends up current opens the store).
    public func wrapVault(to key: ReplicaKey) async throws {
        guard let vault else { throw StoreError.locked(path) }
        try await writing { db in
            try db.execute(sql: "INSERT OR IGNORE INTO vault (recipient, wrapped) VALUES (?, ?)",
                           arguments: [key.agreementPublicKey, try vault.wrap(to: key.agreementPublicKey)])
        }
    }

    /// Keeps the vault wrapped only to `current` (after a rotation: the old private key is gone).
    public func retireVaultWraps(keeping current: ReplicaKey) async throws {
        guard let vault else { throw StoreError.locked(path) }
        try await writing { db in
            try db.execute(sql: "INSERT OR IGNORE INTO vault (recipient, wrapped) VALUES (?, ?)",
                           arguments: [current.agreementPublicKey, try vault.wrap(to: current.agreementPublicKey)])
            try db.execute(sql: "DELETE FROM vault WHERE recipient != ?", arguments: [current.agreementPublicKey])
        }
    }

    /// SQLite's quick check, on a read-only connection (which writes nothing, not even the
    /// header's change counter).
    static func check(_ path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        let problems = try DatabaseQueue(path: path, configuration: configuration).read { db in
            try String.fetchAll(db, sql: "PRAGMA quick_check(5)")
        }.filter { $0 != "ok" }
        guard problems.isEmpty else {
            throw StoreError.corrupt("\(path) fails SQLite's check (\(problems.joined(separator: "; ").replacingOccurrences(of: "\n", with: "; "))); "
                + "it was left as it is: restore the folder from a backup")
        }
    }

    /// The store file inside a data folder.
    public static func file(in dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("journal.sqlite")
    }

    // MARK: Identity

    /// Records who this replica is; refuses when one is already recorded.
    public func initialize(_ identity: ReplicaIdentity) async throws {
        try await writing { [path] db in
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM replica")! > 0 { throw StoreError.alreadyInitialized(path) }
            try db.execute(
                sql: "INSERT INTO replica (singleton, node_id, epoch, department, central_url, token, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
                arguments: [identity.nodeID.rawValue, Int64(identity.epoch), identity.department, identity.centralURL, identity.token,
                            identity.createdAt])
        }
    }

    /// Who this replica is.
    public func identity() async throws -> ReplicaIdentity {
        try await reading { [path] db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM replica") else { throw StoreError.notInitialized(path) }
            guard let nodeID = NodeID(row["node_id"]), let epoch = UInt32(exactly: row["epoch"] as Int64), epoch >= 1, epoch <= ReplicaID.maxEpoch else {
                throw StoreError.corrupt("invalid node id or epoch in replica table")
            }
            return ReplicaIdentity(
                nodeID: nodeID, epoch: epoch, department: row["department"], centralURL: row["central_url"], token: row["token"],
                createdAt: row["created_at"])
        }
    }

    // MARK: Transactions

    /// Runs `body` in one write transaction: everything it appends and materialises commits
    /// together or not at all.
    ///
    /// The states it produced join the record cache on commit, still on the writer's queue:
    /// the next transaction cannot start from a state older than this one's.
    func access<T: Sendable>(_ body: sending (SQLiteJournal) async throws -> T) async throws -> T {
        try await writer.transaction(.immediate) { [self] db in
            // Another process committed since this one last wrote (an admin command: an erasure,
            // an enrollment): states cached here may be older than the file. SQLite's
            // data_version on the writer connection changes only for other connections' commits.
            let version = try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
            if writerDataVersion.withLock({ seen in defer { seen = version }; return seen != nil && seen != version }) {
                cache.removeAll()
            }
            let journal = SQLiteJournal(db: db, cache: cache, vault: vault)
            let pending = journal.pending
            let cache = cache
            db.afterNextTransaction { _ in cache.commit(pending.states, purged: pending.purged) }
            return try await body(journal)
        }
    }

    /// Runs `body` in one write transaction on the writer connection.
    func writing<T: Sendable>(_ body: sending (Database) async throws -> T) async throws -> T {
        try await writer.transaction(.immediate, body)
    }

    /// Runs `body` on the writer connection outside a transaction (`VACUUM`, a checkpoint).
    func writingWithoutTransaction<T: Sendable>(_ body: sending (Database) async throws -> T) async throws -> T {
        try await writer.withoutTransaction(body)
    }

    /// Runs `body` on one read snapshot, on the next reader connection.
    func reading<T: Sendable>(_ body: sending (Database) async throws -> T) async throws -> T {
        let reader = readers[nextReader.add(1, ordering: .relaxed).oldValue % readers.count]
        return try await reader.transaction(.deferred, body)
    }

    public func write<T: Sendable>(_ body: sending (any ReplicaTransaction) async throws -> T) async throws -> T {
        try await access { try await body($0) }
    }

    public func transaction<T: Sendable>(_ body: sending (any CentralTransaction) async throws -> T) async throws -> T {
        try await access { try await body($0) }
    }

    public func read<T: Sendable>(_ body: sending (any JournalReading & KeyReading) async throws -> T) async throws -> T {
        try await reading { [vault] db in try await body(SQLiteJournal(db: db, vault: vault)) }
    }

    /// Closes the connections: the pool's (its readers open read-only), then the readers', which
    /// may write, so that the last to close folds the write-ahead log into the file. The store closes itself when it goes, so this is for an owner that
    /// wants it closed at a known moment (the daemon's service group).
    public func close() async {
        closeConnections()
    }

    /// Closed here, not whenever the connections' last jobs happen to release them: a command
    /// that exits right after leaves the file whole, its log folded in.
    deinit {
        closeConnections()
    }

    private func closeConnections() {
        try? pool.close()
        for queue in readerQueues { try? queue.close() }
        nonces.withLock { $0?.close() }
    }

    /// The nonce ledger beside this store, opened (and made) at its first use.
    func nonceLedger() throws -> NonceLedger {
        try nonces.withLock { ledger in
            if let ledger { return ledger }
            let opened = try NonceLedger(besideStore: path, carryingFrom: pool)
            ledger = opened
            return opened
        }
    }


    /// Appends entries in one transaction (see `ReplicaWriter.append`).
    @discardableResult
    public func append(_ entries: [ChainedEntry]) async throws -> AppendOutcome {
        try await write { try await ReplicaWriter.append(entries, in: $0) }
    }
}

extension JournalStore: NodeStore {}
