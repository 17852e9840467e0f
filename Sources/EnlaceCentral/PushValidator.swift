import Crypto
import EnlaceModel
import EnlaceProtocol

/// Every check a pushed or relayed batch passes before anything of it is stored, as pure
/// functions of the batch and of the facts the store holds about its chain: `CentralServer`
/// reads those facts in its transaction and appends only a batch that passed. Each stage
/// refuses with the precise `Refusal` the node is answered with; the stages run in the order
/// they cost, so the batch's shape is checked before anything is read, each read is made only
/// when the check before it passed, and the signature is verified before any record is read.
struct PushValidator {
    let batch: PushRequest
    /// The node that sent the batch.
    let node: NodeID
    /// The sending node's department for a push of its own chain; nil for a relay of another
    /// origin's chain.
    let department: String?

    /// Whether the batch is a relay.
    var isRelay: Bool { department == nil }

    /// The batch's shape, before anything is read: entries, each seq in range, only the node's
    /// own for a push, one epoch, contiguous, the signed head its last entry, every body the
    /// one its envelope commits to. Returns the chain the batch extends.
    func checkShape() throws(Refusal) -> ReplicaID {
        let entries = batch.entries
        guard let last = entries.last else { throw Refusal.malformed("the batch holds no entries", field: "entries") }
        let replica = last.id.replica
        for entry in entries where !EntryID.isValidSeq(entry.id.seq) {
            throw Refusal.malformed("seq must be from 1 to \(EntryID.maxSeq)", field: "seq")
        }
        for entry in entries where !isRelay && entry.id.origin != node {
            throw Refusal.forbidden("entry \(entry.id) is from \(entry.id.origin), not from node \(node): a node pushes only its own entries")
        }
        for entry in entries where entry.id.replica != replica {
            throw Refusal.malformed("a batch holds one epoch's entries: \(entry.id) is of another", field: "entries")
        }
        for (previous, next) in zip(entries, entries.dropFirst()) where next.id.seq != previous.id.seq + 1 {
            throw Refusal.malformed("entries must be in ascending, contiguous seq order: \(next.id) follows \(previous.id)", field: "entries")
        }
        // A stub is what a replica holds without the body: a relay's entries of cases it never
        // held, or a node's own entry of a case that left its scope and was purged (sent again
        // after a central restore). It is stored as a stub, or is a duplicate.
        guard batch.head.id == last.id, batch.head.hash == last.envelope.hash else {
            throw Refusal.unprocessable("the signed head does not match the batch's last entry \(last.id): it was altered after signing",
                                        field: "head")
        }
        for entry in entries where !entry.bodyMatches {
            throw Refusal.unprocessable("entry \(entry.id): its body is not the one its envelope commits to (altered)")
        }
        return replica
    }

    /// A case key the batch brings against the one held (`held`, nil when none is): a
    /// different key for a case held here is another case reusing its id.
    func checkCaseKey(_ id: String, brought: SymmetricKey, held: SymmetricKey?) throws(Refusal) {
        guard let held else { return }
        guard held.withUnsafeBytes({ Array($0) }) == brought.withUnsafeBytes({ Array($0) }) else {
            throw Refusal.conflict("the batch brings another key for case \(id), which already exists: ids are never reused")
        }
    }

    /// The department the batch writes as: the pushing node's; for a relay, the origin's as
    /// the directory says (nil for the central server's own entries, which write as the office).
    func writer(of replica: ReplicaID, in directory: Directory) -> String? {
        department ?? (replica.node == .central ? nil : directory.department(of: replica.node))
    }

    /// A department writes only as itself: no edit of a node's chain claims another department
    /// (the central server's own entries claim what the office decides).
    func checkClaims(_ edits: [JournalEntry], of replica: ReplicaID, writer: String?) throws(Refusal) {
        guard replica.node != .central else { return }
        for edit in edits {
            guard let claim = edit.claimedDepartments.first(where: { $0.department != writer }) else { continue }
            throw Refusal.forbidden(
                "entry \(edit.id) writes \(claim.field) as another department than node \(replica.node)'s (\(writer ?? "none"))",
                field: claim.field)
        }
    }

    /// The batch's epoch against the sender's current one: a push extends the node's current
    /// epoch (an older one of the same node has diverged: it was restored, and the central
    /// server holds that chain through `heldThrough`, read only then); a relay never carries
    /// the sender's current chain.
    func checkEpoch(_ replica: ReplicaID, current: ReplicaID, heldThrough: () async throws -> UInt64) async throws {
        if isRelay {
            guard replica != current else {
                throw Refusal.malformed("a node sends its own current chain with \(Route.push), not as a relay", field: "entries")
            }
        } else if replica != current {
            if replica.epoch < current.epoch, node == current.node {
                // A node that lost its new epoch (killed while recovering, or restored again) recovers once more.
                throw Refusal.diverged("node \(node) writes as \(current) now; entries of \(replica) are not accepted",
                                       heldThrough: try await heldThrough())
            }
            throw Refusal.conflict("node \(node) writes as \(current) since its latest enrollment; entries of \(replica) are not accepted")
        }
    }

    /// The batch against the chain stored: no entry differs from a head the node signed at an
    /// earlier pull (`exitHeads`, by seq), and the batch starts at most right after `lastStored`.
    func checkChain(_ replica: ReplicaID, lastStored: UInt64, exitHeads: [UInt64: Hash256]) throws(Refusal) {
        for (seq, hash) in exitHeads.sorted(by: { $0.key < $1.key }) {
            guard let entry = batch.entries.first(where: { $0.id.seq == seq }), entry.envelope.hash == hash else {
                throw Refusal.conflict("entry \(replica):\(seq) differs from the chain head node \(replica.node) signed at an earlier pull")
            }
        }
        if let first = batch.entries.first, first.id.seq > lastStored + 1 {
            throw Refusal.gap("gap: the central server holds \(replica) through seq \(lastStored); send from seq \(lastStored + 1)",
                              expectedSeq: lastStored + 1)
        }
    }

    /// The head's signature, by `key`: the origin's key bound for the head (nil when none is),
    /// or the central server's own for its chain.
    func checkSignature(of replica: ReplicaID, key: [UInt8]?) throws(Refusal) {
        let head = batch.head
        guard let key else { throw Refusal.forbidden("no key of node \(replica.node) is bound for \(head.id)") }
        guard EntryChain.verifyHead(head.id, hash: head.hash, signature: head.signature, publicKey: key) else {
            throw Refusal.forbidden("the signature of \(head.id) does not verify with \(replica.node)'s key: forged or signed by another node")
        }
    }

    /// A record id names one record forever: an edit creating a record that exists without it
    /// (`state`: the record's stored state, nil when none) is refused.
    func checkCreation(_ edit: JournalEntry, state: RecordState?) throws(Refusal) {
        guard edit.createsRecord, let state, !state.contains(edit.id) else { return }
        throw Refusal.conflict("entry \(edit.id) creates \(edit.recordKey), which already exists: ids are never reused")
    }
}
