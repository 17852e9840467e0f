import EnlaceModel
import Foundation
import GRDB

extension JournalStore {
    // MARK: Node side: the checkpoint with the central server

    /// The node's sync checkpoint.
    public func syncState() throws -> SyncState {
        try pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM sync_state WHERE singleton = 1")!
            return SyncState(
                centralStoreID: row["central_store_id"], pushedSeq: UInt64(row["pushed_seq"] as Int64),
                pullCursor: FeedCursor(position: row["pull_position"], entry: row["pull_entry"]),
                lastSyncAt: row["last_sync_at"], lastError: row["last_error"])
        }
    }

    /// Own entries after `seq`, in order, as canonical text (at most `limit`).
    public func ownEntries(of origin: NodeID, after seq: UInt64, limit: Int) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT body FROM journal WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [origin.rawValue, Int64(seq), limit])
        }
    }

    /// How many own entries the central server has not acknowledged.
    public func pendingEntries(of origin: NodeID) throws -> Int {
        try pool.read { db in
            let pushed = try Int64.fetchOne(db, sql: "SELECT pushed_seq FROM sync_state") ?? 0
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE origin = ? AND seq > ?",
                                    arguments: [origin.rawValue, pushed]) ?? 0
        }
    }

    /// Records that the central store `storeID` holds own entries through `seq` (and the head
    /// this node signed for them).
    public func recordPushed(through seq: UInt64, storeID: String, head: StoredHead? = nil) throws {
        try access { journal in
            try journal.db.execute(sql: "UPDATE sync_state SET pushed_seq = ?, central_store_id = ? WHERE singleton = 1",
                                   arguments: [Int64(seq), storeID])
            if let head { try journal.recordHead(head) }
        }
    }

    /// Forgets the checkpoint (a different or restored central store): everything is pushed
    /// and pulled again; identical entries are no-ops on both sides.
    public func resetCheckpoint(storeID: String?) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE sync_state SET pushed_seq = 0, pull_position = 0, pull_entry = NULL, central_store_id = ? WHERE singleton = 1",
                arguments: [storeID])
        }
    }

    /// Applies one pulled page (through `ReplicaWriter`) and moves the pull checkpoint, in one
    /// transaction.
    public func applyPulled(_ entries: [JournalEntry], heads: [StoredHead], next: FeedCursor, storeID: String) throws -> AppendOutcome {
        try access { journal in
            let outcome = try ReplicaWriter.append(entries, in: journal)
            for head in heads { try journal.recordHead(head) }
            try journal.db.execute(
                sql: "UPDATE sync_state SET pull_position = ?, pull_entry = ?, central_store_id = ? WHERE singleton = 1",
                arguments: [next.position, next.entry, storeID])
            return outcome
        }
    }

    /// Records a round's outcome for `enlace status`.
    public func recordRound(at time: String, error: String?) throws {
        try pool.write { db in
            if let error {
                try db.execute(sql: "UPDATE sync_state SET last_error = ? WHERE singleton = 1", arguments: [error])
            } else {
                try db.execute(sql: "UPDATE sync_state SET last_sync_at = ?, last_error = NULL WHERE singleton = 1", arguments: [time])
            }
        }
    }

    // MARK: Central side: the store's identity and its change feed

    public func storeID() throws -> String {
        guard let id = try pool.read({ db in try String.fetchOne(db, sql: "SELECT store_id FROM replica") }) else {
            throw StoreError.notInitialized("\(path) (not a central store: run `enlace central init`)")
        }
        return id
    }

    /// Sets the store identity (at `central init`).
    public func setStoreID(_ id: String) throws {
        try pool.write { db in try db.execute(sql: "UPDATE replica SET store_id = ?", arguments: [id]) }
    }

    /// A page holds at least `limit` rows when that many follow, and always ends at a signed
    /// chain head (a push batch is stored contiguously), so that every entry it carries is
    /// covered by a signature. Positions follow commit order (SQLite has one writer), so the
    /// feed never skips an entry.
    public func feed(after cursor: FeedCursor, excluding origin: NodeID?, limit: Int) throws -> FeedPage {
        try pool.read { db in
            let select = "SELECT position, origin, seq, body FROM journal WHERE position > ? ORDER BY position LIMIT ?"
            var rows = try Row.fetchAll(db.cachedStatement(sql: select), arguments: [cursor.position, limit])
            func isHead(_ row: Row) throws -> Bool {
                try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM chain_heads WHERE origin = ? AND seq = ?"),
                                 arguments: [row["origin"] as String, row["seq"] as Int64]) ?? 0 > 0
            }
            while let last = rows.last, try !isHead(last) {
                let next = try Row.fetchAll(db.cachedStatement(sql: select), arguments: [last["position"] as Int64, 64])
                if next.isEmpty { break }
                for row in next {
                    rows.append(row)
                    if try isHead(row) { break }
                }
            }
            let last = rows.last
            let more = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE position > ?",
                                        arguments: [last?["position"] ?? cursor.position]) ?? 0 > 0
            let kept = rows.filter { ($0["origin"] as String) != origin?.rawValue }
            var ranges: [String: (UInt64, UInt64)] = [:]
            for row in kept {
                let seq = UInt64(row["seq"] as Int64)
                let name: String = row["origin"]
                let range = ranges[name] ?? (seq, seq)
                ranges[name] = (min(range.0, seq), max(range.1, seq))
            }
            var heads: [StoredHead] = []
            for (name, range) in ranges.sorted(by: { $0.key < $1.key }) {
                heads += try Row.fetchAll(
                    db, sql: "SELECT * FROM chain_heads WHERE origin = ? AND seq BETWEEN ? AND ? ORDER BY seq",
                    arguments: [name, Int64(range.0), Int64(range.1)]
                ).map { StoredHead(origin: $0["origin"], seq: UInt64($0["seq"] as Int64), hash: $0["hash"], signature: $0["signature"]) }
            }
            let next = last.map { FeedCursor(position: $0["position"], entry: "\($0["origin"] as String):\($0["seq"] as Int64)") } ?? cursor
            return FeedPage(entries: kept.map { $0["body"] }, heads: heads, next: next, more: more)
        }
    }

    public func feedHas(_ cursor: FeedCursor) throws -> Bool {
        guard cursor.position > 0 else { return true }
        return try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT origin, seq FROM journal WHERE position = ?", arguments: [cursor.position])
            else { return false }
            return "\(row["origin"] as String):\(row["seq"] as Int64)" == cursor.entry
        }
    }
}
