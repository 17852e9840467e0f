import Crypto
import EnlaceModel
import EnlaceStore
import Foundation

/// What a node of an older release — or a hostile one — writes: its next entry of a record
/// with `operations`, made and appended to its own store without the rules a current node
/// applies before writing (who may name the lead, say). Its chain and signature are sound; only
/// the central server's own checks stand between it and the other replicas.
public enum OldNodeWrite {
    /// Appends the entry to the store of a node whose daemon is stopped; returns its id.
    @discardableResult
    public static func append(_ operations: [FieldOperation], to key: RecordKey, author: String = "srv-old",
                              caseKey: SymmetricKey? = nil, in store: any ReplicaStore) throws -> EntryID {
        try store.write { transaction in
            let origin = try transaction.ownReplica()
            let tip = try transaction.chainTip(of: origin)
            let state = try transaction.recordState(key) ?? RecordState(key: key)
            let edit = state.makeEntry(
                origin: origin, seq: (tip?.seq ?? 0) + 1, operations: operations,
                timestamp: HybridTimestamp.next(after: try transaction.lastTimestamp(notAfter: Int64.max), physicalMillis: SystemClock.millis()),
                author: author)
            let entry = ChainedEntry(sealing: edit, prev: tip?.hash, salt: SystemClock.salt(),
                                     key: SealedEdit.seals(key.type) ? try caseKey ?? transaction.caseKey(key.id) : nil)
            _ = try ReplicaWriter.append([entry], in: transaction)
            return edit.id
        }
    }
}
