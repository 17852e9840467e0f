import EnlaceModel
import GRDB

/// What `verify` found.
public struct VerifyReport: Sendable {
    /// How many entries were checked.
    public var entries = 0
    /// How many records were recomputed.
    public var records = 0
    /// Problems, the first bad entry first; empty when the store is sound.
    public var problems: [String] = []

    /// Whether nothing is wrong.
    public var isSound: Bool { problems.isEmpty }
}

/// What `rebuild` changed.
public struct RebuildReport: Sendable {
    /// How many entries were replayed.
    public var entries = 0
    /// How many records were rebuilt.
    public var records = 0
    /// Differences between the stored and the recomputed state (empty when they matched).
    public var differences: [String] = []
}

extension JournalStore {
    /// Checks integrity: SQLite's own check, every entry's encoding and validity, per-origin
    /// sequences without gaps, and the materialised state against a recomputation.
    public func verify() throws -> VerifyReport {
        try pool.read { db in
            var report = VerifyReport()
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { report.problems.append("SQLite integrity check: " + integrity.joined(separator: "; ")) }
            let replayed = try replay(JournalReader(db: db), report: &report.problems)
            report.entries = replayed.entries
            report.problems += try verifyHeads(JournalReader(db: db))
            report.problems += try compare(replayed.replica, with: JournalReader(db: db))
            report.records = replayed.replica.records.count
            return report
        }
    }

    /// Recomputes records, conflicts and folio counters from the journal alone, replaces the
    /// stored ones, and reports every difference found.
    public func rebuild() throws -> RebuildReport {
        try pool.write { db in
            var report = RebuildReport()
            var problems: [String] = []
            let replayed = try replay(JournalReader(db: db), report: &problems)
            guard problems.isEmpty else { throw StoreError.corrupt(problems[0]) }
            report.entries = replayed.entries
            report.differences = try compare(replayed.replica, with: JournalReader(db: db))
            try db.execute(sql: "DELETE FROM records; DELETE FROM conflicts; DELETE FROM folio_counters")
            cache.removeAll()
            let transaction = JournalTransaction(db: db)
            for record in replayed.replica.materializeAll() { try transaction.store(record) }
            for (node, year, number) in replayed.folios {
                try db.execute(
                    sql: """
                        INSERT INTO folio_counters (node, year, last) VALUES (?, ?, ?)
                        ON CONFLICT (node, year) DO UPDATE SET last = MAX(last, excluded.last)
                        """,
                    arguments: [node, year, number])
            }
            report.records = replayed.replica.records.count
            return report
        }
    }

    private func replay(
        _ reader: JournalReader, report problems: inout [String]
    ) throws -> (replica: Replica, entries: Int, folios: [(String, Int, Int)]) {
        var replica = Replica()
        var lastSeq: [String: Int64] = [:]
        var lastHash: [String: String] = [:]
        var count = 0
        var folios: [(String, Int, Int)] = []
        try reader.forEachEntry { position, text, row in
            count += 1
            let name = "entry at position \(position) (\(row["origin"] as String):\(row["seq"] as Int64))"
            let entry: JournalEntry
            do {
                entry = try EntryCoding.decode(text)
            } catch {
                problems.append("\(name): does not decode: \(error)")
                return
            }
            if EntryCoding.encode(entry) != text { problems.append("\(name): body is not in canonical form") }
            do { try entry.recordType.schema.validate(entry) } catch { problems.append("\(name): invalid: \(error)") }
            if entry.id.origin.rawValue != row["origin"] || Int64(entry.id.seq) != row["seq"]
                || entry.recordID != row["record_id"] || entry.recordType.rawValue != row["record_type"]
                || entry.timestamp.millis != row["at_ms"]
            {
                problems.append("\(name): columns disagree with its body")
            }
            let expected = (lastSeq[entry.id.origin.rawValue] ?? 0) + 1
            if Int64(entry.id.seq) != expected {
                problems.append("\(name): sequence gap for origin \(entry.id.origin): expected seq \(expected)")
            }
            lastSeq[entry.id.origin.rawValue] = max(lastSeq[entry.id.origin.rawValue] ?? 0, Int64(entry.id.seq))
            let hash = EntryChain.hash(text)
            if let stored = row["hash"] as String?, stored != hash {
                problems.append("\(name): its stored hash does not match its content (the entry was edited)")
            }
            if entry.prev != lastHash[entry.id.origin.rawValue] {
                problems.append("\(name): breaks the hash chain of \(entry.id.origin) (an entry before it was altered, removed or reordered)")
            }
            lastHash[entry.id.origin.rawValue] = hash
            if entry.recordType == .caseFile {
                for case .set(field: "folio", value: .string(let folio), prior: _) in entry.operations {
                    if let parsed = JournalTransaction.parseFolio(folio) { folios.append(parsed) }
                }
            }
            replica.apply(entry)
        }
        return (replica, count, folios)
    }

    private func compare(_ replica: Replica, with reader: JournalReader) throws -> [String] {
        var differences: [String] = []
        let storedKeys = Set(try reader.recordKeys())
        for record in replica.materializeAll() {
            guard let stored = try reader.documentText(record.key) else {
                differences.append("\(record.key): missing from the materialised records")
                continue
            }
            if stored != record.document.canonicalText { differences.append("\(record.key): stored record differs from the journal") }
            let storedConflicts = Set(try String.fetchAll(
                reader.db, sql: "SELECT body FROM conflicts WHERE record_type = ? AND record_id = ?",
                arguments: [record.key.type.rawValue, record.key.id]))
            let expected = Set((record.openConflicts + record.resolvedConflicts).map(\.json.canonicalText))
            if storedConflicts != expected { differences.append("\(record.key): stored conflicts differ from the journal") }
        }
        for key in storedKeys where replica.records[key] == nil {
            differences.append("\(key): materialised but has no journal entries")
        }
        return differences
    }
}
