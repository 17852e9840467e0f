import Crypto
import EnlaceModel
import EnlaceReplica

extension PostgresJournal: JournalTransaction, KeyTransaction, MaterializingJournal {
    func storedRow(_ id: EntryID) async throws -> StoredEntryRow? {
        if let known = pending.prefetched[id] { return known }
        return try await session.row("SELECT * FROM journal WHERE origin = $1 AND epoch = $2 AND seq = $3",
                               [id.origin.rawValue, Int64(id.epoch), Int64(id.seq)]).map(PostgresJournal.storedRow)
    }

    /// One statement for the whole batch; what it found (or did not) answers `storedRow` until
    /// the transaction writes that row.
    func prefetchRows(_ ids: [EntryID]) async throws {
        guard ids.count > 1 else {
            pending.prefetched = [:]
            return
        }
        var found: [EntryID: StoredEntryRow?] = Dictionary(ids.map { ($0, nil) }, uniquingKeysWith: { first, _ in first })
        for row in try await session.rows("""
            SELECT j.* FROM journal j JOIN unnest($1::text[], $2::bigint[], $3::bigint[]) AS w(origin, epoch, seq)
            ON j.origin = w.origin AND j.epoch = w.epoch AND j.seq = w.seq
            """, [PostgresTextArray(ids.map(\.origin.rawValue)), PostgresIntArray(ids.map { Int64($0.epoch) }), PostgresIntArray(ids.map { Int64($0.seq) })]) {
            let stored = try PostgresJournal.storedRow(row)
            guard let node = NodeID(stored.origin), let epoch = UInt32(exactly: stored.epoch), epoch >= 1, epoch <= ReplicaID.maxEpoch,
                  let seq = UInt64(exactly: stored.seq) else { continue }
            found[EntryID(replica: ReplicaID(node, epoch: epoch), seq: seq)] = .some(stored)
        }
        pending.prefetched = found
    }

    /// One statement per table for the batch's records not read ahead yet, all sent together;
    /// each answer then comes from `pending` until this transaction writes what it answers.
    func prefetchCases(_ records: [RecordKey]) async throws {
        let unread = Array(Set(records).subtracting(pending.prefetchedRecords))
        guard unread.count > 1 else { return }
        pending.prefetchedRecords.formUnion(unread)
        var statements: [(sql: String, arguments: [any PostgresArgument])] = []
        // Records with no applied edit (`recordState` then reads nothing).
        var unknown: [(type: RecordType, ids: [String])] = []
        for type in RecordType.allCases {
            let ids = unread.filter { $0.type == type && pending.states[$0] == nil && cache?.state($0) == nil }.map(\.id)
            guard !ids.isEmpty else { continue }
            unknown.append((type, ids))
            statements.append(("""
                SELECT DISTINCT record_id FROM journal WHERE record_type = $1 AND record_id = ANY($2) AND state = 'applied' AND kind = 1
                """, [type.rawValue, PostgresTextArray(ids)]))
        }
        let cases = unread.filter { $0.type == .caseFile }.map(\.id)
        let list = PostgresTextArray(cases)
        if !cases.isEmpty {
            statements += [
                ("SELECT record_id, sealed FROM case_keys WHERE record_id = ANY($1)", [list]),
                ("SELECT record_id FROM erased_cases WHERE record_id = ANY($1)", [list]),
                ("SELECT record_id, department, in_scope FROM case_scope WHERE record_id = ANY($1)", [list]),
                ("SELECT record_id, key_id, sealed FROM location_keys WHERE record_id = ANY($1)", [list]),
                ("SELECT record_id, node, epoch, seq, hash FROM scope_exits WHERE record_id = ANY($1)", [list]),
            ]
        }
        guard !statements.isEmpty else { return }
        var results = try await session.rowsTogether(statements)[...]
        for (type, ids) in unknown {
            let held = Set(try results.removeFirst().map { try $0.text("record_id") })
            for id in ids where !held.contains(id) {
                pending.absentRecords.insert(RecordKey(type, id))
                pending.withoutConflicts.insert(RecordKey(type, id))
            }
        }
        guard !cases.isEmpty else { return }
        let vault = try openVault()
        var keys = Dictionary(uniqueKeysWithValues: cases.map { ($0, SymmetricKey?.none) })
        for row in results.removeFirst() {
            let id = try row.text("record_id")
            keys[id] = SymmetricKey(data: try vault.open(try row.bytes("sealed"), context: "case key \(id)"))
        }
        for (id, key) in keys where pending.caseKeys[id] == nil { pending.caseKeys[id] = .some(key) }
        let erased = Set(try results.removeFirst().map { try $0.text("record_id") })
        for id in cases where pending.erased[id] == nil { pending.erased[id] = erased.contains(id) }
        var scopes = Dictionary(uniqueKeysWithValues: cases.map { ($0, [String: Bool]()) })
        for row in results.removeFirst() {
            scopes[try row.text("record_id"), default: [:]][try row.text("department")] = try row.int("in_scope") == 1
        }
        var locations = Dictionary(uniqueKeysWithValues: cases.map { ($0, [String: SymmetricKey]()) })
        for row in results.removeFirst() {
            let id = try row.text("record_id"), keyID = try row.text("key_id")
            locations[id, default: [:]][keyID] = SymmetricKey(data: try vault.open(try row.bytes("sealed"), context: "location key \(id) \(keyID)"))
        }
        var exits = Dictionary(uniqueKeysWithValues: cases.map { ($0, [String: ScopeExit]()) })
        for row in results.removeFirst() {
            guard let node = NodeID(try row.text("node")), let epoch = UInt32(exactly: try row.int("epoch")), epoch >= 1,
                  epoch <= ReplicaID.maxEpoch, let seq = UInt64(exactly: try row.int("seq")), let hash = Hash256(bytes: try row.bytes("hash"))
            else { continue }
            exits[try row.text("record_id"), default: [:]][node.rawValue] = ScopeExit(replica: ReplicaID(node, epoch: epoch), seq: seq, hash: hash)
        }
        for id in cases {
            if pending.scopeRows[id] == nil { pending.scopeRows[id] = scopes[id] }
            if pending.locationKeys[id] == nil { pending.locationKeys[id] = locations[id] }
            if pending.scopeExits[id] == nil { pending.scopeExits[id] = exits[id] }
        }
    }

    func sendHeldWrites() async throws {
        try session.sendHeld()
    }

    func chainTip(of replica: ReplicaID) async throws -> ChainTip? {
        guard let row = try await session.row("SELECT seq, hash FROM journal WHERE origin = $1 AND epoch = $2 ORDER BY seq DESC LIMIT 1",
                                        [replica.node.rawValue, Int64(replica.epoch)])
        else { return nil }
        guard let hash = Hash256(bytes: try row.bytes("hash")) else { throw StoreError.corrupt("a stored envelope hash is not 32 bytes") }
        return ChainTip(seq: UInt64(clamping: try row.int("seq")), hash: hash)
    }

    func lastTimestamp(notAfter millis: Int64) async throws -> HybridTimestamp? {
        guard let row = try await session.row("SELECT at_ms, tick FROM journal WHERE at_ms <= $1 ORDER BY at_ms DESC, tick DESC LIMIT 1", [millis])
        else { return nil }
        return HybridTimestamp(millis: try row.int("at_ms"), counter: UInt32(clamping: try row.int("tick")))
    }

    func insert(_ row: JournalRow) async throws {
        let id = row.entry.id
        pending.prefetched.removeValue(forKey: id)
        if let key = row.edit?.recordKey { pending.absentRecords.remove(key) }
        let (kind, type, recordID, at, tick) = row.columns
        // Held and sent with the batch's other rows in one statement (`PostgresSession.appendJournal`).
        try session.appendJournal(JournalInsert(
            origin: id.origin.rawValue, epoch: Int64(id.epoch), seq: Int64(id.seq), envelope: row.entry.envelope.bytes, hash: row.hash.bytes,
            body: row.entry.body?.blob, kind: kind.map(Int64.init), recordType: type, recordID: recordID, atMillis: at, tick: tick,
            state: row.state.name, reason: row.state.reason))
    }

    func fill(_ row: JournalRow) async throws {
        let id = row.entry.id
        pending.prefetched.removeValue(forKey: id)
        if let key = row.edit?.recordKey { pending.absentRecords.remove(key) }
        let (kind, type, recordID, at, tick) = row.columns
        try session.send("""
            UPDATE journal SET body = $1, kind = $2, record_type = $3, record_id = $4, at_ms = $5, tick = $6, state = $7, reason = $8
            WHERE origin = $9 AND epoch = $10 AND seq = $11
            """, [
                row.entry.body?.blob, kind, type, recordID, at, tick, row.state.name, row.state.reason,
                id.origin.rawValue, Int64(id.epoch), Int64(id.seq),
            ])
    }

    func writeRecord(_ stored: StoredRecord) async throws {
        let key = stored.key
        try session.upsertRecord(RecordUpsert(
            key: key, document: stored.document, clock: stored.clock, entryCount: Int64(stored.entryCount), personTag: stored.personTag))
        // A record read ahead with no applied edit has no conflicts stored yet.
        if pending.withoutConflicts.remove(key) == nil {
            try session.send("DELETE FROM conflicts WHERE record_type = $1 AND record_id = $2", [key.type.rawValue, key.id])
        }
        for (conflict, sealed) in stored.conflicts {
            try session.send("""
                INSERT INTO conflicts (id, record_type, record_id, field, status, body, department, first_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, [
                    conflict.id, key.type.rawValue, key.id, conflict.field, conflict.status.rawValue, sealed, stored.department,
                    RFC3339.format(millis: conflict.firstAt),
                ])
            try session.send("INSERT INTO conflict_ids (id, record_type, record_id, field) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                             [conflict.id, key.type.rawValue, key.id, conflict.field])
        }
    }

    func storeCaseKey(_ id: String, _ key: SymmetricKey) async throws {
        let sealed = try openVault().seal(key.withUnsafeBytes { Array($0) }, context: "case key \(id)")
        try session.insertCaseKey(id, sealed: sealed)
        // A key already held stays: the memo learns the new key only where it knows none was
        // held, and otherwise forgets (the next read says which).
        if case .some(.none) = pending.caseKeys[id] { pending.caseKeys[id] = .some(key) } else { pending.caseKeys.removeValue(forKey: id) }
    }

    func storeLocationKey(_ id: String, keyID: String, _ key: SymmetricKey) async throws {
        let sealed = try openVault().seal(key.withUnsafeBytes { Array($0) }, context: "location key \(id) \(keyID)")
        try session.send("INSERT INTO location_keys (record_id, key_id, sealed) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [id, keyID, sealed])
        // A key already held under this id stays, in the store as in the memo.
        if pending.locationKeys[id] != nil, pending.locationKeys[id]?[keyID] == nil { pending.locationKeys[id]?[keyID] = key }
    }

    func destroyLocationKeys(_ id: String) async throws {
        try session.send("DELETE FROM location_keys WHERE record_id = $1", [id])
        pending.locationKeys[id] = [:]
    }

    func ownDepartment() async throws -> String {
        guard let department = try await session.value("SELECT department FROM replica", as: String.self) else {
            throw StoreError.corrupt("the replica table names no department")
        }
        return department
    }

    func raiseFolioCounter(node: String, year: Int, to number: Int) async throws {
        session.raiseFolio(node: node, year: Int64(year), to: Int64(number))
    }

    func applyDirectory(_ event: DirectoryEvent) async throws {
        let node = event.node.rawValue
        try await session.execute("INSERT INTO directory (node) VALUES ($1) ON CONFLICT DO NOTHING", [node])
        switch event.kind {
        case .enrollment:
            try await session.execute("UPDATE directory SET department = $1, epoch = $2, revoked = 0 WHERE node = $3",
                                [event.department, Int64(event.effectiveFrom?.epoch ?? 0), node])
        case .keys:
            guard let from = event.effectiveFrom else { return }
            try await session.execute("""
                INSERT INTO directory_keys (node, from_epoch, from_seq, signing, agreement) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (node, from_epoch, from_seq) DO UPDATE SET signing = excluded.signing, agreement = excluded.agreement
                """, [node, Int64(from.epoch), Int64(from.seq), event.signingKey, event.agreementKey])
            try await session.execute("UPDATE directory SET epoch = GREATEST(epoch, $1) WHERE node = $2", [Int64(from.epoch), node])
        case .revocation:
            try await session.execute("UPDATE directory SET revoked = 1 WHERE node = $1", [node])
        }
    }

    func setAnchorKey(_ key: [UInt8]) async throws {
        if let existing = try await anchorKey(), existing != key {
            throw StoreError.brokenChain("this store is anchored to another central server's key")
        }
        try await session.execute("INSERT INTO anchor (singleton, central_key) VALUES (1, $1) ON CONFLICT DO NOTHING", [key])
    }

    func recordHead(_ head: StoredHead) async throws {
        try session.send("""
            INSERT INTO chain_heads (origin, epoch, seq, hash, signature) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (origin, epoch, seq) DO UPDATE SET hash = excluded.hash, signature = excluded.signature
            """, [head.id.origin.rawValue, Int64(head.id.epoch), Int64(head.id.seq), head.hash.bytes, head.signature])
    }

    // MARK: The index of need to know

    func erase(_ event: ErasureEvent) async throws -> Int {
        let id = event.caseID
        pending.prefetched.removeAll()
        pending.caseKeys.removeValue(forKey: id)
        pending.erased[id] = true
        let destroyed = try await session.execute("""
            UPDATE journal SET body = NULL, kind = NULL, record_type = NULL, record_id = NULL, state = 'stub', reason = 'erased'
            WHERE record_type = 'case' AND record_id = $1 AND kind IS DISTINCT FROM \(BodyKind.erasure.rawValue)
            """, [id])
        for table in ["conflicts", "conflict_ids"] {
            try await session.execute("DELETE FROM \(table) WHERE record_type = 'case' AND record_id = $1", [id])
        }
        try await session.execute("DELETE FROM case_keys WHERE record_id = $1", [id])
        try await session.execute("DELETE FROM location_keys WHERE record_id = $1", [id])
        pending.locationKeys[id] = [:]
        try await saveTombstone(event)
        try await session.execute("INSERT INTO erased_cases (record_id, erased_at) VALUES ($1, $2) ON CONFLICT DO NOTHING", [id, event.at])
        let key = RecordKey(.caseFile, id)
        pending.states.removeValue(forKey: key)
        pending.purged.insert(key)
        return destroyed
    }

    /// What remains of an erased case, as its record.
    func saveTombstone(_ event: ErasureEvent) async throws {
        try await session.execute("""
            INSERT INTO records (record_type, record_id, document, clock, entry_count) VALUES ('case', $1, $2, '', 0)
            ON CONFLICT (record_type, record_id) DO UPDATE SET document = excluded.document, clock = '', entry_count = 0, person_tag = NULL
            """, [event.caseID, try sealDocument(event.tombstone.canonicalText, of: RecordKey(.caseFile, event.caseID))])
    }

    func isErased(_ key: RecordKey) async throws -> Bool {
        guard key.type == .caseFile else { return false }
        if let known = pending.erased[key.id] { return known }
        let erased = try await session.row("SELECT 1 AS found FROM erased_cases WHERE record_id = $1", [key.id]) != nil
        pending.erased[key.id] = erased
        return erased
    }
}

extension PostgresJournal: ScopeTransaction {
    func scope(ofCase id: String) async throws -> Set<String> {
        if let rows = pending.scopeRows[id] { return Set(rows.filter(\.value).keys) }
        return Set(try await session.rows("SELECT department FROM case_scope WHERE record_id = $1 AND in_scope = 1", [id]).map { try $0.text("department") })
    }

    func setScope(ofCase id: String, to departments: Set<String>) async throws {
        var stored: [String: Bool] = pending.scopeRows[id] ?? [:]
        if pending.scopeRows[id] == nil {
            for row in try await session.rows("SELECT department, in_scope FROM case_scope WHERE record_id = $1", [id]) {
                stored[try row.text("department")] = try row.int("in_scope") == 1
            }
        }
        let entering = departments.filter { stored[$0] != true }
        let leaving = stored.filter { $0.value && !departments.contains($0.key) }.map(\.key)
        guard !entering.isEmpty || !leaving.isEmpty else { return }
        for department in entering { stored[department] = true }
        for department in leaving { stored[department] = false }
        pending.scopeRows[id] = stored
        // Held with the batch's other changes: the next change number, and every department
        // entering (1) or leaving (0) stamped with it.
        try session.changeScope(id, entering.sorted().map { ($0, Int64(1)) } + leaving.sorted().map { ($0, Int64(0)) })
    }

    func recordScopeExit(ofCase id: String, node: NodeID, head: ScopeExit) async throws {
        try session.send("INSERT INTO scope_exits (record_id, node, epoch, seq, hash) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                         [id, node.rawValue, Int64(head.replica.epoch), Int64(head.seq), head.hash.bytes])
        // An exit already recorded stays, in the store as in the memo.
        if pending.scopeExits[id] != nil, pending.scopeExits[id]?[node.rawValue] == nil { pending.scopeExits[id]?[node.rawValue] = head }
    }

    func clearScopeExit(ofCase id: String, node: NodeID) async throws {
        try session.clearScopeExit(id, node: node.rawValue)
        pending.scopeExits[id]?.removeValue(forKey: node.rawValue)
    }

    func scopeExit(ofCase id: String, node: NodeID) async throws -> ScopeExit? {
        if let exits = pending.scopeExits[id] { return exits[node.rawValue] }
        return try await session.rows("SELECT epoch, seq, hash FROM scope_exits WHERE record_id = $1 AND node = $2", [id, node.rawValue]).first.flatMap { row in
            guard let epoch = UInt32(exactly: try row.int("epoch")), epoch >= 1, epoch <= ReplicaID.maxEpoch,
                  let seq = UInt64(exactly: try row.int("seq")), let hash = Hash256(bytes: try row.bytes("hash")) else { return nil }
            return ScopeExit(replica: ReplicaID(node, epoch: epoch), seq: seq, hash: hash)
        }
    }

    func scopeExitHeads(of replica: ReplicaID, from: UInt64, through: UInt64) async throws -> [UInt64: Hash256] {
        var heads: [UInt64: Hash256] = [:]
        for row in try await session.rows("SELECT DISTINCT seq, hash FROM scope_exits WHERE node = $1 AND epoch = $2 AND seq BETWEEN $3 AND $4",
                                    [replica.node.rawValue, Int64(replica.epoch), Int64(clamping: from), Int64(clamping: through)]) {
            if let seq = UInt64(exactly: try row.int("seq")), let hash = Hash256(bytes: try row.bytes("hash")) { heads[seq] = hash }
        }
        return heads
    }

    func caseIDs() async throws -> [String] {
        try await session.rows("SELECT record_id FROM records WHERE record_type = 'case' ORDER BY record_id").map { try $0.text("record_id") }
    }
}
