import EnlaceModel
import GRDB

/// What a replica's write transaction offers: the reads a decision needs and the append that
/// commits it, atomically. `JournalTransaction` (SQLite) implements it; a PostgreSQL store for
/// the central server will too.
public protocol ReplicaTransaction {
    /// The highest stored seq of `origin` (0 when none).
    func lastSeq(of origin: NodeID) throws -> UInt64
    /// The latest stored timestamp.
    func lastTimestamp() throws -> HybridTimestamp?
    /// The hash the origin's next entry must name as `prev`.
    func chainTip(of origin: NodeID) throws -> String?
    /// A record's merge state.
    func recordState(_ key: RecordKey) throws -> RecordState?
    /// A conflict's JSON text.
    func conflictText(id: String) throws -> String?
    /// Where a current or superseded conflict id belongs.
    func conflictLocation(id: String) throws -> (key: RecordKey, field: String)?
    /// The open conflict on a record's field.
    func openConflictID(_ key: RecordKey, field: String) throws -> String?
    /// Appends entries and materialises what they change (see `JournalTransaction.append`).
    func append(_ entries: [JournalEntry]) throws -> AppendOutcome
    /// Stores a credential hash (refuses a second live credential for the same node or user).
    func addCredential(tokenHash: String, principal: Principal, createdAt: String) throws
    /// Revokes the live credentials of a node or user; returns how many.
    func revokeCredentials(kind: Principal.Kind, subject: String, at: String) throws -> Int
    /// The last audit row's hash (nil when the log is empty).
    func lastAuditHash() throws -> String?
    /// Appends an audit row (its hashes computed by the caller).
    func appendAudit(_ row: AuditRow) throws
    /// The public key pinned for an origin.
    func pinnedKey(of origin: String) throws -> String?
    /// Pins an origin's public key.
    func pinKey(_ publicKey: String, for origin: String, at time: String) throws
    /// Stores a verified chain head.
    func recordHead(_ head: StoredHead) throws
}

/// What the central server needs from its storage: transactions, the change feed,
/// credentials and the office's reads. `JournalStore` (SQLite) is the default implementation.
public protocol CentralStorage: Sendable {
    /// Runs `body` in one write transaction.
    func transaction<T>(_ body: (any ReplicaTransaction) throws -> T) throws -> T
    /// The store's identity (changes when a store is replaced).
    func storeID() throws -> String?
    /// The change feed after a position, excluding one origin.
    func feed(after position: Int64, excluding origin: NodeID?, limit: Int) throws -> FeedPage
    /// Whether the feed has `entry` at `position`.
    func feedHas(position: Int64, entry: String?) throws -> Bool
    /// The live principal holding a token hash.
    func principal(tokenHash: String) throws -> Principal?
    /// The audit log, oldest first.
    func auditRows() throws -> [AuditRow]
    /// A record's JSON text.
    func recordText(_ key: RecordKey) throws -> String?
    /// A conflict's JSON text.
    func conflictJSONText(id: String) throws -> String?
    /// Conflicts with `status`, each with its record's department.
    func conflictList(status: Conflict.Status) throws -> [(conflict: JSONValue, department: String?)]
    /// Every entry of a record and the explanation of each field.
    func recordHistory(_ key: RecordKey) throws -> JSONValue?
    /// Every pinned public key by origin.
    func pinnedKeys() throws -> [String: String]
    /// Entries, open conflicts, and open conflicts by department.
    func counts() throws -> (entries: Int, openConflicts: Int, openByDepartment: [String: Int])
}

extension JournalTransaction: ReplicaTransaction {
    public func lastSeq(of origin: NodeID) throws -> UInt64 { try reader.lastSeq(of: origin) }
    public func lastTimestamp() throws -> HybridTimestamp? { try reader.lastTimestamp() }
    public func chainTip(of origin: NodeID) throws -> String? { try reader.chainTip(of: origin) }
    public func conflictText(id: String) throws -> String? { try reader.conflictText(id: id) }
    public func conflictLocation(id: String) throws -> (key: RecordKey, field: String)? { try reader.conflictLocation(id: id) }
    public func openConflictID(_ key: RecordKey, field: String) throws -> String? { try reader.openConflictID(key, field: field) }

    public func addCredential(tokenHash: String, principal: Principal, createdAt: String) throws {
        try JournalStore.addCredential(db, tokenHash: tokenHash, principal: principal, createdAt: createdAt)
    }

    public func revokeCredentials(kind: Principal.Kind, subject: String, at: String) throws -> Int {
        try db.execute(
            sql: "UPDATE credentials SET revoked_at = ? WHERE kind = ? AND subject = ? AND revoked_at IS NULL",
            arguments: [at, kind.rawValue, subject])
        return db.changesCount
    }

    public func lastAuditHash() throws -> String? {
        try String.fetchOne(db, sql: "SELECT hash FROM audit_log ORDER BY position DESC LIMIT 1")
    }

    public func appendAudit(_ row: AuditRow) throws {
        try db.execute(
            sql: "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [row.at, row.actor, row.action, row.subject, row.detail, row.previousHash, row.hash])
    }
}

extension JournalStore: CentralStorage {
    public func transaction<T>(_ body: (any ReplicaTransaction) throws -> T) throws -> T {
        try write { try body($0) }
    }

    public func recordText(_ key: RecordKey) throws -> String? { try read { try $0.documentText(key) } }
    public func auditRows() throws -> [AuditRow] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY position").map { row in
                AuditRow(position: row["position"], at: row["at"], actor: row["actor"], action: row["action"],
                         subject: row["subject"], detail: row["detail"], previousHash: row["prev_hash"], hash: row["hash"])
            }
        }
    }
    public func conflictJSONText(id: String) throws -> String? { try read { try $0.conflictText(id: id) } }
    public func conflictList(status: Conflict.Status) throws -> [(conflict: JSONValue, department: String?)] {
        try read { try $0.conflictsWithDepartment(status: status) }
    }
    public func recordHistory(_ key: RecordKey) throws -> JSONValue? { try read { try $0.history(key) } }
    public func counts() throws -> (entries: Int, openConflicts: Int, openByDepartment: [String: Int]) {
        try read { reader in (try reader.entryCount(), try reader.openConflictCount(), try reader.openConflictsByDepartment()) }
    }
}
