import Crypto
import EnlaceModel

/// What the central server stores beyond a replica's journal: the change feed it serves,
/// the credentials of nodes and office users, and the audit log. `JournalStore` (SQLite) and
/// `PostgresStore` implement it and pass the same contract tests; `CentralSetup` is the one
/// place that picks which.
public protocol CentralStore: ReplicaStore {
    /// Runs `body` in one write transaction over the journal, keys, credentials and audit log.
    func transaction<T: Sendable>(_ body: sending (any CentralTransaction) async throws -> T) async throws -> T
    /// This store's identity: it changes when a store is replaced, so nodes reset their cursors.
    func storeID() async throws -> String
    /// The change feed after `cursor`, without the entries `replica` wrote itself (those of its
    /// node's earlier epochs are included), read in one snapshot. Every entry comes as its
    /// envelope; its body too unless `scope` names a department whose scope (the `case_scope`
    /// index) does not hold the entry's case — then it is a stub. With `scope`, the page also
    /// carries the department's scope changes after `scope.after`: the cases it left, and the
    /// history of those it entered up to `cursor` (what the node so far holds as stubs).
    func feed(after cursor: FeedCursor, excluding replica: ReplicaID?, limit: Int, scope: FeedScope?) async throws -> FeedPage
    /// Whether the feed holds the entry `cursor` names at its position (a cursor from this store).
    func feedHas(_ cursor: FeedCursor) async throws -> Bool
    /// The live principal holding the token with this hash.
    func principal(tokenHash: String) async throws -> Principal?
    /// A node's live credential, read without taking the writer (every signed request asks).
    func nodeCredential(_ node: NodeID) async throws -> NodeCredential?
    /// The audit log, oldest first.
    func auditRows() async throws -> [AuditRow]
    /// The audit rows about one subject (a case id: who read it), oldest first.
    func auditRows(subject: String) async throws -> [AuditRow]
    /// The audit rows after `position`, oldest first, at most `limit` (the chain checked a
    /// stretch at a time).
    func auditRows(after position: Int64, limit: Int) async throws -> [AuditRow]
    /// The audit rows `filter` keeps, newest first, before `position` (nil: from the newest),
    /// at most `limit`.
    func auditRows(_ filter: AuditFilter, before position: Int64?, limit: Int) async throws -> [AuditRow]
    /// The ids of the cases of one woman's file (`person_ref`), in id order.
    func cases(ofPerson ref: String) async throws -> [String]
    /// Runs `body` on a reader over the desk's state.
    func deskRead<T: Sendable>(_ body: sending (any DeskReading) async throws -> T) async throws -> T
    /// Runs `body` in a write transaction over the desk's own state (node contacts, clock
    /// reports, sessions), outside the append lock: no journal write reads that state, so a
    /// pulling node's note of where it stands never waits behind a batch being stored. The
    /// audit chain is not reachable from it (`AuditLog` needs a `CentralTransaction`).
    func deskWrite<T: Sendable>(_ body: sending (any DeskTransaction) async throws -> T) async throws -> T
    /// Claims a signed request's nonce at `millis`: true the first time, false for a replay.
    /// Every central process serving the store sees every claim made within `window` ms.
    func claimNonce(_ nonce: String, at millis: Int64, window: Int64) async throws -> Bool
    /// How far behind the feed's readers are at `millis`, for the metrics.
    func feedLag(at millis: Int64) async throws -> FeedLag
    /// After an erasure has committed: makes the space it freed unreadable, so that the erased
    /// cases' keys survive nowhere in the store's files — SQLite zeroes freed pages as it goes
    /// and truncates its write-ahead log here; PostgreSQL rewrites the key tables (`VACUUM
    /// FULL`), leaving no dead row of a destroyed key. (Bodies stay ciphertext wherever a dead
    /// row of them remains; their key is gone.)
    func reclaimErasedSpace() async throws
    /// Where the store lives, for messages (a file's path, or a database without its password).
    var place: String { get }
    /// The highest epoch the central server has written in or been (what a restore opens the
    /// next one after).
    func highestOwnEpoch() async throws -> UInt32
    /// A store put back from a copy goes on as a new replica: a new epoch (none of its
    /// identities is ever reused) and a new store id (every node resets its checkpoints and
    /// sends again what the copy lacks).
    func beginRestoredEpoch(_ epoch: UInt32, storeID: String) async throws
    /// Writes a consistent copy of the store to the new file `path` while it is in use; a store
    /// that has no file copies (PostgreSQL) says which tools copy it.
    func backup(to path: String) async throws
    /// Ends the store's connections once nothing uses it any more: the central daemon's last
    /// step, after its HTTP server has stopped (SQLite's close with the store itself).
    func close() async
}

/// How far behind the feed's readers are.
public struct FeedLag: Sendable, Equatable {
    /// The highest feed position committed.
    public var head: Int64
    /// The most entries a node seen within the last day has not acknowledged yet.
    public var entries: Int64
    /// How long the append in progress has held the feed back (later appends wait for it):
    /// 0 when none is, or when appends cannot hold it back (SQLite's one writer).
    public var heldSeconds: Double

    public init(head: Int64, entries: Int64, heldSeconds: Double) {
        self.head = head
        self.entries = entries
        self.heldSeconds = heldSeconds
    }

    /// Nodes not seen for a day (switched off, retired) do not count in `entries`.
    public static let recentWindow: Int64 = 86_400_000
}

/// The central server's write transaction.
public typealias CentralTransaction = ReplicaTransaction & CredentialTransaction & ScopeTransaction & DeskTransaction

/// The index of need to know (docs/domain.md), kept in the same transaction as the records it
/// derives from: which departments hold each case, and when that last changed.
public protocol ScopeTransaction {
    /// The departments that hold case `id` now.
    func scope(ofCase id: String) async throws -> Set<String>
    /// Sets the departments that hold case `id`: every department that enters or leaves is
    /// stamped with the next change number, so pulls find it.
    func setScope(ofCase id: String, to departments: Set<String>) async throws
    /// Every case id (to rebuild the index).
    func caseIDs() async throws -> [String]
    /// Records that `node` was told case `id` left its department's scope at a pull where its
    /// own chain's head was `head` (docs/domain.md, "Writes from outside the scope"). The first
    /// telling stands while the case stays out: a node cannot move the line by pulling again.
    func recordScopeExit(ofCase id: String, node: NodeID, head: ScopeExit) async throws
    /// The case entered the node's department's scope again: its later entries are work on it.
    func clearScopeExit(ofCase id: String, node: NodeID) async throws
    /// Where `node` stood when it was told case `id` left its scope, if it was.
    func scopeExit(ofCase id: String, node: NodeID) async throws -> ScopeExit?
    /// The heads `node` claimed at the pulls that told it a case left, in `replica`'s chain
    /// from seq `from` through `through`: each binds the node to its chain up to there.
    func scopeExitHeads(of replica: ReplicaID, from: UInt64, through: UInt64) async throws -> [UInt64: Hash256]
}

/// Where a node's own chain stood at the pull that told it a case left its scope: an entry of
/// the case at or below it was written before the node could know.
public struct ScopeExit: Sendable, Equatable {
    public let replica: ReplicaID
    public let seq: UInt64
    public let hash: Hash256

    public init(replica: ReplicaID, seq: UInt64, hash: Hash256) {
        self.replica = replica
        self.seq = seq
        self.hash = hash
    }

    /// Whether entry `id` of the node was written before it was told: in an earlier epoch, or
    /// at or below the head in this one.
    public func precedes(_ id: EntryID) -> Bool {
        id.epoch < replica.epoch || (id.epoch == replica.epoch && id.seq <= seq)
    }
}

/// A pull's view through a department's scope.
public struct FeedScope: Sendable {
    public let department: String
    /// The last scope change the node has taken in (0: none).
    public let after: Int64
    /// Where the history of the case of the next change goes on, when an earlier page carried
    /// part of it (0: from its start).
    public let historyAfter: Int64

    public init(department: String, after: Int64, historyAfter: Int64 = 0) {
        self.department = department
        self.after = after
        self.historyAfter = historyAfter
    }
}

/// The scope changes a page carries for the pulling department.
public struct ScopeDelivery: Sendable {
    /// Bodies of the entries of cases that entered the scope, up to the pull's cursor: the node
    /// holds their envelopes as stubs and fills them.
    public var history: [FeedItem]
    /// Cases that left the scope: the node purges their contents.
    public var left: [String]
    /// The last change this page takes in.
    public var next: Int64
    /// Whether more changes follow.
    public var more: Bool
    /// The cases that entered the scope (whose history this is).
    public var cases: Set<String>
    /// When the page ends inside a case's history: the journal position its next page goes on
    /// after (0: the page ends between changes).
    public var historyAfter: Int64 = 0

    public init(history: [FeedItem], left: [String], next: Int64, more: Bool, cases: Set<String> = []) {
        self.history = history
        self.left = left
        self.next = next
        self.more = more
        self.cases = cases
    }
}

/// Credentials and the audit log, written in the same transaction as what they record.
public protocol CredentialTransaction {
    /// Stores a credential by its token's hash (and, for a node, the enrollment key its token
    /// derives); refuses a second live one for the same node or user.
    func addCredential(tokenHash: String, principal: Principal, enrollmentKey: [UInt8]?, createdAt: String) async throws
    /// A node's live credential: its enrollment key and the keys bound at its first contact.
    func nodeCredential(_ node: NodeID) async throws -> NodeCredential?
    /// Binds a node's own keys (its first contact, or a rotation).
    func bindKeys(of node: NodeID, signing: [UInt8], agreement: [UInt8], at time: String) async throws
    /// Revokes the live credentials of a node or user; returns how many.
    func revokeCredentials(kind: Principal.Kind, subject: String, at time: String) async throws -> Int
    /// Brings a node's live credential up to a journalled directory event the central server
    /// receives back (relayed after a restore): a revocation revokes a credential made before
    /// it; keys bound after the credential's binding replace it. Returns whether it changed.
    func applyRelayed(_ event: DirectoryEvent, at time: String) async throws -> Bool
    /// The last audit row's hash (nil when the log is empty).
    func lastAuditHash() async throws -> String?
    /// Appends an audit row (its hashes computed by the caller).
    func appendAudit(_ row: AuditRow) async throws
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
    /// The pulling department's scope changes (nil for an unscoped feed).
    public var scope: ScopeDelivery?
    /// The keys of the cases whose bodies the page carries, to seal for the puller: data keys,
    /// and location keys of the cases its department leads.
    public var caseKeys: CaseKeySet

    public init(entries: [FeedItem], heads: [StoredHead], next: FeedCursor, more: Bool, scope: ScopeDelivery? = nil,
                caseKeys: CaseKeySet = CaseKeySet()) {
        self.entries = entries
        self.heads = heads
        self.next = next
        self.more = more
        self.scope = scope
        self.caseKeys = caseKeys
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
