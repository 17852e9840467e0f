import Crypto
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Synchronization

/// A node's chain made by hand in a test: it seals edits one after another and signs batches
/// with its key, as a node's sync engine would.
public final class TestOrigin: @unchecked Sendable {
    public let node: NodeID
    public let key: ReplicaKey
    public private(set) var sealed: [ChainedEntry] = []

    public init(_ node: String, key: ReplicaKey = .generate()) {
        self.node = NodeID(node)!
        self.key = key
    }

    /// The data keys of the cases test origins write, shared by every origin of the process
    /// (as a case's key is shared by every replica in its scope).
    static let caseKeys = Mutex<[String: SymmetricKey]>([:])

    /// Case `id`'s data key (made on first use).
    public static func caseKey(_ id: String) -> SymmetricKey {
        caseKeys.withLock { keys in
            if let key = keys[id] { return key }
            let key = SymmetricKey(size: .bits256)
            keys[id] = key
            return key
        }
    }

    /// Seals `edit` as this origin's next entry (its id must be the next seq); a case edit's
    /// contents are encrypted with the case's key, as a node does.
    @discardableResult
    public func seal(_ edit: JournalEntry) -> ChainedEntry {
        let key = SealedEdit.seals(edit.recordType) ? TestOrigin.caseKey(edit.recordID) : nil
        let entry = ChainedEntry(sealing: edit, prev: sealed.last?.envelope.hash, salt: SystemClock.salt(), key: key)
        sealed.append(entry)
        return entry
    }

    /// Gives `store` the keys of the cases `entries` edit, as a pull page would.
    public static func giveKeys(of entries: [ChainedEntry], to store: JournalStore) async throws {
        try await store.write { transaction in
            for id in cases(of: entries) { try await transaction.storeCaseKey(id, caseKey(id)) }
        }
    }

    static func cases(of entries: [ChainedEntry]) -> [String] {
        Set(entries.compactMap { $0.body.flatMap(JournalEntry.recordKey(ofBody:)) }.filter { $0.type == .caseFile }.map(\.id)).sorted()
    }

    /// Seals raw body bytes (a directory event, a malformed body) as this origin's next entry.
    @discardableResult
    public func sealBody(_ bytes: [UInt8]) -> ChainedEntry {
        let entry = ChainedEntry(id: EntryID(origin: node, seq: UInt64(sealed.count + 1)), body: bytes, prev: sealed.last?.envelope.hash,
                                 salt: SystemClock.salt())
        sealed.append(entry)
        return entry
    }

    /// The next edit of `key` by this origin, with `clock` (default: its own counter only).
    public func edit(_ record: RecordKey, _ operations: [FieldOperation], clock: VectorClock? = nil, millis: Int64? = nil,
                     author: String? = nil, note: String? = nil) -> JournalEntry {
        let seq = UInt64(sealed.count + 1)
        return JournalEntry(
            id: EntryID(origin: node, seq: seq), recordType: record.type, recordID: record.id,
            clock: clock ?? VectorClock([node: seq]), timestamp: HybridTimestamp(millis: millis ?? 1_764_000_000_000 + Int64(seq)),
            author: author, note: note, operations: operations)
    }

    /// A signed batch of `entries` (default: all sealed so far).
    /// The case keys go wrapped to `central` (the central server's X25519 key) when given.
    /// The keys are the test keys, or those `store` holds (entries a node's store made).
    public func batch(_ entries: [ChainedEntry]? = nil, signer: ReplicaKey? = nil, central: [UInt8]? = nil,
                      keysFrom store: JournalStore? = nil) async throws -> PushRequest {
        let entries = entries ?? sealed
        let last = entries.last!
        let hash = last.envelope.hash
        var bundle = KeyBundle.empty
        if let central {
            let keys = try await store?.caseKeys(for: Set(TestOrigin.cases(of: entries))) ?? entries.testCaseKeys
            let (encapsulated, sealed) = try KeyWrap.sealBundle(keys, to: central)
            bundle = KeyBundle(encapsulated: encapsulated, sealed: sealed)
        }
        return PushRequest(head: ChainHead(id: last.id, hash: hash, signature: try (signer ?? key).signHead(last.id, hash: hash)),
                           entries: entries, keys: bundle)
    }

    /// The binding of this origin's keys from its first entry on.
    public var binding: KeyBinding {
        KeyBinding(signingKey: key.signingPublicKey, agreementKey: key.agreementPublicKey, from: EntryID(origin: node, seq: 1))
    }

    /// The `Enlace-Signature` header for a request.
    public func signature(method: String, path: String, body: [UInt8], timestamp: Int64 = SystemClock.millis(),
                          signer: ReplicaKey? = nil) throws -> String {
        let nonce = EntryChain.hex(SystemClock.salt())
        let message = RequestSignature.message(method: method, path: path, timestamp: timestamp, nonce: nonce, body: body)
        return RequestSignature(node: node, timestamp: timestamp, nonce: nonce, signature: try (signer ?? key).sign(message)).headerValue
    }
}

extension ChainedEntry {
    /// `edit` as a node makes it: a case edit sealed with the case's test key (`TestOrigin.caseKey`).
    public init(testSealing edit: JournalEntry, prev: Hash256?, salt: [UInt8]) {
        self.init(sealing: edit, prev: prev, salt: salt,
                  key: SealedEdit.seals(edit.recordType) ? TestOrigin.caseKey(edit.recordID) : nil)
    }
}

extension JournalTransaction {
    /// Takes the test keys of the cases `entries` edit, as a pull page's keys are taken.
    public func takeTestKeys(of entries: [ChainedEntry]) async throws {
        for id in TestOrigin.cases(of: entries) { try await storeCaseKey(id, TestOrigin.caseKey(id)) }
    }
}

extension Array where Element == ChainedEntry {
    /// The test keys of the cases these entries edit, as a pull page brings them.
    public var testCaseKeys: CaseKeySet {
        CaseKeySet(data: Dictionary(uniqueKeysWithValues: TestOrigin.cases(of: self).map { ($0, TestOrigin.caseKey($0)) }))
    }
}
