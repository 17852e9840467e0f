import EnlaceModel

/// The rules of writing to a replica's journal, written once above any database: how entries
/// are appended (validate → identity and chain checks → store → materialise → conflict diff)
/// and how a replica makes its own next entry. Every store, every role and every path (local
/// writes, imports, pushes, pulls, resolutions) goes through here.
public enum ReplicaWriter {
    /// Appends entries in one transaction. Each is validated against its schema; an identical
    /// resend is skipped; a different entry at a stored (origin, seq) throws
    /// `StoreError.conflictingEntry`, and an entry that does not continue its origin's hash chain
    /// `StoreError.brokenChain` — the caller's transaction then rolls back and stores nothing.
    /// Every touched record, its conflicts and the folio counters are materialised before it
    /// commits.
    public static func append(_ entries: [JournalEntry], in transaction: any JournalTransaction) throws -> AppendOutcome {
        var outcome = AppendOutcome()
        var touched: [RecordKey] = []
        var newEntries: [RecordKey: [JournalEntry]] = [:]
        // Where each origin's chain ends so far in this batch: a batch is mostly one origin's
        // contiguous entries, so the predecessor is usually the entry just handled.
        var tips: [NodeID: ChainTip] = [:]
        for entry in entries {
            try entry.recordType.schema.validate(entry)
            let stored = StoredEntry(entry)
            if let existing = try transaction.entryText(entry.id) {
                guard existing == stored.text else { throw StoreError.conflictingEntry(entry.id) }
                outcome.duplicates += 1
                tips[entry.id.origin] = ChainTip(seq: entry.id.seq, hash: stored.hash)
                continue
            }
            try checkChain(entry, tip: tips[entry.id.origin], in: transaction)
            try transaction.insert(stored)
            tips[entry.id.origin] = ChainTip(seq: entry.id.seq, hash: stored.hash)
            if let folio = entry.folioCounter { try transaction.raiseFolioCounter(node: folio.node, year: folio.year, to: folio.number) }
            outcome.applied.append(entry)
            if newEntries[entry.recordKey] == nil { touched.append(entry.recordKey) }
            newEntries[entry.recordKey, default: []].append(entry)
        }
        for key in touched {
            let before = try transaction.recordState(key)
            var state = before ?? RecordState(key: key)
            for entry in newEntries[key] ?? [] { state.apply(entry) }
            let previouslyOpen = Set(try transaction.conflicts(of: key).filter { $0.status == .open }.map(\.id))
            let record = state.materialize()
            try transaction.save(record, state: state)
            outcome.records[key] = record
            outcome.conflictsOpened += record.openConflicts.filter { !previouslyOpen.contains($0.id) }
        }
        return outcome
    }

    /// Refuses an entry that does not follow its origin's previous entry: the first of an
    /// origin names no predecessor, every later one the hash of the one before.
    static func checkChain(_ entry: JournalEntry, tip: ChainTip?, in transaction: any JournalTransaction) throws {
        guard entry.id.seq > 1 else {
            guard entry.prev == nil else {
                throw StoreError.brokenChain("entry \(entry.id) is its origin's first but names a predecessor")
            }
            return
        }
        let previous = entry.id.seq - 1
        let predecessor: String?
        if let tip, tip.seq == previous {
            predecessor = tip.hash
        } else if let stored = try transaction.chainTip(of: entry.id.origin), stored.seq == previous {
            predecessor = stored.hash
        } else {
            predecessor = try transaction.entryText(EntryID(origin: entry.id.origin, seq: previous)).map(EntryChain.hash)
        }
        guard let predecessor else {
            throw StoreError.brokenChain(
                "entry \(entry.id) arrives before \(entry.id.origin):\(previous): each origin's entries are stored in order")
        }
        guard entry.prev == predecessor else {
            throw StoreError.brokenChain(
                "entry \(entry.id) does not follow \(entry.id.origin):\(previous) in the hash chain: it was altered or reordered")
        }
    }

    /// Makes `origin`'s next entry editing `key` with `operations`: its clock follows everything
    /// this transaction holds of the record (so it can never ignore a write the replica has),
    /// its timestamp follows every stored one, and it continues `origin`'s hash chain. It is
    /// validated, not yet appended.
    public static func makeLocalEntry(
        origin: NodeID, key: RecordKey, operations: [FieldOperation], physicalMillis: Int64,
        author: String? = nil, note: String? = nil, in transaction: any JournalTransaction
    ) throws -> JournalEntry {
        let tip = try transaction.chainTip(of: origin)
        let entry = (try transaction.recordState(key) ?? RecordState(key: key)).makeEntry(
            origin: origin, seq: (tip?.seq ?? 0) + 1, operations: operations,
            timestamp: HybridTimestamp.next(after: try transaction.lastTimestamp(), physicalMillis: physicalMillis),
            author: author, note: note, prev: tip?.hash)
        try key.type.schema.validate(entry)
        return entry
    }

    /// Makes and appends `origin`'s next entry (see `makeLocalEntry`).
    @discardableResult
    public static func appendLocal(
        origin: NodeID, key: RecordKey, operations: [FieldOperation], physicalMillis: Int64,
        author: String? = nil, note: String? = nil, in transaction: any JournalTransaction
    ) throws -> (entry: JournalEntry, outcome: AppendOutcome) {
        let entry = try makeLocalEntry(
            origin: origin, key: key, operations: operations, physicalMillis: physicalMillis, author: author, note: note, in: transaction)
        return (entry, try append([entry], in: transaction))
    }
}

extension JournalEntry {
    /// The folio counter a case creation advances: its node, year and number.
    var folioCounter: (node: String, year: Int, number: Int)? {
        guard recordType == .caseFile else { return nil }
        for case .set(field: "folio", value: .string(let folio), prior: _) in operations {
            return Schema.parseFolio(folio)
        }
        return nil
    }
}
