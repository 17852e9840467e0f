import EnlaceModel
import EnlaceReplica
import GRDB

extension JournalStore {
    // MARK: Node side: relaying to a restored central server

    /// Whether the central store changed since the last relay pass (it may lack entries this
    /// node holds: its own since the copy, and those of origins that no longer push).
    public func relayPending() async throws -> Bool {
        try await reading { db in try Bool.fetchOne(db, sql: "SELECT relay_pending != 0 FROM sync_state") ?? false }
    }

    /// The relay pass is done.
    public func relayDone() async throws {
        try await writing { db in try db.execute(sql: "UPDATE sync_state SET relay_pending = 0") }
    }

    /// The next relay batch of `replica`'s chain after `seq`: its entries (stubs where this
    /// node holds no body) through a head this node stored from a pull — the furthest within
    /// `limit` entries, else the nearest — and that head. Nil when no head lies beyond `seq`:
    /// what follows is vouched for by no signature this node holds.
    public func relayBatch(of replica: ReplicaID, after seq: UInt64, limit: Int) async throws -> (entries: [ChainedEntry], head: StoredHead)? {
        try await reading { db in
            let origin = replica.node.rawValue
            let epoch = Int64(replica.epoch)
            let heads = try Row.fetchAll(
                db, sql: "SELECT seq, hash, signature FROM chain_heads WHERE origin = ? AND epoch = ? AND seq > ? ORDER BY seq",
                arguments: [origin, epoch, Int64(clamping: seq)])
            let (sum, overflow) = seq.addingReportingOverflow(UInt64(max(1, limit)))
            let reach = overflow ? UInt64.max : sum
            guard let chosen = heads.last(where: { UInt64(clamping: $0["seq"] as Int64) <= reach }) ?? heads.first,
                  let hash = Hash256(bytes: chosen["hash"])
            else { return nil }
            let through = UInt64(clamping: chosen["seq"] as Int64)
            let entries = try Row.fetchAll(
                db, sql: "SELECT * FROM journal WHERE origin = ? AND epoch = ? AND seq > ? AND seq <= ? ORDER BY seq",
                arguments: [origin, epoch, Int64(clamping: seq), Int64(clamping: through)]
            ).compactMap { SQLiteJournal.storedRow($0).chainedEntry }
            // Only a contiguous run from `seq + 1` through the head can be relayed.
            guard entries.count == Int(through - seq), entries.first?.id.seq == seq + 1 else { return nil }
            return (entries, StoredHead(id: EntryID(replica: replica, seq: through), hash: hash, signature: chosen["signature"]))
        }
    }
}
