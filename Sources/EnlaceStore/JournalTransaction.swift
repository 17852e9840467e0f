import EnlaceModel
import GRDB

/// One write transaction: appends entries and materialises what they change, atomically.
public struct JournalTransaction {
    let db: Database
    /// Committed states (nil: read everything from the journal, as rebuild and verify do).
    var cache: RecordCache?
    /// States this transaction produced.
    var pending = PendingStates()

    init(db: Database, cache: RecordCache? = nil, pending: PendingStates = PendingStates()) {
        self.db = db
        self.cache = cache
        self.pending = pending
    }

    /// A record's merge state as this transaction sees it: its own changes, then the committed
    /// cache, then the journal.
    public func recordState(_ key: RecordKey) throws -> RecordState? {
        if let state = pending.states[key] ?? cache?.state(key) { return state }
        return try reader.recordState(key)
    }

    /// Reads inside this transaction (they see its own writes).
    public var reader: JournalReader { JournalReader(db: db) }

    /// Appends entries: each is validated against its schema; an identical resend is skipped;
    /// a different entry at a stored (origin, seq) throws `StoreError.conflictingEntry` and,
    /// the transaction being rolled back, stores nothing. Every touched record, its conflicts
    /// and the folio counters are materialised before the transaction commits.
    public func append(_ entries: [JournalEntry]) throws -> AppendOutcome {
        var outcome = AppendOutcome()
        var touched: [RecordKey] = []
        var seenKeys = Set<RecordKey>()
        var newEntries: [RecordKey: [JournalEntry]] = [:]
        // The hash each origin's chain ends at so far in this batch: a batch is mostly one origin's
        // contiguous entries, so the predecessor is usually the entry just handled.
        var tips: [NodeID: (seq: UInt64, hash: String)] = [:]
        for entry in entries {
            try entry.recordType.schema.validate(entry)
            let text = EntryCoding.encode(entry)
            let hash = EntryChain.hash(text)
            if let stored = try reader.entryText(entry.id) {
                guard stored == text else { throw StoreError.conflictingEntry(entry.id) }
                outcome.duplicates += 1
                tips[entry.id.origin] = (entry.id.seq, hash)
                continue
            }
            let previous = EntryID(origin: entry.id.origin, seq: entry.id.seq - 1)
            let predecessor: String? = if entry.id.seq == 1 {
                nil
            } else if let tip = tips[entry.id.origin], tip.seq == previous.seq {
                tip.hash
            } else {
                try reader.entryHash(previous)
            }
            if entry.id.seq > 1, predecessor == nil {
                throw StoreError.brokenChain("entry \(entry.id) arrives before \(entry.id.origin):\(entry.id.seq - 1): each origin's entries are stored in order")
            }
            guard entry.prev == predecessor else {
                throw StoreError.brokenChain("entry \(entry.id) does not follow \(entry.id.origin):\(entry.id.seq - 1) in the hash chain: it was altered or reordered")
            }
            try db.cachedStatement(sql: "INSERT INTO journal (origin, seq, record_type, record_id, at_ms, tick, body, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").execute(arguments: [entry.id.origin.rawValue, Int64(entry.id.seq), entry.recordType.rawValue, entry.recordID,
                            entry.timestamp.millis, Int64(entry.timestamp.counter), text, hash])
            tips[entry.id.origin] = (entry.id.seq, hash)
            try countFolio(in: entry)
            outcome.applied.append(entry)
            newEntries[entry.recordKey, default: []].append(entry)
            if seenKeys.insert(entry.recordKey).inserted { touched.append(entry.recordKey) }
        }
        for key in touched {
            // A cached state lacks this transaction's entries; one read from the journal has them
            // (applying an entry twice changes nothing).
            guard var state = try recordState(key) else { continue }
            for entry in newEntries[key] ?? [] { state.apply(entry) }
            pending.states[key] = state
            let record = state.materialize()
            let previouslyOpen = Set(try String.fetchAll(
                db.cachedStatement(sql: "SELECT id FROM conflicts WHERE record_type = ? AND record_id = ? AND status = 'open'"),
                arguments: [key.type.rawValue, key.id]))
            try store(record)
            outcome.records[key] = record
            outcome.conflictsOpened += record.openConflicts.filter { !previouslyOpen.contains($0.id) }
        }
        return outcome
    }

    /// Writes a materialised record and its conflicts, replacing what was stored.
    func store(_ record: MaterializedRecord) throws {
        let key = record.key
        try db.cachedStatement(sql: """
                INSERT INTO records (record_type, record_id, document, clock, entry_count) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (record_type, record_id) DO UPDATE
                SET document = excluded.document, clock = excluded.clock, entry_count = excluded.entry_count
                """).execute(arguments: [key.type.rawValue, key.id, record.document.canonicalText, record.clock.description, record.entryCount])
        try db.cachedStatement(sql: "DELETE FROM conflicts WHERE record_type = ? AND record_id = ?").execute(arguments: [key.type.rawValue, key.id])
        for conflict in record.openConflicts + record.resolvedConflicts {
            try db.cachedStatement(sql: "INSERT INTO conflicts (id, record_type, record_id, field, status, body) VALUES (?, ?, ?, ?, ?, ?)").execute(arguments: [conflict.id, key.type.rawValue, key.id, conflict.field, conflict.status.rawValue,
                            conflict.json.canonicalText])
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO conflict_ids (id, record_type, record_id, field) VALUES (?, ?, ?, ?)").execute(arguments: [conflict.id, key.type.rawValue, key.id, conflict.field])
        }
    }

    /// Keeps the folio counters at the highest number seen per (node, year).
    private func countFolio(in entry: JournalEntry) throws {
        guard entry.recordType == .caseFile else { return }
        for case .set(field: "folio", value: .string(let folio), prior: _) in entry.operations {
            guard let (node, year, number) = JournalTransaction.parseFolio(folio) else { continue }
            try db.cachedStatement(sql: """
                    INSERT INTO folio_counters (node, year, last) VALUES (?, ?, ?)
                    ON CONFLICT (node, year) DO UPDATE SET last = MAX(last, excluded.last)
                    """).execute(arguments: [node, year, number])
        }
    }

    /// Reserves the next folio number of `node` for `year`.
    public func nextFolioNumber(node: String, year: Int) throws -> Int {
        try reader.lastFolioNumber(node: node, year: year) + 1
    }

    /// Splits `LEON-<NODE>-<YYYY>-<NNNNNN>` into its parts.
    static func parseFolio(_ folio: String) -> (String, Int, Int)? {
        guard Schema.isFolio(folio) else { return nil }
        let parts = folio.split(separator: "-")
        guard parts.count >= 4, let number = Int(parts[parts.count - 1]), let year = Int(parts[parts.count - 2]) else { return nil }
        return (parts[1..<(parts.count - 2)].joined(separator: "-"), year, number)
    }
}
