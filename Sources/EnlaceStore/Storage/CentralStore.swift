import EnlaceModel

/// What the central server stores beyond a replica's journal: the change feed it serves,
/// the credentials of nodes and office users, and the audit log. `JournalStore` (SQLite)
/// implements it; a PostgreSQL store would implement the same protocol and pass the same
/// contract tests.
public protocol CentralStore: ReplicaStore {
    /// Runs `body` in one write transaction over the journal, keys, credentials and audit log.
    func transaction<T>(_ body: (any CentralTransaction) throws -> T) throws -> T
    /// This store's identity: it changes when a store is replaced, so nodes reset their cursors.
    func storeID() throws -> String
    /// The change feed after `cursor`, without `origin`'s own entries.
    func feed(after cursor: FeedCursor, excluding origin: NodeID?, limit: Int) throws -> FeedPage
    /// Whether the feed holds the entry `cursor` names at its position (a cursor from this store).
    func feedHas(_ cursor: FeedCursor) throws -> Bool
    /// The live principal holding the token with this hash.
    func principal(tokenHash: String) throws -> Principal?
    /// The audit log, oldest first.
    func auditRows() throws -> [AuditRow]
}

/// The central server's write transaction.
public typealias CentralTransaction = ReplicaTransaction & CredentialTransaction

/// Credentials and the audit log, written in the same transaction as what they record.
public protocol CredentialTransaction {
    /// Stores a credential by its token's hash; refuses a second live one for the same node or user.
    func addCredential(tokenHash: String, principal: Principal, createdAt: String) throws
    /// Revokes the live credentials of a node or user; returns how many.
    func revokeCredentials(kind: Principal.Kind, subject: String, at time: String) throws -> Int
    /// The last audit row's hash (nil when the log is empty).
    func lastAuditHash() throws -> String?
    /// Appends an audit row (its hashes computed by the caller).
    func appendAudit(_ row: AuditRow) throws
}

/// A position in the central server's feed and the entry found there (to tell a restored or
/// replaced store from the one that gave the cursor).
public struct FeedCursor: Sendable, Equatable {
    public let position: Int64
    /// `origin:seq` of the entry at `position` (nil at the start).
    public let entry: String?

    public init(position: Int64, entry: String?) {
        self.position = position
        self.entry = entry
    }

    /// The start of the feed.
    public static let start = FeedCursor(position: 0, entry: nil)
}

/// One page of the central server's change feed.
public struct FeedPage: Sendable {
    /// Entries in feed order, as stored (canonical text).
    public var entries: [String]
    /// The signed chain heads covering them.
    public var heads: [StoredHead]
    /// Where the next page starts.
    public var next: FeedCursor
    /// Whether more entries follow.
    public var more: Bool

    public init(entries: [String], heads: [StoredHead], next: FeedCursor, more: Bool) {
        self.entries = entries
        self.heads = heads
        self.next = next
        self.more = more
    }
}
