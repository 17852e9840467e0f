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
                              caseKey: SymmetricKey? = nil, in store: any ReplicaStore) async throws -> EntryID {
        try await store.write { transaction in
            let origin = try await transaction.ownReplica()
            let tip = try await transaction.chainTip(of: origin)
            let state = try await transaction.recordState(key) ?? RecordState(key: key)
            let last = try await transaction.lastTimestamp(notAfter: Int64.max)
            let edit = state.makeEntry(
                origin: origin, seq: (tip?.seq ?? 0) + 1, operations: operations,
                timestamp: HybridTimestamp.next(after: last, physicalMillis: SystemClock.millis()), author: author)
            var sealingKey = caseKey
            if sealingKey == nil, SealedEdit.seals(key.type) { sealingKey = try await transaction.caseKey(key.id) }
            let entry = ChainedEntry(sealing: edit, prev: tip?.hash, salt: SystemClock.salt(),
                                     key: SealedEdit.seals(key.type) ? sealingKey : nil)
            _ = try await ReplicaWriter.append([entry], in: transaction)
            return edit.id
        }
    }
}
