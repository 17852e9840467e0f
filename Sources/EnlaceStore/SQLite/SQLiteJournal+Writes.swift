import EnlaceModel
import GRDB

extension SQLiteJournal: JournalTransaction, KeyTransaction {
    func entryText(_ id: EntryID) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT body FROM journal WHERE origin = ? AND seq = ?"),
                            arguments: [id.origin.rawValue, Int64(id.seq)])
    }

    func chainTip(of origin: NodeID) throws -> ChainTip? {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT seq, hash, body FROM journal WHERE origin = ? ORDER BY seq DESC LIMIT 1"),
            arguments: [origin.rawValue])
        else { return nil }
        return ChainTip(seq: UInt64(row["seq"] as Int64), hash: (row["hash"] as String?) ?? EntryChain.hash(row["body"]))
    }

    func lastTimestamp() throws -> HybridTimestamp? {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT at_ms, tick FROM journal ORDER BY at_ms DESC, tick DESC LIMIT 1"))
        else { return nil }
        return HybridTimestamp(millis: row["at_ms"], counter: UInt32(clamping: row["tick"] as Int64))
    }

    func insert(_ stored: StoredEntry) throws {
        let entry = stored.entry
        try db.cachedStatement(sql: """
            INSERT INTO journal (origin, seq, record_type, record_id, at_ms, tick, body, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                entry.id.origin.rawValue, Int64(entry.id.seq), entry.recordType.rawValue, entry.recordID,
                entry.timestamp.millis, Int64(entry.timestamp.counter), stored.text, stored.hash,
            ])
    }

    func recordState(_ key: RecordKey) throws -> RecordState? {
        if let state = pending.states[key] ?? cache?.state(key) { return state }
        let entries = try entries(of: key)
        guard !entries.isEmpty else { return nil }
        var state = RecordState(key: key)
        for entry in entries { state.apply(entry) }
        return state
    }

    func save(_ record: MaterializedRecord, state: RecordState) throws {
        let key = record.key
        pending.states[key] = state
        try db.cachedStatement(sql: """
            INSERT INTO records (record_type, record_id, document, clock, entry_count) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (record_type, record_id) DO UPDATE
            SET document = excluded.document, clock = excluded.clock, entry_count = excluded.entry_count
            """).execute(arguments: [key.type.rawValue, key.id, record.document.canonicalText, record.clock.description, record.entryCount])
        try db.cachedStatement(sql: "DELETE FROM conflicts WHERE record_type = ? AND record_id = ?")
            .execute(arguments: [key.type.rawValue, key.id])
        let department = record.department
        for conflict in record.openConflicts + record.resolvedConflicts {
            let stored = StoredConflict(conflict, department: department)
            try db.cachedStatement(sql: """
                INSERT INTO conflicts (id, record_type, record_id, field, status, body, department, first_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    stored.id, key.type.rawValue, key.id, stored.field, stored.status.rawValue, stored.json, department,
                    RFC3339.format(millis: stored.firstAt),
                ])
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO conflict_ids (id, record_type, record_id, field) VALUES (?, ?, ?, ?)")
                .execute(arguments: [conflict.id, key.type.rawValue, key.id, conflict.field])
        }
    }

    func raiseFolioCounter(node: String, year: Int, to number: Int) throws {
        try db.cachedStatement(sql: """
            INSERT INTO folio_counters (node, year, last) VALUES (?, ?, ?)
            ON CONFLICT (node, year) DO UPDATE SET last = MAX(last, excluded.last)
            """).execute(arguments: [node, year, number])
    }

    func pinnedKey(of origin: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT public_key FROM replica_keys WHERE origin = ?", arguments: [origin])
    }

    func pinKey(_ publicKey: String, for origin: String, at time: String) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO replica_keys (origin, public_key, pinned_at) VALUES (?, ?, ?)",
                       arguments: [origin, publicKey, time])
    }

    func recordHead(_ head: StoredHead) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO chain_heads (origin, seq, hash, signature) VALUES (?, ?, ?, ?)",
            arguments: [head.origin, Int64(head.seq), head.hash, head.signature])
    }
}
