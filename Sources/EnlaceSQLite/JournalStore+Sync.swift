import Crypto
import EnlaceModel
import EnlaceReplica
import Foundation
import GRDB

extension JournalStore {
    // MARK: Node side: the checkpoint with the central server

    /// The node's sync checkpoint.
    public func syncState() async throws -> SyncState {
        try await reading { db in
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT s.*, r.node_id, r.epoch FROM sync_state s, replica r WHERE s.singleton = 1"))!
            let node = NodeID(row["node_id"] as String) ?? .central
            // The checkpoint counts only the replica's current epoch: a new epoch starts at 0.
            let epoch: Int64 = row["epoch"]
            let pushed: Int64 = (row["pushed_epoch"] as Int64) == epoch ? row["pushed_seq"] : 0
            return SyncState(
                centralStoreID: row["central_store_id"],
                pushed: EntryID(replica: ReplicaID(node, epoch: min(UInt32(clamping: max(1, epoch)), ReplicaID.maxEpoch)),
                                seq: UInt64(max(0, pushed))),
                pullCursor: FeedCursor(position: row["pull_position"], entry: row["pull_entry"]),
                scopePosition: row["scope_position"], scopeHistoryAfter: row["scope_history_after"],
                lastSyncAt: row["last_sync_at"], lastAttemptAt: row["last_attempt_at"], lastError: row["last_error"], quarantined: row["quarantined"],
                clockOffsetMillis: row["clock_offset_ms"],
                recovery: (row["recovered_at"] as String?).map { at in
                    Recovery(at: at, fromEpoch: UInt32(clamping: row["recovered_from_epoch"] as Int64? ?? 0), remade: row["remade"],
                             renumbered: row["renumbered"])
                })
        }
    }

    /// The replica's own entries after `pushed` (same replica: node and epoch), in order, at
    /// most `limit`. Entries of the node's earlier epochs came from the central server.
    public func ownEntries(after pushed: EntryID, limit: Int) async throws -> [ChainedEntry] {
        try await reading { db in
            try Row.fetchAll(
                db, sql: "SELECT envelope, body FROM journal WHERE origin = ? AND epoch = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [pushed.origin.rawValue, Int64(pushed.epoch), Int64(pushed.seq), limit]
            ).map { row in
                ChainedEntry(envelope: try EntryEnvelope(bytes: row["envelope"]), body: try (row["body"] as [UInt8]?).map(EntryBody.init(blob:)))
            }
        }
    }

    /// How many own entries the central server has not acknowledged.
    public func pendingEntries(after pushed: EntryID) async throws -> Int {
        try await reading { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE origin = ? AND epoch = ? AND seq > ?",
                             arguments: [pushed.origin.rawValue, Int64(pushed.epoch), Int64(pushed.seq)]) ?? 0
        }
    }

    /// Records that the central store `storeID` holds own entries through `pushed`, and how many
    /// of them it keeps quarantined. Own entries it quarantined for a time too far ahead
    /// (`remake`) are re-made in the same transaction, stamped from `physicalMillis` (the
    /// node's clock, corrected by the offset the central server told): returns how many.
    @discardableResult
    public func recordPushed(through pushed: EntryID, storeID: String, quarantined: Int? = nil, remake: [EntryID] = [],
                             physicalMillis: Int64 = 0) async throws -> Int {
        try await access { journal in
            let own = try journal.ownReplica()
            for id in remake where id.replica == own && id.seq <= pushed.seq {
                guard let row = try journal.storedRow(id), let blob = row.body else { continue }
                let edit = try await journal.readEdit(id, body: try EntryBody(blob: blob))
                try await ReplicaWriter.appendLocal(origin: own, key: edit.recordKey, operations: edit.operations, physicalMillis: physicalMillis,
                                              author: edit.author, note: edit.note, in: journal)
            }
            try journal.db.execute(
                sql: "UPDATE sync_state SET pushed_epoch = ?, pushed_seq = ?, central_store_id = ? WHERE singleton = 1",
                arguments: [Int64(pushed.epoch), Int64(pushed.seq), storeID])
            if let quarantined {
                try journal.db.execute(sql: "UPDATE sync_state SET quarantined = quarantined + ? WHERE singleton = 1", arguments: [quarantined])
            }
            return remake.filter { $0.replica == own && $0.seq <= pushed.seq }.count
        }
    }

    /// Forgets the checkpoint (a different or restored central store): everything is pushed
    /// and pulled again; identical entries are no-ops on both sides.
    public func resetCheckpoint(storeID: String?) async throws {
        try await writing { db in
            try db.execute(
                sql: """
                    UPDATE sync_state SET pushed_epoch = (SELECT epoch FROM replica), pushed_seq = 0, pull_position = 0, pull_entry = NULL,
                        scope_position = 0, scope_history_after = 0, central_store_id = ?, relay_pending = 1
                    WHERE singleton = 1
                    """,
                arguments: [storeID])
        }
    }

    /// The node's own chain head now (its current epoch's last entry), if it wrote any.
    public func ownHead() async throws -> (id: EntryID, hash: Hash256)? {
        try await reading { db in
            let journal = SQLiteJournal(db: db, vault: vault)
            let own = try journal.ownReplica()
            return try journal.chainTip(of: own).map { (EntryID(replica: own, seq: $0.seq), $0.hash) }
        }
    }

    /// Applies one pulled page and moves the pull checkpoint, in one transaction: the page's
    /// entries (through `ReplicaWriter`), the bodies of cases that entered the department's
    /// scope (only as bodies for envelopes the node holds: history never adds an entry), and the
    /// purge of cases that left it. A purge is followed by a WAL checkpoint that truncates the
    /// log, so no copy of the purged pages stays in the data folder.
    public func applyPulled(_ entries: [ChainedEntry], heads: [StoredHead], next: FeedCursor, scope: PulledScope? = nil,
                            keys: CaseKeySet = CaseKeySet(), storeID: String) async throws -> AppendOutcome {
        let outcome = try await access { journal in
            // The keys first: the page's sealed bodies open with them. An erased case's key is
            // never kept again.
            try await journal.storeKeys(keys)
            var history: [ChainedEntry] = []
            for entry in scope?.history ?? [] {
                guard let stored = try journal.storedRow(entry.id), stored.envelope == entry.envelope.bytes else {
                    throw StoreError.brokenChain("history entry \(entry.id) is not an envelope this node holds")
                }
                if stored.state == .stub { history.append(entry) }
            }
            var outcome = try await ReplicaWriter.append(entries + history, in: journal)
            for head in heads { try journal.recordHead(head) }
            try await journal.dropLocationKeysNoLongerLed(outcome.records)
            if let scope {
                // A case back in scope — its history delivered (even if every body was held), or
                // bodies of it in the page — no longer waits to be purged.
                let entered = scope.enteredCases.union(outcome.records.keys.filter { $0.type == .caseFile }.map(\.id))
                for id in entered { try journal.cancelPurge(id) }
                let pushed = try journal.pushedThrough()
                for id in Set(scope.left).union(try journal.pendingPurges()).subtracting(entered).sorted() {
                    guard let purged = try journal.purgeCase(id, pushed: pushed), purged > 0 else { continue }
                    outcome.casesPurged += 1
                    outcome.bodiesPurged += purged
                }
                try journal.db.execute(sql: "UPDATE sync_state SET scope_position = ?, scope_history_after = ? WHERE singleton = 1",
                                       arguments: [scope.next, scope.historyAfter])
            }
            try journal.db.execute(
                sql: "UPDATE sync_state SET pull_position = ?, pull_entry = ?, central_store_id = ? WHERE singleton = 1",
                arguments: [next.position, next.entry, storeID])
            return outcome
        }
        if outcome.casesPurged > 0 || outcome.bodiesErased > 0 { truncationPending.withLock { $0 = true } }
        if truncationPending.withLock({ $0 }) {
            try await truncateLog()
            truncationPending.withLock { $0 = false }
        }
        return outcome
    }

    public func reclaimErasedSpace() async throws {
        try await truncateLog()
    }

    /// Copies the WAL into the database and truncates it, so that no frame of a purged page
    /// stays in `journal.sqlite-wal`. A reader's open snapshot makes SQLite answer busy; it is
    /// asked again for up to a few seconds (readers are short), then the failure is reported
    /// and the next pulled page tries again.
    public func truncateLog() async throws {
        for attempt in 0..<100 {
            let busy = try await writingWithoutTransaction { db in
                try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)").map { ($0[0] as Int?) ?? 0 } ?? 0
            }
            if busy == 0 { return }
            if attempt < 99 { usleep(50_000) }
        }
        throw StoreError.unavailable("\(path): readers kept the write-ahead log busy; purged pages remain in it until the next pull")
    }

    /// Records a round's outcome for `enlace status`.
    public func recordRound(at time: String, error: String?) async throws {
        try await writing { db in
            if let error {
                try db.execute(sql: "UPDATE sync_state SET last_error = ?, last_attempt_at = ? WHERE singleton = 1", arguments: [error, time])
            } else {
                try db.execute(sql: "UPDATE sync_state SET last_sync_at = ?, last_attempt_at = ?, last_error = NULL WHERE singleton = 1",
                               arguments: [time, time])
            }
        }
    }

    /// Records the central server's clock minus this node's, as measured on its answers.
    public func recordClockOffset(_ millis: Int64) async throws {
        try await writing { db in try db.execute(sql: "UPDATE sync_state SET clock_offset_ms = ? WHERE singleton = 1", arguments: [millis]) }
    }

    // MARK: Node side: the enrollment, until the node's own keys are bound

    /// Keeps the enrollment seed (from the token) until the first contact binds the node's keys.
    public func storeEnrollment(seed: [UInt8]) async throws {
        try await writing { db in try db.execute(sql: "INSERT INTO enrollment (singleton, seed) VALUES (1, ?)", arguments: [seed]) }
    }

    /// The enrollment seed, while the node's keys are not yet bound.
    public func pendingEnrollment() async throws -> [UInt8]? {
        try await reading { db in try [UInt8].fetchOne(db, sql: "SELECT seed FROM enrollment WHERE bound_at IS NULL") }
    }

    /// Forgets the enrollment seed: the node's own keys are bound and the token is spent.
    public func completeEnrollment(at time: String) async throws {
        try await writing { db in
            try db.execute(sql: "UPDATE enrollment SET seed = zeroblob(length(seed)), bound_at = ? WHERE singleton = 1", arguments: [time])
        }
    }

    /// The anchor (the central server's signing key) from the enrollment token.
    public func setAnchorKey(_ key: [UInt8]) async throws {
        try await write { try await $0.setAnchorKey(key) }
    }

    // MARK: Central side: the store's identity and its change feed

    public func storeID() async throws -> String {
        guard let id = try await reading({ db in try String.fetchOne(db, sql: "SELECT store_id FROM replica") }) else {
            throw StoreError.notInitialized("\(path) (not a central store: run `enlace central init`)")
        }
        return id
    }

    /// Sets the store identity (at `central init`).
    public func setStoreID(_ id: String) async throws {
        try await writing { db in try db.execute(sql: "UPDATE replica SET store_id = ?", arguments: [id]) }
    }

    /// A page of the change feed (`Feed.page`), read in one snapshot.
    public func feed(after cursor: FeedCursor, excluding replica: ReplicaID?, limit: Int, scope: FeedScope?) async throws -> FeedPage {
        try await reading { db in
            try await Feed.page(after: cursor, excluding: replica, limit: limit, scope: scope, in: SQLiteJournal(db: db, vault: vault))
        }
    }

    public func feedHas(_ cursor: FeedCursor) async throws -> Bool {
        guard cursor.position > 0 else { return true }
        return try await reading { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT origin, epoch, seq FROM journal WHERE position = ?", arguments: [cursor.position])
            else { return false }
            return SQLiteJournal.entryName(row) == cursor.entry
        }
    }
}
