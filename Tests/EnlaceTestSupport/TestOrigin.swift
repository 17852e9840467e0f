import EnlaceModel
import EnlaceProtocol
import EnlaceStore

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

    /// Seals `edit` as this origin's next entry (its id must be the next seq).
    @discardableResult
    public func seal(_ edit: JournalEntry) -> ChainedEntry {
        let entry = ChainedEntry(sealing: edit, prev: sealed.last?.envelope.hash, salt: SystemClock.salt())
        sealed.append(entry)
        return entry
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
    public func edit(_ record: RecordKey, _ operations: [FieldOperation], clock: VectorClock? = nil, millis: Int64? = nil) -> JournalEntry {
        let seq = UInt64(sealed.count + 1)
        return JournalEntry(
            id: EntryID(origin: node, seq: seq), recordType: record.type, recordID: record.id,
            clock: clock ?? VectorClock([node: seq]), timestamp: HybridTimestamp(millis: millis ?? 1_764_000_000_000 + Int64(seq)),
            operations: operations)
    }

    /// A signed batch of `entries` (default: all sealed so far).
    public func batch(_ entries: [ChainedEntry]? = nil, signer: ReplicaKey? = nil) throws -> PushRequest {
        let entries = entries ?? sealed
        let last = entries.last!
        let hash = last.envelope.hash
        return PushRequest(head: ChainHead(id: last.id, hash: hash, signature: try (signer ?? key).signHead(last.id, hash: hash)),
                           entries: entries)
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
