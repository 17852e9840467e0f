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
    /// The change feed after `cursor`, without the entries `replica` wrote itself (those of its
    /// node's earlier epochs are included). Every entry comes as its envelope; its body too when
    /// `withBody` says so for the row (otherwise it is a stub).
    func feed(after cursor: FeedCursor, excluding replica: ReplicaID?, limit: Int,
              withBody: (FeedRow) -> Bool) throws -> FeedPage
    /// Whether the feed holds the entry `cursor` names at its position (a cursor from this store).
    func feedHas(_ cursor: FeedCursor) throws -> Bool
    /// The live principal holding the token with this hash.
    func principal(tokenHash: String) throws -> Principal?
    /// A node's live credential, read without taking the writer (every signed request asks).
    func nodeCredential(_ node: NodeID) throws -> NodeCredential?
    /// The audit log, oldest first.
    func auditRows() throws -> [AuditRow]
}

/// The central server's write transaction.
public typealias CentralTransaction = ReplicaTransaction & CredentialTransaction

/// Credentials and the audit log, written in the same transaction as what they record.
public protocol CredentialTransaction {
    /// Stores a credential by its token's hash (and, for a node, the enrollment key its token
    /// derives); refuses a second live one for the same node or user.
    func addCredential(tokenHash: String, principal: Principal, enrollmentKey: [UInt8]?, createdAt: String) throws
    /// A node's live credential: its enrollment key and the keys bound at its first contact.
    func nodeCredential(_ node: NodeID) throws -> NodeCredential?
    /// Binds a node's own keys (its first contact, or a rotation).
    func bindKeys(of node: NodeID, signing: [UInt8], agreement: [UInt8], at time: String) throws
    /// Revokes the live credentials of a node or user; returns how many.
    func revokeCredentials(kind: Principal.Kind, subject: String, at time: String) throws -> Int
    /// Brings a node's live credential up to a journalled directory event the central server
    /// receives back (relayed after a restore): a revocation revokes a credential made before
    /// it; keys bound after the credential's binding replace it. Returns whether it changed.
    func applyRelayed(_ event: DirectoryEvent, at time: String) throws -> Bool
    /// The last audit row's hash (nil when the log is empty).
    func lastAuditHash() throws -> String?
    /// Appends an audit row (its hashes computed by the caller).
    func appendAudit(_ row: AuditRow) throws
}

/// A position in the central server's feed and the entry found there (to tell a restored or
/// replaced store from the one that gave the cursor).
public struct FeedCursor: Sendable, Equatable {
    public let position: Int64
    /// The id of the entry at `position` (`origin:seq`, `origin~epoch:seq`; nil at the start).
    public let entry: String?

    public init(position: Int64, entry: String?) {
        self.position = position
        self.entry = entry
    }

    /// The start of the feed.
    public static let start = FeedCursor(position: 0, entry: nil)
}

/// What the feed knows of a row when deciding whether to send its body.
public struct FeedRow: Sendable {
    public let origin: String
    public let state: EntryState
    /// The record the entry edits (nil for directory events and stubs).
    public let record: RecordKey?

    public init(origin: String, state: EntryState, record: RecordKey?) {
        self.origin = origin
        self.state = state
        self.record = record
    }
}

/// One entry of a feed page, as stored: envelope bytes and, unless it is a stub, the body blob
/// (salt and body). Pages splice these bytes; nothing is decoded on the way out.
public struct FeedItem: Sendable {
    public let envelope: [UInt8]
    public let body: [UInt8]?

    public init(envelope: [UInt8], body: [UInt8]?) {
        self.envelope = envelope
        self.body = body
    }
}

/// One page of the central server's change feed.
public struct FeedPage: Sendable {
    /// Entries in feed order.
    public var entries: [FeedItem]
    /// The signed chain heads covering them.
    public var heads: [StoredHead]
    /// Where the next page starts.
    public var next: FeedCursor
    /// Whether more entries follow.
    public var more: Bool

    public init(entries: [FeedItem], heads: [StoredHead], next: FeedCursor, more: Bool) {
        self.entries = entries
        self.heads = heads
        self.next = next
        self.more = more
    }
}

/// A node's credential as the central server holds it.
public struct NodeCredential: Sendable, Equatable {
    public let node: NodeID
    public let department: String
    /// The key the enrollment token derives: it signs only the first contact.
    public let enrollmentKey: [UInt8]?
    /// The node's own keys, once bound.
    public let signingKey: [UInt8]?
    public let agreementKey: [UInt8]?

    public init(node: NodeID, department: String, enrollmentKey: [UInt8]?, signingKey: [UInt8]?, agreementKey: [UInt8]?) {
        self.node = node
        self.department = department
        self.enrollmentKey = enrollmentKey
        self.signingKey = signingKey
        self.agreementKey = agreementKey
    }
}
