import EnlaceModel

/// What a replica (a field node or the central server) stores, whatever the database: the
/// append-only journal and, materialised from it in the same transactions, records, conflicts
/// and folio counters; the signed chain heads and the keys they verify under.
///
/// The rules of appending live above this seam, once, in `ReplicaWriter`; an implementation
/// only stores and reads typed values. `JournalStore` (SQLite) implements it; the contract
/// tests (`ReplicaStoreContract`) run against any implementation unchanged.
public protocol ReplicaStore: Sendable {
    /// Runs `body` in one write transaction: everything it writes commits together or not at all.
    func write<T>(_ body: (any ReplicaTransaction) throws -> T) throws -> T
    /// Runs `body` on one consistent snapshot.
    func read<T>(_ body: (any JournalReading & KeyReading) throws -> T) throws -> T
    /// Checks the store: the database's own integrity, then everything `JournalVerifier` checks.
    func verify() throws -> VerifyReport
    /// Recomputes what is materialised from the journal alone, reporting every difference.
    func rebuild() throws -> RebuildReport
}

/// A replica's write transaction: the journal and the keys that sign it.
public typealias ReplicaTransaction = JournalTransaction & KeyTransaction

/// Reads of the journal and of what is materialised from it.
public protocol JournalReading {
    /// How many entries the journal holds.
    func entryCount() throws -> Int
    /// The highest stored seq of `origin` (0 when none).
    func lastSeq(of origin: NodeID) throws -> UInt64
    /// Every entry of one record, in arrival order.
    func entries(of key: RecordKey) throws -> [JournalEntry]
    /// The record's canonical JSON (with its open conflicts), if stored.
    func documentText(_ key: RecordKey) throws -> String?
    /// One page of records of `type`, ordered by id, after `after`.
    func records(of type: RecordType, after: String?, limit: Int) throws -> Page<String>
    /// Every materialised record's key, ordered.
    func recordKeys() throws -> [RecordKey]
    /// One page of conflicts matching `filter`, ordered by id, after `after`.
    func conflicts(_ filter: ConflictFilter, after: String?, limit: Int) throws -> Page<StoredConflict>
    /// One conflict by its current id.
    func conflict(id: String) throws -> StoredConflict?
    /// Every stored conflict of one record (open and resolved).
    func conflicts(of key: RecordKey) throws -> [StoredConflict]
    /// Where a conflict id (current or superseded) belongs.
    func conflictLocation(id: String) throws -> ConflictLocation?
    /// Open conflicts counted by their record's department.
    func openConflictsByDepartment() throws -> [String: Int]
    /// The last folio number a node used in a year (0 when none).
    func lastFolioNumber(node: String, year: Int) throws -> Int
    /// Visits every entry in journal order, as stored.
    func forEachEntry(_ body: (StoredEntryRow) throws -> Void) throws
}

/// The journal side of a write transaction.
public protocol JournalTransaction: JournalReading {
    /// The canonical text stored at `id`, if any.
    func entryText(_ id: EntryID) throws -> String?
    /// The seq and hash the origin's next entry must follow (nil before its first).
    func chainTip(of origin: NodeID) throws -> ChainTip?
    /// The latest stored timestamp: a new local timestamp comes after it.
    func lastTimestamp() throws -> HybridTimestamp?
    /// Appends an entry to the journal (the writer has checked it).
    func insert(_ entry: StoredEntry) throws
    /// A record's merge state as this transaction sees it (its own writes included).
    func recordState(_ key: RecordKey) throws -> RecordState?
    /// Replaces a record's materialised JSON and conflicts; `state` is what built them.
    func save(_ record: MaterializedRecord, state: RecordState) throws
    /// Keeps a node's folio counter at `number` for `year` at least.
    func raiseFolioCounter(node: String, year: Int, to number: Int) throws
}

/// Chain heads and the public keys that verify them.
public protocol KeyReading {
    /// Every pinned public key (hex) by origin.
    func pinnedKeys() throws -> [String: String]
    /// Every stored chain head.
    func heads() throws -> [StoredHead]
}

/// The key side of a write transaction.
public protocol KeyTransaction: KeyReading {
    /// The public key pinned for an origin.
    func pinnedKey(of origin: String) throws -> String?
    /// Pins an origin's public key; never replaces one.
    func pinKey(_ publicKey: String, for origin: String, at time: String) throws
    /// Stores a verified chain head.
    func recordHead(_ head: StoredHead) throws
}

/// One page of a list and the cursor of the next (nil at the end).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var next: String?

    public init(items: [Item], next: String?) {
        self.items = items
        self.next = next
    }
}

/// The end of an origin's chain: its last seq and that entry's hash.
public struct ChainTip: Sendable, Equatable {
    public let seq: UInt64
    public let hash: String

    public init(seq: UInt64, hash: String) {
        self.seq = seq
        self.hash = hash
    }
}

/// An entry as the journal stores it: the value, its canonical text and the text's hash.
public struct StoredEntry: Sendable {
    public let entry: JournalEntry
    public let text: String
    public let hash: String

    /// The stored form of `entry`.
    public init(_ entry: JournalEntry) {
        self.entry = entry
        text = EntryCoding.encode(entry)
        hash = EntryChain.hash(text)
    }
}

/// A journal row as found, for verification: what the row's columns claim beside its text.
public struct StoredEntryRow: Sendable {
    public let position: Int64
    public let origin: String
    public let seq: Int64
    public let recordType: String
    public let recordID: String
    public let atMillis: Int64
    public let text: String
    public let hash: String?

    public init(position: Int64, origin: String, seq: Int64, recordType: String, recordID: String, atMillis: Int64,
                text: String, hash: String?) {
        self.position = position
        self.origin = origin
        self.seq = seq
        self.recordType = recordType
        self.recordID = recordID
        self.atMillis = atMillis
        self.text = text
        self.hash = hash
    }
}

/// A stored conflict: its canonical JSON and what lists filter on.
public struct StoredConflict: Sendable, Equatable {
    public let id: String
    public let key: RecordKey
    public let field: String
    public let status: Conflict.Status
    /// The department the record belongs to (a case's origin, a certificate holder's).
    public let department: String?
    /// The earliest of its versions' times (epoch milliseconds).
    public let firstAt: Int64
    /// The conflict as the JSON of INTERFACE.md.
    public let json: String

    public init(id: String, key: RecordKey, field: String, status: Conflict.Status, department: String?, firstAt: Int64, json: String) {
        self.id = id
        self.key = key
        self.field = field
        self.status = status
        self.department = department
        self.firstAt = firstAt
        self.json = json
    }

    /// The stored form of a conflict of a record whose department is `department`.
    public init(_ conflict: Conflict, department: String?) {
        self.init(
            id: conflict.id, key: RecordKey(conflict.recordType, conflict.recordID), field: conflict.field, status: conflict.status,
            department: department, firstAt: conflict.versions.map(\.at.millis).min() ?? 0, json: conflict.json.canonicalText)
    }
}

/// Which conflicts a list shows.
public struct ConflictFilter: Sendable, Equatable {
    public var status: Conflict.Status = .open
    public var department: String?
    public var recordType: RecordType?
    /// A field path prefix (`person` matches `person.phone`).
    public var fieldPrefix: String?
    /// Only conflicts whose first version is at or before this time (epoch milliseconds).
    public var firstAtOrBefore: Int64?

    public init(status: Conflict.Status = .open) {
        self.status = status
    }
}

/// Where a conflict id, current or superseded, belongs.
public struct ConflictLocation: Sendable, Equatable {
    public let key: RecordKey
    public let field: String

    public init(key: RecordKey, field: String) {
        self.key = key
        self.field = field
    }
}

/// A stored chain head: the origin vouches for its chain up to `seq`, whose entry hashes to `hash`.
public struct StoredHead: Sendable, Equatable {
    public let origin: String
    public let seq: UInt64
    public let hash: String
    public let signature: String

    public init(origin: String, seq: UInt64, hash: String, signature: String) {
        self.origin = origin
        self.seq = seq
        self.hash = hash
        self.signature = signature
    }
}

extension MaterializedRecord {
    /// The department a record belongs to: a case's origin, a certificate holder's.
    public var department: String? {
        fields["origin_department"]?.stringValue ?? fields["department"]?.stringValue
    }
}
