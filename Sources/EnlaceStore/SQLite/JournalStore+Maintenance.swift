import EnlaceModel
import GRDB

extension JournalStore {
    /// Checks integrity: SQLite's own check, then everything `JournalVerifier` checks.
    public func verify() throws -> VerifyReport {
        guard vault != nil else { throw StoreError.locked(path) }
        return try pool.read { db in
            var report = VerifyReport()
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { report.problems.append("SQLite integrity check: " + integrity.joined(separator: "; ")) }
            let journal = SQLiteJournal(db: db, vault: vault)
            let replay = try JournalVerifier.replay(journal)
            report.entries = replay.entries
            report.problems += replay.problems
            report.problems += try JournalVerifier.checkHeads(journal, directory: replay.directory) { id in
                try journal.storedRow(id).flatMap { Hash256(bytes: $0.hash) }
            }
            report.problems += try JournalVerifier.compare(replay, with: journal)
            report.records = replay.replica.records.count
            return report
        }
    }

    /// Recomputes records, conflicts and folio counters from the journal alone, replaces the
    /// stored ones, and reports every difference found.
    public func rebuild() throws -> RebuildReport {
        guard vault != nil else { throw StoreError.locked(path) }
        return try pool.write { db in try rematerialize(db) }
    }

    /// Replaces everything materialised with what the journal alone gives, in `db`'s transaction.
    func rematerialize(_ db: Database) throws -> RebuildReport {
        let journal = SQLiteJournal(db: db, vault: vault)
        let replay = try JournalVerifier.replay(journal)
        if let problem = replay.problems.first { throw StoreError.corrupt(problem) }
        var report = RebuildReport(entries: replay.entries, records: replay.replica.records.count)
        report.differences = try JournalVerifier.compare(replay, with: journal)
        try db.execute(sql: "DELETE FROM records; DELETE FROM conflicts; DELETE FROM folio_counters; DELETE FROM directory; DELETE FROM directory_keys")
        cache.removeAll()
        for key in replay.replica.records.keys.sorted() {
            let state = replay.replica.state(of: key)!
            try journal.save(state.materialize(), state: state)
        }
        for event in replay.erasures.values.sorted(by: { $0.caseID < $1.caseID }) { try journal.saveTombstone(event) }
        for folio in replay.folios { try journal.raiseFolioCounter(node: folio.node, year: folio.year, to: folio.number) }
        var events: [DirectoryEvent] = []
        try journal.forEachEntry { row in
            guard row.state == .applied, let body = row.chainedEntry?.body, body.bytes.count >= 2,
                  body.bytes[1] == BodyKind.directory.rawValue, let event = try? DirectoryEvent(body: body.bytes)
            else { return }
            events.append(event)
        }
        for event in events { try journal.applyDirectory(event) }
        return report
    }
}
