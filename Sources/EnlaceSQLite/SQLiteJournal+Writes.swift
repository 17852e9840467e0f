import Crypto
import EnlaceModel
import EnlaceReplica
import GRDB

extension SQLiteJournal: JournalTransaction, KeyTransaction, MaterializingJournal {
    func storedRow(_ id: EntryID) throws -> StoredEntryRow? {
        if let known = pending.prefetched[id] { return known }
        return try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM journal WHERE origin = ? AND epoch = ? AND seq = ?"),
            arguments: [id.origin.rawValue, Int64(id.epoch), Int64(id.seq)]
        ).map(SQLiteJournal.storedRow)
    }

    /// A batch's stored rows read with one range query per origin (a batch is one origin's
    /// contiguous entries); what it found (or did not) answers `storedRow` until the transaction
    /// writes that row.
    func prefetchRows(_ ids: [EntryID]) throws {
        guard ids.count > 1 else {
            pending.prefetched = [:]
            return
        }
        var found: [EntryID: StoredEntryRow?] = Dictionary(ids.map { ($0, nil) }, uniquingKeysWith: { first, _ in first })
        for (replica, group) in Dictionary(grouping: ids, by: \.replica) {
            let seqs = group.map(\.seq)
            let (first, last) = (seqs.min()!, seqs.max()!)
            // A sparse group would read rows it does not need: its ids are asked one by one.
            guard last - first < UInt64(4 * group.count) else {
                for id in group { found.removeValue(forKey: id) }
                continue
            }
            for row in try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM journal WHERE origin = ? AND epoch = ? AND seq BETWEEN ? AND ?"),
                arguments: [replica.node.rawValue, Int64(replica.epoch), Int64(first), Int64(last)]) {
                let stored = SQLiteJournal.storedRow(row)
                guard let seq = UInt64(exactly: stored.seq) else { continue }
                let id = EntryID(replica: replica, seq: seq)
                if found[id] != nil { found[id] = .some(stored) }
            }
        }
        pending.prefetched = found
    }

    func chainTip(of replica: ReplicaID) throws -> ChainTip? {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT seq, hash FROM journal WHERE origin = ? AND epoch = ? ORDER BY seq DESC LIMIT 1"),
            arguments: [replica.node.rawValue, Int64(replica.epoch)])
        else { return nil }
        guard let hash = Hash256(bytes: row["hash"]) else { throw StoreError.corrupt("a stored envelope hash is not 32 bytes") }
        return ChainTip(seq: UInt64(row["seq"] as Int64), hash: hash)
    }

    func lastTimestamp(notAfter millis: Int64) throws -> HybridTimestamp? {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT at_ms, tick FROM journal WHERE at_ms <= ? ORDER BY at_ms DESC, tick DESC LIMIT 1"),
            arguments: [millis])
        else { return nil }
        return HybridTimestamp(millis: row["at_ms"], counter: UInt32(clamping: row["tick"] as Int64))
    }

    func insert(_ row: JournalRow) throws {
        let id = row.entry.id
        pending.prefetched.removeValue(forKey: id)
        if let key = row.edit?.recordKey { pending.absentRecords.remove(key) }
        let (kind, type, recordID, at, tick) = row.columns
        try db.cachedStatement(sql: """
            INSERT INTO journal (origin, epoch, seq, envelope, hash, body, kind, record_type, record_id, at_ms, tick, state, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                id.origin.rawValue, Int64(id.epoch), Int64(id.seq), row.entry.envelope.bytes, row.hash.bytes,
                row.entry.body?.blob, kind, type, recordID, at, tick, row.state.name, row.state.reason,
            ])
    }

    func fill(_ row: JournalRow) throws {
        let id = row.entry.id
        pending.prefetched.removeValue(forKey: id)
        if let key = row.edit?.recordKey { pending.absentRecords.remove(key) }
        let (kind, type, recordID, at, tick) = row.columns
        try db.cachedStatement(sql: """
            UPDATE journal SET body = ?, kind = ?, record_type = ?, record_id = ?, at_ms = ?, tick = ?, state = ?, reason = ?
            WHERE origin = ? AND epoch = ? AND seq = ?
            """).execute(arguments: [
                row.entry.body?.blob, kind, type, recordID, at, tick, row.state.name, row.state.reason,
                id.origin.rawValue, Int64(id.epoch), Int64(id.seq),
            ])
    }

    func writeRecord(_ stored: StoredRecord) throws {
        let key = stored.key
        try db.cachedStatement(sql: """
            INSERT INTO records (record_type, record_id, document, clock, entry_count, person_tag) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (record_type, record_id) DO UPDATE
            SET document = excluded.document, clock = excluded.clock, entry_count = excluded.entry_count, person_tag = excluded.person_tag
            """).execute(arguments: [key.type.rawValue, key.id, stored.document, stored.clock, stored.entryCount, stored.personTag])
        try db.cachedStatement(sql: "DELETE FROM conflicts WHERE record_type = ? AND record_id = ?")
            .execute(arguments: [key.type.rawValue, key.id])
        for (conflict, sealed) in stored.conflicts {
            try db.cachedStatement(sql: """
                INSERT INTO conflicts (id, record_type, record_id, field, status, body, department, first_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    conflict.id, key.type.rawValue, key.id, conflict.field, conflict.status.rawValue, sealed, stored.department,
                    RFC3339.format(millis: conflict.firstAt),
                ])
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO conflict_ids (id, record_type, record_id, field) VALUES (?, ?, ?, ?)")
                .execute(arguments: [conflict.id, key.type.rawValue, key.id, conflict.field])
        }
    }

    /// The index tag of a woman's file reference (`person_ref`): HMAC under the vault key.
    func personTag(_ ref: String) throws -> [UInt8] {
        try openVault().tag(ref, context: "person_ref")
    }

    func storeCaseKey(_ id: String, _ key: SymmetricKey) throws {
        let sealed = try openVault().seal(key.withUnsafeBytes { Array($0) }, context: "case key \(id)")
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO case_keys (record_id, sealed) VALUES (?, ?)").execute(arguments: [id, sealed])
        // A key already held stays: the memo learns the new key only where it knows none was
        // held, and otherwise forgets (the next read says which).
        if case .some(.none) = pending.caseKeys[id] { pending.caseKeys[id] = .some(key) } else { pending.caseKeys.removeValue(forKey: id) }
    }

    func storeLocationKey(_ id: String, keyID: String, _ key: SymmetricKey) throws {
        let sealed = try openVault().seal(key.withUnsafeBytes { Array($0) }, context: "location key \(id) \(keyID)")
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO location_keys (record_id, key_id, sealed) VALUES (?, ?, ?)")
            .execute(arguments: [id, keyID, sealed])
    }

    func destroyLocationKeys(_ id: String) throws {
        try db.cachedStatement(sql: "DELETE FROM location_keys WHERE record_id = ?").execute(arguments: [id])
    }

    func ownDepartment() throws -> String {
        guard let department = try String.fetchOne(db.cachedStatement(sql: "SELECT department FROM replica")) else {
            throw StoreError.corrupt("the replica table names no department")
        }
        return department
    }

    /// Destroys case `id`'s data key and location keys.
    func destroyCaseKey(_ id: String) throws {
        pending.caseKeys.removeValue(forKey: id)
        try db.cachedStatement(sql: "DELETE FROM case_keys WHERE record_id = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM location_keys WHERE record_id = ?").execute(arguments: [id])
    }

    func raiseFolioCounter(node: String, year: Int, to number: Int) throws {
        try db.cachedStatement(sql: """
            INSERT INTO folio_counters (node, year, last) VALUES (?, ?, ?)
            ON CONFLICT (node, year) DO UPDATE SET last = MAX(last, excluded.last)
            """).execute(arguments: [node, year, number])
    }

    func applyDirectory(_ event: DirectoryEvent) throws {
        let node = event.node.rawValue
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO directory (node) VALUES (?)").execute(arguments: [node])
        switch event.kind {
        case .enrollment:
            try db.execute(sql: "UPDATE directory SET department = ?, epoch = ?, revoked = 0 WHERE node = ?",
                           arguments: [event.department, Int64(event.effectiveFrom?.epoch ?? 0), node])
        case .keys:
            guard let from = event.effectiveFrom else { return }
            try db.execute(
                sql: "INSERT OR REPLACE INTO directory_keys (node, from_epoch, from_seq, signing, agreement) VALUES (?, ?, ?, ?, ?)",
                arguments: [node, Int64(from.epoch), Int64(from.seq), event.signingKey, event.agreementKey])
            try db.cachedStatement(sql: "UPDATE directory SET epoch = MAX(epoch, ?) WHERE node = ?").execute(arguments: [Int64(from.epoch), node])
        case .revocation:
            try db.cachedStatement(sql: "UPDATE directory SET revoked = 1 WHERE node = ?").execute(arguments: [node])
        }
    }

    func setAnchorKey(_ key: [UInt8]) throws {
        if let existing = try anchorKey(), existing != key {
            throw StoreError.brokenChain("this store is anchored to another central server's key")
        }
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO anchor (singleton, central_key) VALUES (1, ?)").execute(arguments: [key])
    }

    func recordHead(_ head: StoredHead) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO chain_heads (origin, epoch, seq, hash, signature) VALUES (?, ?, ?, ?, ?)",
            arguments: [head.id.origin.rawValue, Int64(head.id.epoch), Int64(head.id.seq), head.hash.bytes, head.signature])
    }
}
