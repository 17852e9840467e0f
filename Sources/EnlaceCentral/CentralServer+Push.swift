import EnlaceModel
import EnlaceProtocol
import EnlaceStore

extension CentralServer {
    /// Stores a node's pushed batch atomically: only the node's own entries, contiguous from
    /// what is stored, continuing its hash chain, signed at their head by the node's pinned key
    /// (pinned on first contact, which the enrollment token authenticates), written as the
    /// node's own department, and creating no record that exists. An identical resend changes
    /// nothing; any refusal stores nothing.
    public func push(
        _ entries: [JournalEntry], head: ChainHead?, from node: NodeID, department: String
    ) throws -> (stored: Int, duplicates: Int, lastSeq: UInt64) {
        let now = self.now()
        guard let last = entries.last else { throw Refusal.malformed("the batch holds no entries", field: "entries") }
        for entry in entries where !EntryID.isValidSeq(entry.id.seq) {
            throw Refusal.malformed("seq must be from 1 to \(EntryID.maxSeq)", field: "seq")
        }
        for entry in entries where entry.id.origin != node {
            throw Refusal.forbidden("entry \(entry.id) is from \(entry.id.origin), not from node \(node): a node pushes only its own entries")
        }
        for (previous, next) in zip(entries, entries.dropFirst()) where next.id.seq != previous.id.seq + 1 {
            throw Refusal.malformed("entries must be in ascending, contiguous seq order: \(next.id) follows \(previous.id)", field: "entries")
        }
        for entry in entries {
            do { try Schema.checkNotInFuture(entry, now: now) } catch { throw Refusal.invalid(error) }
            // A department writes only as itself.
            if let claim = entry.claimedDepartments.first(where: { $0.department != department }) {
                throw Refusal.forbidden(
                    "entry \(entry.id) writes \(claim.field) as another department than node \(node)'s (\(department))", field: claim.field)
            }
        }
        guard let head else { throw Refusal.malformed("the batch carries no signed head", field: "head") }
        let lastHash = EntryChain.hash(EntryCoding.encode(last))
        guard head.origin == node.rawValue, head.seq == last.id.seq, head.hash == lastHash else {
            throw Refusal.unprocessable("the signed head does not match the batch's last entry \(last.id): it was altered after signing",
                                        field: "head")
        }
        return try storage.transaction { transaction in
            let lastStored = try transaction.lastSeq(of: node)
            if let first = entries.first, first.id.seq > lastStored + 1 {
                throw Refusal.gap("gap: the central server holds \(node) through seq \(lastStored); send from seq \(lastStored + 1)",
                                  expectedSeq: lastStored + 1)
            }
            let pinned = try transaction.pinnedKey(of: node.rawValue)
            if let pinned, let offered = head.publicKey, offered != pinned {
                throw Refusal.forbidden("the batch is signed with another key than the one pinned for node \(node)")
            }
            guard let key = pinned ?? head.publicKey else {
                throw Refusal.malformed("the first batch of node \(node) must carry its public key", field: "head.public_key")
            }
            guard EntryChain.verifyHead(origin: node, seq: head.seq, hash: head.hash, signature: head.signature, publicKey: key) else {
                throw Refusal.forbidden("the signature of \(node):\(head.seq) does not verify with node \(node)'s key: forged or signed by another node")
            }
            if pinned == nil { try transaction.pinKey(key, for: node.rawValue, at: RFC3339.format(millis: now)) }
            // A record id names one record forever: a creation of a record that exists is refused.
            for entry in entries where entry.createsRecord {
                if let state = try transaction.recordState(entry.recordKey), !state.contains(entry.id) {
                    throw Refusal.conflict("entry \(entry.id) creates \(entry.recordKey), which already exists: ids are never reused")
                }
            }
            let outcome: AppendOutcome
            do {
                outcome = try ReplicaWriter.append(entries, in: transaction)
            } catch let error as ValidationError {
                throw Refusal.invalid(error)
            } catch let error as StoreError {
                throw Refusal.conflict(error.description)
            }
            try transaction.recordHead(StoredHead(origin: node.rawValue, seq: head.seq, hash: head.hash, signature: head.signature))
            return (outcome.applied.count, outcome.duplicates, try transaction.lastSeq(of: node))
        }
    }

    /// One page of the change feed for `node`, as the wire's JSON (entries spliced as stored).
    public func pull(after cursor: FeedCursor, for node: NodeID, limit: Int) throws -> String {
        guard try storage.feedHas(cursor) else {
            throw Refusal.staleCursor("unknown cursor: this central store does not hold it (replaced or restored); pull again from the start")
        }
        let page = try storage.feed(after: cursor, excluding: node, limit: limit)
        SyncCounters.pulled(page.entries.count)
        return PullPage.encode(
            storeID: try storage.storeID(), entries: page.entries, nextPosition: page.next.position, nextEntry: page.next.entry,
            more: page.more, heads: page.heads.map { ChainHead(origin: $0.origin, seq: $0.seq, hash: $0.hash, signature: $0.signature) })
    }
}
