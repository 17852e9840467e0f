import Crypto
import EnlaceModel

/// What a replica (a field node or the central server) stores, whatever the database: the
/// append-only journal of envelopes (with bodies where the replica holds them) and, materialised
/// from it in the same transactions, records, conflicts, folio counters and the directory of
/// who belongs where; the signed chain heads and the anchor key they verify under.
///
/// The rules of appending live above this seam, once, in `ReplicaWriter`; an implementation
/// only stores and reads typed values. `JournalStore` (SQLite) implements it; the contract
/// tests (`ReplicaStoreContractTests`) run against any implementation unchanged.
public protocol ReplicaStore: Sendable {
    /// Runs `body` in one write transaction: everything it writes commits together or not at all.
    func write<T: Sendable>(_ body: sending (any ReplicaTransaction) async throws -> T) async throws -> T
    /// Runs `body` on one consistent snapshot.
    func read<T: Sendable>(_ body: sending (any JournalReading & KeyReading) async throws -> T) async throws -> T
    /// Who this replica is: its node, department and epoch.
    func identity() async throws -> ReplicaIdentity
    /// Checks the store: the database's own integrity, then everything `JournalVerifier` checks.
    func verify() async throws -> VerifyReport
    /// Recomputes what is materialised from the journal alone, reporting every difference.
    func rebuild() async throws -> RebuildReport
}

/// A replica's write transaction: the journal and the keys that sign it.
public typealias ReplicaTransaction = JournalTransaction & KeyTransaction

/// Reads of the journal and of what is materialised from it.
public protocol JournalReading {
    /// How many entries the journal holds (stubs and quarantined ones included).
    func entryCount() async throws -> Int
    /// How many entries are quarantined: kept in their chain, not applied.
    func quarantinedCount() async throws -> Int
    /// The highest stored seq of `replica` (0 when none).
    func lastSeq(of replica: ReplicaID) async throws -> UInt64
    /// The envelope hash of the stored entry `id`, if stored.
    func envelopeHash(of id: EntryID) async throws -> Hash256?
    /// Every chain held (stubs included) and its highest seq.
    func heldChains() async throws -> [ReplicaID: UInt64]
    /// The replica this store writes as now: its node and current epoch.
    func ownReplica() async throws -> ReplicaID
    /// How far this replica's clock is from the central server's, as the central server last
    /// said (0 before it has): what local timestamps are corrected by.
    func clockOffsetMillis() async throws -> Int64
    /// The highest epoch `node` wrote in or was enrolled for (0 when none): its next
    /// enrollment opens the one after.
    func lastEpoch(of node: NodeID) async throws -> UInt32
    /// Every applied edit of one record, in arrival order.
    func entries(of key: RecordKey) async throws -> [JournalEntry]
    /// The edits of one record kept quarantined that still open and decode (a rule of who may
    /// write what refused them), in arrival order.
    func quarantinedEdits(of key: RecordKey) async throws -> [JournalEntry]
    /// The record's canonical JSON (with its open conflicts), if stored.
    func documentText(_ key: RecordKey) async throws -> String?
    /// One page of records of `type`, ordered by id, after `after`.
    func records(of type: RecordType, after: String?, limit: Int) async throws -> Page<String>
    /// Every materialised record's key, ordered.
    func recordKeys() async throws -> [RecordKey]
    /// One page of conflicts matching `filter`, ordered by id, after `after`.
    func conflicts(_ filter: ConflictFilter, after: String?, limit: Int) async throws -> Page<StoredConflict>
    /// One conflict by its current id.
    func conflict(id: String) async throws -> StoredConflict?
    /// Every stored conflict of one record (open and resolved).
    func conflicts(of key: RecordKey) async throws -> [StoredConflict]
    /// Where a conflict id (current or superseded) belongs.
    func conflictLocation(id: String) async throws -> ConflictLocation?
    /// Open conflicts counted by their record's department.
    func openConflictsByDepartment() async throws -> [String: Int]
    /// When the oldest open conflict opened (epoch milliseconds), nil when none is open.
    func oldestOpenConflictAt() async throws -> Int64?
    /// The last folio number a node used in a year (0 when none).
    func lastFolioNumber(node: String, year: Int) async throws -> Int
    /// Who belongs where, as the journal's directory entries say.
    func directory() async throws -> Directory
    /// Quarantined entries, oldest first, with the reason each was not applied.
    func quarantined(after position: Int64, limit: Int) async throws -> [QuarantinedEntry]
    /// Visits every entry in journal order, as stored.
    func forEachEntry(_ body: (StoredEntryRow) async throws -> Void) async throws
    /// The data key of case `id` (what its sealed bodies open with), when this replica holds it.
    func caseKey(_ id: String) async throws -> SymmetricKey?
    /// The location keys of case `id` this replica holds, by key id (`LocationSeal`).
    func locationKeys(_ id: String) async throws -> [String: SymmetricKey]
}

extension JournalReading {
    /// The edit in entry `id`'s body, opened with its case's key when it is sealed.
    public func readEdit(_ id: EntryID, body: EntryBody) async throws -> JournalEntry {
        try await CaseKeyMemo(self).read(id, body: body)
    }

    /// The edits a batch's bodies hold (nil for a stub or a body that is no readable edit), each
    /// case's key read once.
    public func readEdits(_ entries: [ChainedEntry]) async -> [JournalEntry?] {
        let keys = CaseKeyMemo(self)
        var edits: [JournalEntry?] = []
        edits.reserveCapacity(entries.count)
        for entry in entries {
            guard let body = entry.body else { edits.append(nil); continue }
            edits.append(try? await keys.read(entry.id, body: body))
        }
        return edits
    }
}

extension JournalTransaction {
    /// A department that stopped being a case's lead (docs/domain.md, "Who may name the lead")
    /// drops the case's location keys; the record is stored again with its restricted fields
    /// sealed, as every other department holds them.
    public func dropLocationKeysNoLongerLed(_ records: [RecordKey: MaterializedRecord]) async throws {
        let cases = records.filter { $0.key.type == .caseFile }
        guard !cases.isEmpty else { return }
        let department = try await ownDepartment()
        guard department != LeadRule.office else { return }
        for key in cases.keys.sorted(by: { $0.id < $1.id }) where try await !locationKeys(key.id).isEmpty {
            guard let state = try await recordState(key), !LeadRule.currentLeads(of: state).contains(department) else { continue }
            try await destroyLocationKeys(key.id)
            _ = try await save([state])
        }
    }

    /// Nothing to do where a statement is cheap (SQLite, in process).
    public func prefetchCases(_ records: [RecordKey]) async throws {}

    /// Nothing to do where writes are cheap (SQLite, in process).
    public func sendHeldWrites() async throws {}

    /// Keeps the keys a batch or page brought, before its entries: never an erased case's.
    public func storeKeys(_ keys: CaseKeySet) async throws {
        for (id, keyID, key) in keys.entries where try await !isErased(RecordKey(.caseFile, id)) {
            if let keyID { try await storeLocationKey(id, keyID: keyID, key) } else { try await storeCaseKey(id, key) }
        }
    }
}

/// The journal side of a write transaction.
public protocol JournalTransaction: JournalReading {
    /// The row stored at `id`, if any.
    func storedRow(_ id: EntryID) async throws -> StoredEntryRow?
    /// Reads the rows stored at `ids` ahead of the `storedRow` calls a batch makes for them
    /// (a store where each statement is a network round trip reads them in one).
    func prefetchRows(_ ids: [EntryID]) async throws
    /// Reads ahead, in a few statements, what a batch asks of each record it touches one by one
    /// (whether it has applied edits; a case's data key, erasure, scope, location keys and
    /// scope exits): a store where each statement is a network round trip answers them from it.
    func prefetchCases(_ records: [RecordKey]) async throws
    /// Sends the writes this transaction holds to be sent together, now: a store where each
    /// statement is a network round trip performs them while the caller goes on (they would
    /// otherwise wait for the next statement naming their table, or COMMIT).
    func sendHeldWrites() async throws
    /// The seq and envelope hash `replica`'s next entry must follow (nil before its first).
    func chainTip(of replica: ReplicaID) async throws -> ChainTip?
    /// The latest stored timestamp at or before `millis`: a new local timestamp comes after it.
    func lastTimestamp(notAfter millis: Int64) async throws -> HybridTimestamp?
    /// Appends an entry to the journal (the writer has checked it).
    func insert(_ row: JournalRow) async throws
    /// Gives a stored stub its body (the writer has checked that the envelope commits to it).
    func fill(_ row: JournalRow) async throws
    /// A record's merge state as this transaction sees it (its own writes included).
    func recordState(_ key: RecordKey) async throws -> RecordState?
    /// Materialises each state and replaces its record's materialised JSON and conflicts with
    /// what it gives; returns the records, in the states' order.
    func save(_ states: [RecordState]) async throws -> [MaterializedRecord]
    /// Keeps a node's folio counter at `number` for `year` at least.
    func raiseFolioCounter(node: String, year: Int, to number: Int) async throws
    /// Records a directory event in the materialised directory.
    func applyDirectory(_ event: DirectoryEvent) async throws
    /// Erases a case's contents (ARCO cancellation): every body of it becomes a stub, its
    /// conflicts go, its record becomes the event's tombstone, and it is registered as erased.
    /// Returns how many bodies were destroyed.
    func erase(_ event: ErasureEvent) async throws -> Int
    /// Whether a case was erased: no body of it is stored or applied again.
    func isErased(_ key: RecordKey) async throws -> Bool
    /// Keeps case `id`'s data key (encrypted at rest); a key already held stays as it is.
    func storeCaseKey(_ id: String, _ key: SymmetricKey) async throws
    /// Keeps case `id`'s location key `keyID`; a key already held stays as it is.
    func storeLocationKey(_ id: String, keyID: String, _ key: SymmetricKey) async throws
    /// Destroys every location key of case `id` this replica holds (its department stopped
    /// being the case's lead).
    func destroyLocationKeys(_ id: String) async throws
    /// This replica's department (`CENTRAL` for the central server).
    func ownDepartment() async throws -> String
}

/// Chain heads and the key everything is anchored to.
public protocol KeyReading {
    /// The central server's signing key: the anchor every other key is vouched for by.
    func anchorKey() async throws -> [UInt8]?
    /// Every stored chain head.
    func heads() async throws -> [StoredHead]
}

/// The key side of a write transaction.
public protocol KeyTransaction: KeyReading {
    /// Sets the anchor key (at init); refuses to replace a different one.
    func setAnchorKey(_ key: [UInt8]) async throws
    /// Stores a verified chain head.
    func recordHead(_ head: StoredHead) async throws
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

/// The end of a replica's chain: its last seq and that envelope's hash.
public struct ChainTip: Sendable, Equatable {
    public let seq: UInt64
    public let hash: Hash256

    public init(seq: UInt64, hash: Hash256) {
        self.seq = seq
        self.hash = hash
    }
}

/// What a journal row holds about its entry.
public enum EntryState: Sendable, Equatable {
    /// Merged: a record edit applied to its record, or a directory event to the directory.
    case applied
    /// The envelope alone: this replica does not hold the body.
    case stub
    /// Verified in its chain, kept, not applied; the reason says why.
    case quarantined(String)

    /// Why a quarantined entry was not applied (nil otherwise), as stored.
    package var reason: String? {
        if case .quarantined(let reason) = self { return reason }
        return nil
    }

    /// The state's name as stored.
    public var name: String {
        switch self {
        case .applied: "applied"
        case .stub: "stub"
        case .quarantined: "quarantined"
        }
    }
}

/// An entry about to be stored: what it is and what its body says.
public struct JournalRow: Sendable {
    /// What the body turned out to be.
    public enum Content: Sendable {
        case edit(JournalEntry)
        case directory(DirectoryEvent)
        case erasure(ErasureEvent)
        case none
    }

    public let entry: ChainedEntry
    /// The envelope's hash.
    public let hash: Hash256
    public let content: Content
    public let state: EntryState

    public init(entry: ChainedEntry, hash: Hash256, content: Content, state: EntryState) {
        self.entry = entry
        self.hash = hash
        self.content = content
        self.state = state
    }

    /// The record the entry edits, when it is an edit.
    public var edit: JournalEntry? {
        if case .edit(let edit) = content { return edit }
        return nil
    }

    /// The columns a store derives from the row's content: body kind, record, time. An erasure
    /// belongs to its case: it reaches the departments that hold the case only.
    package var columns: (kind: Int?, recordType: String?, recordID: String?, atMillis: Int64?, tick: Int64?) {
        switch content {
        case .edit(let edit):
            (Int(BodyKind.edit.rawValue), edit.recordType.rawValue, edit.recordID, edit.timestamp.millis, Int64(edit.timestamp.counter))
        case .directory: (Int(BodyKind.directory.rawValue), nil, nil, nil, nil)
        case .erasure(let event): (Int(BodyKind.erasure.rawValue), RecordType.caseFile.rawValue, event.caseID, event.at, 0)
        case .none: (nil, nil, nil, nil, nil)
        }
    }
}

/// A journal row as found: what the row's columns claim beside its envelope and body.
public struct StoredEntryRow: Sendable {
    public let position: Int64
    public let origin: String
    public let epoch: Int64
    public let seq: Int64
    public let envelope: [UInt8]
    public let hash: [UInt8]
    /// Salt and body, when held.
    public let body: [UInt8]?
    public let recordType: String?
    public let recordID: String?
    public let atMillis: Int64?
    public let state: EntryState

    public init(position: Int64, origin: String, epoch: Int64, seq: Int64, envelope: [UInt8], hash: [UInt8], body: [UInt8]?,
                recordType: String?, recordID: String?, atMillis: Int64?, state: EntryState) {
        self.position = position
        self.origin = origin
        self.epoch = epoch
        self.seq = seq
        self.envelope = envelope
        self.hash = hash
        self.body = body
        self.recordType = recordType
        self.recordID = recordID
        self.atMillis = atMillis
        self.state = state
    }

    /// The row as a chained entry (nil when its envelope or body blob does not decode).
    public var chainedEntry: ChainedEntry? {
        guard let envelope = try? EntryEnvelope(bytes: envelope) else { return nil }
        guard let body else { return ChainedEntry(envelope: envelope, body: nil) }
        guard let decoded = try? EntryBody(blob: body) else { return nil }
        return ChainedEntry(envelope: envelope, body: decoded)
    }

    /// `origin:seq` (with `~epoch` from epoch 2 on), for messages.
    public var name: String { epoch == 1 ? "\(origin):\(seq)" : "\(origin)~\(epoch):\(seq)" }
}

/// A quarantined entry, for `enlace status` and the office.
public struct QuarantinedEntry: Sendable, Equatable {
    /// Its place in the journal (a page's cursor).
    public let position: Int64
    public let id: String
    public let reason: String

    public init(position: Int64, id: String, reason: String) {
        self.position = position
        self.id = id
        self.reason = reason
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
    /// The conflict as the API's JSON (openapi/node.yaml, Conflict).
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

/// A stored chain head: the origin vouches for its chain up to `id`, whose envelope hashes to `hash`.
public struct StoredHead: Sendable, Equatable {
    public let id: EntryID
    public let hash: Hash256
    public let signature: [UInt8]

    public init(id: EntryID, hash: Hash256, signature: [UInt8]) {
        self.id = id
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
