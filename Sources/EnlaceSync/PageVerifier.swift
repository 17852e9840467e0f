import EnlaceModel
import EnlaceProtocol
import EnlaceStore

/// The checks a pulled page passes before anything of it is stored, pure over the page, the
/// anchor key and the directory the node holds.
enum PageVerifier {
    /// Checks a pulled page before storing it: the central server's heads verify under the
    /// anchor key; every other origin's under the key the journalled directory (with this
    /// page's directory events) says it held there; each chain in the page ends at a head that
    /// names its last envelope. Chain links and body commitments are checked as entries are
    /// stored.
    static func verify(_ page: PullPage, anchor: [UInt8]?, directory stored: Directory) throws(SyncError) -> [StoredHead] {
        guard let anchor else { throw SyncError(.failed, "this node has no anchor key: run `enlace node init` with its enrollment token") }
        var directory = stored
        var byID: [EntryID: ChainedEntry] = [:]
        var lastOfChain: [ReplicaID: EntryID] = [:]
        for entry in page.entries {
            byID[entry.id] = entry
            lastOfChain[entry.id.replica] = entry.id
        }
        func refuse(_ reason: String) -> SyncError { SyncError(.untrusted, "refused a page from the central server: \(reason)") }
        for head in page.heads where head.id.origin == .central {
            guard EntryChain.verifyHead(head.id, hash: head.hash, signature: head.signature, publicKey: anchor) else {
                throw refuse("the head \(head.id) is not signed by the central server (forged)")
            }
        }
        for entry in page.entries where entry.id.origin == .central {
            guard let body = entry.body, entry.bodyMatches, body.bytes.count >= 2, body.bytes[1] == BodyKind.directory.rawValue,
                  let event = try? DirectoryEvent(body: body.bytes)
            else { continue }
            directory.apply(event)
        }
        var verified: [StoredHead] = []
        for head in page.heads {
            if let entry = byID[head.id], entry.envelope.hash != head.hash {
                throw refuse("entry \(head.id) does not match its signed head (altered)")
            }
            if head.id.origin != .central {
                guard let key = directory.signingKey(for: head.id) else { throw refuse("no key of \(head.id.origin) vouches for \(head.id)") }
                guard EntryChain.verifyHead(head.id, hash: head.hash, signature: head.signature, publicKey: key) else {
                    throw refuse("the head \(head.id) is not signed by \(head.id.origin) (forged)")
                }
            }
            verified.append(StoredHead(id: head.id, hash: head.hash, signature: head.signature))
        }
        for (replica, last) in lastOfChain where !page.heads.contains(where: { $0.id == last }) {
            throw refuse("entries of \(replica) up to \(last) carry no signed head")
        }
        return verified
    }
}
