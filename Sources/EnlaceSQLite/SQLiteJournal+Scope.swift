import EnlaceModel
import EnlaceReplica
import GRDB

extension SQLiteJournal: ScopeTransaction {
    // MARK: Central side: the index of who holds each case

    func scope(ofCase id: String) throws -> Set<String> {
        Set(try String.fetchAll(
            db.cachedStatement(sql: "SELECT department FROM case_scope WHERE record_id = ? AND in_scope = 1"), arguments: [id]))
    }

    func recordScopeExit(ofCase id: String, node: NodeID, head: ScopeExit) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO scope_exits (record_id, node, epoch, seq, hash) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [id, node.rawValue, Int64(head.replica.epoch), Int64(head.seq), head.hash.bytes])
    }

    func clearScopeExit(ofCase id: String, node: NodeID) throws {
        try db.cachedStatement(sql: "DELETE FROM scope_exits WHERE record_id = ? AND node = ?").execute(arguments: [id, node.rawValue])
    }

    func scopeExit(ofCase id: String, node: NodeID) throws -> ScopeExit? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT epoch, seq, hash FROM scope_exits WHERE record_id = ? AND node = ?"),
                         arguments: [id, node.rawValue]).flatMap { row in
            guard let epoch = UInt32(exactly: row["epoch"] as Int64), epoch >= 1, epoch <= ReplicaID.maxEpoch,
                  let seq = UInt64(exactly: row["seq"] as Int64), let hash = Hash256(bytes: row["hash"]) else { return nil }
            return ScopeExit(replica: ReplicaID(node, epoch: epoch), seq: seq, hash: hash)
        }
    }

    func scopeExitHeads(of replica: ReplicaID, from: UInt64, through: UInt64) throws -> [UInt64: Hash256] {
        var heads: [UInt64: Hash256] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT DISTINCT seq, hash FROM scope_exits WHERE node = ? AND epoch = ? AND seq BETWEEN ? AND ?"),
            arguments: [replica.node.rawValue, Int64(replica.epoch), Int64(clamping: from), Int64(clamping: through)]) {
            if let seq = UInt64(exactly: row["seq"] as Int64), let hash = Hash256(bytes: row["hash"]) { heads[seq] = hash }
        }
        return heads
    }

    func setScope(ofCase id: String, to departments: Set<String>) throws {
        var stored: [String: Bool] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT department, in_scope FROM case_scope WHERE record_id = ?"),
                                    arguments: [id]) {
            stored[row["department"]] = (row["in_scope"] as Int64) == 1
        }
        let entering = departments.filter { stored[$0] != true }
        let leaving = stored.filter { $0.value && !departments.contains($0.key) }.map(\.key)
        guard !entering.isEmpty || !leaving.isEmpty else { return }
        // Statements prepared once per connection: a push sets the scope of every case it touches.
        let changed = try Int64.fetchOne(
            db.cachedStatement(sql: "UPDATE scope_counter SET last = last + 1 WHERE singleton = 1 RETURNING last")) ?? 1
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO case_scope (record_id, department, in_scope, changed) VALUES (?, ?, ?, ?)
            ON CONFLICT (record_id, department) DO UPDATE SET in_scope = excluded.in_scope, changed = excluded.changed
            """)
        for department in entering.sorted() { try upsert.execute(arguments: [id, department, 1, changed]) }
        for department in leaving.sorted() { try upsert.execute(arguments: [id, department, 0, changed]) }
    }

    func caseIDs() throws -> [String] {
        try String.fetchAll(db, sql: "SELECT record_id FROM records WHERE record_type = 'case' ORDER BY record_id")
    }

    // MARK: Every replica: erasing a case (ARCO cancellation)

    func erase(_ event: ErasureEvent) throws -> Int {
        let id = event.caseID
        pending.prefetched.removeAll()
        // Every body of the case but the erasure entries themselves (what remains).
        try db.execute(sql: """
            UPDATE journal SET body = NULL, kind = NULL, record_type = NULL, record_id = NULL, state = 'stub', reason = 'erased'
            WHERE record_type = 'case' AND record_id = ? AND kind IS NOT \(BodyKind.erasure.rawValue)
            """, arguments: [id])
        let destroyed = db.changesCount
        for table in ["conflicts", "conflict_ids", "purge_pending"] {
            try db.cachedStatement(sql: "DELETE FROM \(table) WHERE record_type = 'case' AND record_id = ?").execute(arguments: [id])
        }
        // Its key goes too: whatever copy of a sealed body survives anywhere, this replica can no
        // longer open it.
        try destroyCaseKey(id)
        // The tombstone replaces the record. (An erasure's body reaches only the departments
        // that hold the case, so a replica that applies one held it.)
        try saveTombstone(event)
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO erased_cases (record_id, erased_at) VALUES (?, ?)").execute(arguments: [id, event.at])
        let key = RecordKey(.caseFile, id)
        pending.states.removeValue(forKey: key)
        pending.purged.insert(key)
        return destroyed
    }

    /// What remains of an erased case, as its record.
    func saveTombstone(_ event: ErasureEvent) throws {
        try db.execute(sql: """
            INSERT INTO records (record_type, record_id, document, clock, entry_count) VALUES ('case', ?, ?, '', 0)
            ON CONFLICT (record_type, record_id) DO UPDATE SET document = excluded.document, clock = '', entry_count = 0, person_tag = NULL
            """, arguments: [event.caseID, try sealDocument(event.tombstone.canonicalText, of: RecordKey(.caseFile, event.caseID))])
    }

    func isErased(_ key: RecordKey) throws -> Bool {
        guard key.type == .caseFile else { return false }
        return try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM erased_cases WHERE record_id = ?"), arguments: [key.id]) ?? 0 > 0
    }

    // MARK: Node side: purging a case that left the department's scope

    /// Purges case `id`'s contents: every journal body of it becomes a stub (its envelope stays,
    /// so chains and signed heads still verify), its record, conflicts and conflict ids go.
    /// With `secure_delete` on, the freed bytes are zeroed. A case holding own entries after
    /// `pushed` (not yet at the central server) is not purged but kept pending until they are.
    /// Returns how many bodies were purged (nil: deferred).
    func purgeCase(_ id: String, pushed: EntryID) throws -> Int? {
        let unpushed = try Int.fetchOne(
            db.cachedStatement(sql: """
                SELECT COUNT(*) FROM journal WHERE record_type = 'case' AND record_id = ? AND origin = ? AND epoch = ? AND seq > ?
                """),
            arguments: [id, pushed.origin.rawValue, Int64(pushed.epoch), Int64(pushed.seq)]) ?? 0
        guard unpushed == 0 else {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO purge_pending (record_type, record_id) VALUES ('case', ?)").execute(arguments: [id])
            return nil
        }
        pending.prefetched.removeAll()
        try db.execute(sql: """
            UPDATE journal SET body = NULL, kind = NULL, record_type = NULL, record_id = NULL, state = 'stub', reason = NULL
            WHERE record_type = 'case' AND record_id = ?
            """, arguments: [id])
        let purged = db.changesCount
        for table in ["records", "conflicts", "conflict_ids", "purge_pending"] {
            try db.cachedStatement(sql: "DELETE FROM \(table) WHERE record_type = 'case' AND record_id = ?").execute(arguments: [id])
        }
        try destroyCaseKey(id)
        let key = RecordKey(.caseFile, id)
        pending.states.removeValue(forKey: key)
        pending.purged.insert(key)
        return purged
    }

    /// The last own entry the central server acknowledged (seq 0: none of the current epoch).
    func pushedThrough() throws -> EntryID {
        let own = try ownReplica()
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT pushed_epoch, pushed_seq FROM sync_state WHERE singleton = 1"))
        let seq: Int64 = (row?["pushed_epoch"] as Int64?) == Int64(own.epoch) ? row?["pushed_seq"] ?? 0 : 0
        return EntryID(replica: own, seq: UInt64(max(0, seq)))
    }

    /// Cases whose purge waits for own entries to reach the central server.
    func pendingPurges() throws -> [String] {
        try String.fetchAll(db, sql: "SELECT record_id FROM purge_pending WHERE record_type = 'case' ORDER BY record_id")
    }

    /// A case back in scope is no longer waiting to be purged.
    func cancelPurge(_ id: String) throws {
        try db.cachedStatement(sql: "DELETE FROM purge_pending WHERE record_type = 'case' AND record_id = ?").execute(arguments: [id])
    }
}
