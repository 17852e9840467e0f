import EnlaceModel
import EnlaceReplica
import GRDB

extension JournalStore {
    // MARK: Node side: recovery from its own restore

    /// A node restored from an older copy goes on in `epoch` (given by the central server).
    /// Its own entries of the epoch it leaves, after the last one the central server
    /// acknowledged, are set aside in `reissue` — each is later adopted from the central server
    /// (the same bytes) or re-made in the new epoch — the materialised state is rebuilt without
    /// them, and both checkpoints start over so that the pull adopts everything the central
    /// server holds of the old epoch. One transaction; returns how many entries were set aside.
    public func beginEpoch(_ epoch: UInt32, at time: String) async throws -> Int {
        try await writing { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT node_id, epoch FROM replica") else { throw StoreError.notInitialized(path) }
            let node: String = row["node_id"]
            let old: Int64 = row["epoch"]
            guard Int64(epoch) > old, epoch <= ReplicaID.maxEpoch else {
                throw StoreError.corrupt("the central server's new epoch \(epoch) does not follow this node's epoch \(old)")
            }
            let sync = try Row.fetchOne(db, sql: "SELECT pushed_epoch, pushed_seq FROM sync_state")!
            let acknowledged: Int64 = (sync["pushed_epoch"] as Int64) == old ? sync["pushed_seq"] : 0
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO reissue (epoch, seq, envelope, body)
                    SELECT epoch, seq, envelope, body FROM journal WHERE origin = ? AND epoch = ? AND seq > ? AND body IS NOT NULL
                    """,
                arguments: [node, old, acknowledged])
            let setAside = db.changesCount
            try db.execute(sql: "INSERT INTO journal_unlock (singleton) VALUES (1)")
            try db.execute(sql: "DELETE FROM journal WHERE origin = ? AND epoch = ? AND seq > ?", arguments: [node, old, acknowledged])
            try db.execute(sql: "DELETE FROM journal_unlock")
            try db.execute(sql: "UPDATE replica SET epoch = ?", arguments: [Int64(epoch)])
            try db.execute(
                sql: """
                    UPDATE sync_state SET pushed_epoch = ?, pushed_seq = 0, pull_position = 0, pull_entry = NULL,
                        recovered_at = ?, recovered_from_epoch = ?, remade = 0, renumbered = 0
                    """,
                arguments: [Int64(epoch), time, old])
            _ = try await rematerialize(db)
            return setAside
        }
    }

    /// How many set-aside entries wait to be adopted or re-made.
    public func pendingReissues() async throws -> Int {
        try await reading { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reissue") ?? 0 }
    }

    /// After the pull: each set-aside entry the central server held (the same envelope is now
    /// stored) was adopted; every other one is re-made as a new entry of the current epoch, on
    /// the state after adoption. A case created in the gap whose folio another case took gets
    /// the next folio and keeps the old one as `folio_alias`. Returns what was re-made.
    public func reissue(physicalMillis: Int64) async throws -> (remade: Int, renumbered: Int, adopted: Int) {
        try await access { journal in
            let db = journal.db
            let replica = try journal.ownReplica()
            var result = (remade: 0, renumbered: 0, adopted: 0)
            for row in try Row.fetchAll(db, sql: "SELECT * FROM reissue ORDER BY epoch, seq") {
                let epoch = min(UInt32(clamping: row["epoch"] as Int64), ReplicaID.maxEpoch)
                let id = EntryID(replica: ReplicaID(replica.node, epoch: max(epoch, 1)), seq: UInt64(clamping: row["seq"] as Int64))
                if try journal.storedRow(id)?.envelope == (row["envelope"] as [UInt8]) {
                    result.adopted += 1
                } else {
                    // The central server holds nothing, or another entry, here: this one never left.
                    try await remake(id: id, blob: row["body"], replica: replica, physicalMillis: physicalMillis, in: journal, result: &result)
                }
                try db.execute(sql: "DELETE FROM reissue WHERE epoch = ? AND seq = ?", arguments: [row["epoch"], row["seq"]])
            }
            try db.execute(sql: "UPDATE sync_state SET remade = remade + ?, renumbered = renumbered + ?",
                           arguments: [result.remade, result.renumbered])
            return result
        }
    }

    /// Re-makes one set-aside edit as the current epoch's next entry, with its operations, author
    /// and note, on the record as it is now.
    private func remake(id: EntryID, blob: [UInt8], replica: ReplicaID, physicalMillis: Int64, in journal: SQLiteJournal,
                        result: inout (remade: Int, renumbered: Int, adopted: Int)) async throws {
        let edit = try await journal.readEdit(id, body: try EntryBody(blob: blob))
        var operations = edit.operations
        if edit.recordType == .caseFile, let folio = edit.folioCounter,
           try journal.lastFolioNumber(node: folio.node, year: folio.year) >= folio.number,
           let node = NodeID(folio.node.lowercased()) {
            // Another case took this folio meanwhile: the next one, the old one kept as an alias.
            let number = try journal.lastFolioNumber(node: folio.node, year: folio.year) + 1
            let old = Schema.folio(node: node, year: folio.year, number: folio.number)
            operations = operations.map { operation in
                guard case .set(field: "folio", value: _, prior: let prior) = operation else { return operation }
                return .set(field: "folio", value: .string(Schema.folio(node: node, year: folio.year, number: number)), prior: prior)
            } + [.set(field: "folio_alias", value: .string(old), prior: nil)]
            result.renumbered += 1
        }
        try await ReplicaWriter.appendLocal(origin: replica, key: edit.recordKey, operations: operations, physicalMillis: physicalMillis,
                                      author: edit.author, note: edit.note, in: journal)
        result.remade += 1
    }
}
