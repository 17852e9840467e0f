import Crypto
import EnlaceModel

/// The rules of writing to a replica's journal, written once above any database: how entries
/// are appended (identity → chain → commitment → body → apply or quarantine → materialise →
/// conflict diff) and how a replica makes its own next entry. Every store, every role and every
/// path (local writes, imports, pushes, pulls, resolutions, directory events) goes through here.
public enum ReplicaWriter {
    /// Why an entry that is sound in its chain is not applied (nil: apply it). Roles add their
    /// own reasons (the central server quarantines times too far ahead).
    public typealias Quarantine = @Sendable (JournalEntry) -> String?
    /// Why an edit that decodes and validates may not apply given its record as the replica
    /// holds it just before it (nil: apply it): the central server's rules of who may write
    /// what, judged on the record, e.g. who may name the lead. Objections keep the entry
    /// quarantined.
    public typealias Admission = (JournalEntry, RecordState) async throws -> String?

    /// Appends entries in one transaction.
    ///
    /// - An identical resend is skipped; a stored stub receives the body it lacked.
    /// - A different envelope at a stored (origin, epoch, seq) throws `StoreError.conflictingEntry`;
    ///   an envelope that does not continue its origin's chain, or a body its envelope does not
    ///   commit to, throws `StoreError.brokenChain` — the caller's transaction rolls back.
    /// - A body that does not decode, does not validate, or that `quarantine` objects to is
    ///   kept in its chain as quarantined and not applied, so the origin's later entries flow.
    /// - Every touched record, its conflicts, the folio counters and the directory are
    ///   materialised before the transaction commits.
    ///
    /// `decoded`, when the caller already read the batch's edits (`readEdits`, in the same
    /// transaction), saves opening and decoding each body again; every edit is still validated.
    public static func append(
        _ entries: [ChainedEntry], decoded: [JournalEntry?]? = nil, in transaction: any JournalTransaction,
        quarantine: Quarantine = { _ in nil }, admit: Admission? = nil
    ) async throws -> AppendOutcome {
        try await append(entries, decoded: decoded, validated: [], in: transaction, quarantine: quarantine, admit: admit)
    }

    /// `append`, where `validated[i]` says entry `i`'s decoded edit was validated already —
    /// made here (`makeLocal`), or opened and validated before the transaction (`OpenedBatch`) —
    /// so it is not validated twice (a missing flag is false).
    package static func append(
        _ entries: [ChainedEntry], decoded: [JournalEntry?]?, validated: [Bool], in transaction: any JournalTransaction,
        quarantine: Quarantine = { _ in nil }, admit: Admission? = nil
    ) async throws -> AppendOutcome {
        precondition(decoded.map { $0.count == entries.count } ?? true, "decoded edits must match the entries one for one")
        var outcome = AppendOutcome()
        var touched: [RecordKey] = []
        var touchedSet: Set<RecordKey> = []
        // Each touched record's state as it was before this batch, read before the batch's first
        // entry of it is inserted: the batch's own entries are decoded once, not read back.
        var states: [RecordKey: RecordState] = [:]
        // Records this batch creates: they have no stored conflicts to compare with.
        var created: Set<RecordKey> = []
        // Where each chain ends so far in this batch: a batch is mostly one origin's contiguous
        // entries, so the predecessor is usually the entry just handled.
        var tips: [ReplicaID: ChainTip] = [:]
        // Whether a record is erased, asked once per record per batch (and known at once for a
        // case an erasure in this batch erases).
        var erasedRecords: [RecordKey: Bool] = [:]
        func erased(_ key: RecordKey) async throws -> Bool {
            if let known = erasedRecords[key] { return known }
            let answer = try await transaction.isErased(key)
            erasedRecords[key] = answer
            return answer
        }
        // Each case's data key, read and opened once per batch, not once per entry.
        let caseKeys = CaseKeyMemo(transaction)
        // A store that pays a round trip per statement reads the batch's stored rows at once.
        try await transaction.prefetchRows(entries.map(\.id))
        try await transaction.prefetchCases(entries.indices.compactMap { decoded?[$0]?.recordKey ?? entries[$0].body.flatMap(JournalEntry.recordKey(ofBody:)) })
        for (index, entry) in entries.enumerated() {
            let hash = entry.envelope.hash
            let existing = try await transaction.storedRow(entry.id)
            if let existing {
                guard existing.envelope == entry.envelope.bytes else { throw StoreError.conflictingEntry(entry.id) }
                tips[entry.id.replica] = ChainTip(seq: entry.id.seq, hash: hash)
                guard existing.body == nil, entry.body != nil, existing.state == .stub else {
                    outcome.duplicates += 1
                    continue
                }
            } else {
                try await checkChain(entry.envelope, tip: tips[entry.id.replica], in: transaction)
                tips[entry.id.replica] = ChainTip(seq: entry.id.seq, hash: hash)
            }
            guard entry.bodyMatches else {
                throw StoreError.brokenChain("entry \(entry.id): its body is not the one its envelope commits to (altered)")
            }
            var row = classify(entry, hash: hash, quarantine: quarantine, key: await caseKeys.lookup(for: entry.body), decoded: decoded?[index] ?? nil,
                               validated: index < validated.count && validated[index])
            // An erased case's contents are never stored again, whoever sends them (a node that
            // was offline, a relay): the entry keeps its place in its chain as a stub. The case
            // is read from the body's clear part too: its key was destroyed with the erasure, so
            // a sealed edit of it no longer opens here, and would otherwise be kept, sealed, as
            // quarantined.
            if let record = row.edit?.recordKey ?? entry.body.flatMap(JournalEntry.recordKey(ofBody:)), try await erased(record) {
                outcome.quarantined.append((entry.id, "the case was erased (ARCO cancellation): kept as a stub"))
                guard existing == nil else { continue }
                try await transaction.insert(JournalRow(entry: entry.stub, hash: hash, content: .none, state: .stub))
                outcome.stored += 1
                continue
            }
            if case (.edit(let edit), .applied) = (row.content, row.state) {
                if states[edit.recordKey] == nil {
                    if let held = try await transaction.recordState(edit.recordKey) {
                        states[edit.recordKey] = held
                    } else {
                        states[edit.recordKey] = RecordState(key: edit.recordKey)
                        created.insert(edit.recordKey)
                    }
                }
                // Judged on the record with this batch's earlier entries applied.
                if let admit, let reason = try await admit(edit, states[edit.recordKey]!) {
                    row = JournalRow(entry: entry, hash: hash, content: .edit(edit), state: .quarantined(reason))
                }
            }
            if existing == nil { try await transaction.insert(row) } else { try await transaction.fill(row) }
            outcome.stored += 1
            switch (row.content, row.state) {
            case (.edit(let edit), .applied):
                if let folio = edit.folioCounter { try await transaction.raiseFolioCounter(node: folio.node, year: folio.year, to: folio.number) }
                outcome.applied.append(edit)
                if !touchedSet.contains(edit.recordKey) {
                    touched.append(edit.recordKey)
                    touchedSet.insert(edit.recordKey)
                }
                states[edit.recordKey]?.apply(edit)
            case (.directory(let event), .applied):
                try await transaction.applyDirectory(event)
                outcome.directory.append(event)
            case (.erasure(let event), .applied):
                await outcome.bodiesErased += try transaction.erase(event)
                outcome.erased.append(event)
                let key = RecordKey(.caseFile, event.caseID)
                erasedRecords[key] = true
                if touchedSet.remove(key) != nil { touched.removeAll { $0 == key } }
                states.removeValue(forKey: key)
                outcome.records.removeValue(forKey: key)
            case (_, .quarantined(let reason)):
                outcome.quarantined.append((entry.id, reason))
            default:
                outcome.stubs += 1
            }
        }
        // The batch's journal rows are stored while its records are materialised and sealed.
        try await transaction.sendHeldWrites()
        // Each record's open conflicts are read before any is rewritten; then the batch's records
        // are materialised, sealed and written together.
        var saving: [RecordState] = [], previouslyOpen: [Set<String>] = []
        for key in touched {
            guard let state = states[key] else { continue }
            saving.append(state)
            previouslyOpen.append(created.contains(key) ? [] : await Set(try transaction.conflicts(of: key).filter { $0.status == .open }.map(\.id)))
        }
        for (record, open) in zip(try await transaction.save(saving), previouslyOpen) {
            outcome.records[record.key] = record
            outcome.conflictsOpened += record.openConflicts.filter { !open.contains($0.id) }
        }
        try await transaction.sendHeldWrites()
        return outcome
    }

    /// What an entry's body is, and whether it applies: an edit that decodes and validates, a
    /// directory event from the central server, or — kept but not applied — anything else.
    static func classify(_ entry: ChainedEntry, hash: Hash256, quarantine: Quarantine,
                         key: (RecordKey) -> SymmetricKey?, decoded: JournalEntry? = nil, validated: Bool = false) -> JournalRow {
        guard let body = entry.body else { return JournalRow(entry: entry, hash: hash, content: .none, state: .stub) }
        switch body.bytes.count >= 2 ? BodyKind(rawValue: body.bytes[1]) : nil {
        case .edit, .sealedEdit:
            let edit: JournalEntry
            do {
                edit = try decoded ?? JournalEntry.read(id: entry.id, body: body, key: key)
                try check(edit, in: body, validate: !(validated && decoded != nil))
            } catch {
                return JournalRow(entry: entry, hash: hash, content: .none, state: .quarantined("\(error)"))
            }
            if let reason = quarantine(edit) { return JournalRow(entry: entry, hash: hash, content: .edit(edit), state: .quarantined(reason)) }
            return JournalRow(entry: entry, hash: hash, content: .edit(edit), state: .applied)
        case .erasure:
            return centralEvent(entry, hash: hash, "erases cases") { .erasure(try ErasureEvent(body: $0)) }
        case .directory:
            return centralEvent(entry, hash: hash, "writes directory events") { .directory(try DirectoryEvent(body: $0)) }
        case nil:
            return JournalRow(entry: entry, hash: hash, content: .none, state: .quarantined("body: unknown kind"))
        }
    }

    /// What an edit read from `body` (an edit's, sealed or clear) must be to apply: sealed
    /// exactly when its record type is (a case's contents travel sealed, nothing else does),
    /// and, unless it was validated already, valid by its schema.
    static func check(_ edit: JournalEntry, in body: EntryBody, validate: Bool) throws {
        guard SealedEdit.seals(edit.recordType) == (body.bytes[1] == BodyKind.sealedEdit.rawValue) else {
            throw FormatError(SealedEdit.seals(edit.recordType) ? "a case edit must be sealed with the case's key"
                                                               : "only case edits are sealed")
        }
        if validate { try edit.recordType.schema.validate(edit) }
    }

    /// A body only the central server may write (a directory event, an erasure): applied when
    /// it is the central server's and decodes, quarantined otherwise.
    static func centralEvent(_ entry: ChainedEntry, hash: Hash256, _ what: String,
                             decode: ([UInt8]) throws -> JournalRow.Content) -> JournalRow {
        guard entry.id.origin == .central, let body = entry.body else {
            return JournalRow(entry: entry, hash: hash, content: .none, state: .quarantined("only the central server \(what)"))
        }
        do {
            return JournalRow(entry: entry, hash: hash, content: try decode(body.bytes), state: .applied)
        } catch {
            return JournalRow(entry: entry, hash: hash, content: .none, state: .quarantined("\(error)"))
        }
    }

    /// Refuses an envelope that does not follow its origin's previous one in the same epoch:
    /// the first names no predecessor, every later one the hash of the one before.
    static func checkChain(_ envelope: EntryEnvelope, tip: ChainTip?, in transaction: any JournalTransaction) async throws {
        let id = envelope.id
        guard id.seq > 1 else { return }  // the decoder refuses a first entry that names a predecessor
        let previous = id.seq - 1
        let predecessor: Hash256?
        if let tip, tip.seq == previous {
            predecessor = tip.hash
        } else if let stored = try await transaction.chainTip(of: id.replica), stored.seq == previous {
            predecessor = stored.hash
        } else {
            predecessor = try await transaction.storedRow(EntryID(replica: id.replica, seq: previous)).flatMap { Hash256(bytes: $0.hash) }
        }
        guard let predecessor else {
            throw StoreError.brokenChain("entry \(id) arrives before \(id.replica):\(previous): each origin's entries are stored in order")
        }
        guard envelope.prev == predecessor else {
            throw StoreError.brokenChain("entry \(id) does not follow \(id.replica):\(previous) in the hash chain: it was altered or reordered")
        }
    }

    /// Makes `origin`'s next entry editing `key` with `operations`: its clock follows everything
    /// this transaction holds of the record (so it can never ignore a write the replica has),
    /// its timestamp follows every stored one not far ahead of `physicalMillis`, and its envelope continues `origin`'s chain and
    /// commits to the body under `salt`. It is validated, not yet appended.
    public static func makeLocal(
        origin: ReplicaID, key: RecordKey, operations: [FieldOperation], physicalMillis: Int64,
        author: String? = nil, note: String? = nil, salt: [UInt8] = SystemClock.salt(), in transaction: any JournalTransaction
    ) async throws -> (edit: JournalEntry, entry: ChainedEntry) {
        let tip = try await transaction.chainTip(of: origin)
        let state = try await transaction.recordState(key)
        if key.type == .caseFile, operations.contains(where: { $0.field == LeadRule.field }) {
            let originDepartment = state?.currentValue(of: "origin_department").stringValue
                ?? operations.lazy.compactMap { operation -> String? in
                    guard case .set("origin_department", let value, _) = operation else { return nil }
                    return value.stringValue
                }.first
            let clock = (state ?? RecordState(key: key)).nextClock(for: try await transaction.ownReplica())
            let writer = try await transaction.ownDepartment()
            if let reason = LeadRule.refusal(writer: writer, clock: clock, state: state, origin: originDepartment) {
                throw Refusal.forbidden(reason, field: LeadRule.field)
            }
        }
        let operations = try await sealLocations(operations, of: key, state: state, in: transaction)
        // Timestamps follow every stored one within `maxLead` of this replica's clock, never one
        // stamped further ahead (a clock that ran ahead, since corrected, must not drag every
        // later entry along; causality is the vector clock's, not the timestamp's).
        let latest = try await transaction.lastTimestamp(
            notAfter: physicalMillis > Int64.max - HybridTimestamp.maxLead ? Int64.max : physicalMillis + HybridTimestamp.maxLead)
        let edit = (state ?? RecordState(key: key)).makeEntry(
            origin: origin, seq: (tip?.seq ?? 0) + 1, operations: operations,
            timestamp: HybridTimestamp.next(after: latest, physicalMillis: physicalMillis), author: author, note: note)
        try key.type.schema.validate(edit)
        let dataKey = try await dataKey(of: key, in: transaction)
        return (edit, ChainedEntry(sealing: edit, prev: tip?.hash, salt: salt, key: dataKey))
    }

    /// A restricted case's location (`LocationSeal.fields`) is written sealed under the lead
    /// department's location key (made here when the lead has none yet): only the lead
    /// department's nodes write it, and the central server writes it for the lead.
    static func sealLocations(_ operations: [FieldOperation], of record: RecordKey, state: RecordState?,
                              in transaction: any JournalTransaction) async throws -> [FieldOperation] {
        guard record.type == .caseFile, operations.contains(where: { operation in
            guard case .set(let field, let value, _) = operation else { return false }
            return LocationSeal.fields.contains(field) && !value.isNull && !LocationSeal.isToken(value)
        }) else { return operations }
        let (restricted, lead) = LocationSeal.restriction(of: state, after: operations)
        guard restricted else { return operations }
        guard let lead else { throw Refusal.conflict("case \(record.id) names no lead department to hold its restricted location") }
        let writer = try await transaction.ownDepartment()
        guard writer == lead || writer == "CENTRAL" else {
            throw Refusal.forbidden("while the case's location is restricted only its lead department (\(lead)) writes it",
                                    field: operations.lazy.map(\.field).first(where: LocationSeal.fields.contains))
        }
        // The lead's key this replica made, else one it received, else a new one.
        let own = await LocationSeal.keyID(department: lead, madeBy: try transaction.ownReplica().node)
        let held = try await transaction.locationKeys(record.id).filter { LocationSeal.department(ofKey: $0.key) == lead }
        let keyID = held[own] != nil ? own : held.keys.sorted().first ?? own
        let key: SymmetricKey
        if let existing = held[keyID] {
            key = existing
        } else {
            key = SymmetricKey(size: .bits256)
            try await transaction.storeLocationKey(record.id, keyID: keyID, key)
        }
        return operations.map { operation in
            guard case .set(let field, let value, let prior) = operation, LocationSeal.fields.contains(field), !value.isNull,
                  !LocationSeal.isToken(value)
            else { return operation }
            return .set(field: field, value: LocationSeal.seal(value, field: field, caseID: record.id, keyID: keyID, key: key), prior: prior)
        }
    }

    /// The key a new edit of `record` is sealed with: the case's data key, made here (random)
    /// when this replica creates the case; nil for records that are not sealed.
    static func dataKey(of record: RecordKey, in transaction: any JournalTransaction) async throws -> SymmetricKey? {
        guard SealedEdit.seals(record.type) else { return nil }
        if let key = try await transaction.caseKey(record.id) { return key }
        guard try await transaction.recordState(record) == nil else {
            throw StoreError.corrupt("this replica holds \(record) but not its data key")
        }
        let key = SymmetricKey(size: .bits256)
        try await transaction.storeCaseKey(record.id, key)
        return key
    }

    /// Makes and appends `origin`'s next entry (see `makeLocal`).
    @discardableResult
    public static func appendLocal(
        origin: ReplicaID, key: RecordKey, operations: [FieldOperation], physicalMillis: Int64,
        author: String? = nil, note: String? = nil, in transaction: any JournalTransaction
    ) async throws -> (edit: JournalEntry, entry: ChainedEntry, outcome: AppendOutcome) {
        let made = try await makeLocal(
            origin: origin, key: key, operations: operations, physicalMillis: physicalMillis, author: author, note: note, in: transaction)
        // Made and validated here: appended as made, not opened, decoded and validated again.
        let outcome = try await append([made.entry], decoded: [made.edit], validated: [true], in: transaction)
        return (made.edit, made.entry, outcome)
    }

    /// Makes and appends the central server's next directory event.
    @discardableResult
    public static func appendDirectory(_ event: DirectoryEvent, origin: ReplicaID, in transaction: any JournalTransaction) async throws -> ChainedEntry {
        try await appendCentral(body: event.encodedBody, origin: origin, in: transaction).entry
    }

    /// Makes and appends the central server's next entry with `body` (a directory event, an
    /// erasure).
    @discardableResult
    public static func appendCentral(body: [UInt8], origin: ReplicaID, in transaction: any JournalTransaction) async throws
        -> (entry: ChainedEntry, outcome: AppendOutcome)
    {
        precondition(origin.node == .central, "only the central server writes directory events and erasures")
        let tip = try await transaction.chainTip(of: origin)
        let entry = ChainedEntry(id: EntryID(replica: origin, seq: (tip?.seq ?? 0) + 1), body: body, prev: tip?.hash, salt: SystemClock.salt())
        return (entry, try await append([entry], in: transaction))
    }
}

extension JournalEntry {
    /// The folio counter a case creation advances: its node, year and number.
    package var folioCounter: (node: String, year: Int, number: Int)? {
        guard recordType == .caseFile else { return nil }
        for case .set(field: "folio", value: .string(let folio), prior: _) in operations {
            return Schema.parseFolio(folio)
        }
        return nil
    }
}
