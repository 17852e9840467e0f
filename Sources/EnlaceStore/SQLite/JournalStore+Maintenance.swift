import EnlaceModel
import GRDB

extension JournalStore {
    /// Checks integrity: SQLite's own check, then everything `JournalVerifier` checks.
    public func verify() throws -> VerifyReport {
        try pool.read { db in
            var report = VerifyReport()
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { report.problems.append("SQLite integrity check: " + integrity.joined(separator: "; ")) }
            let journal = SQLiteJournal(db: db)
            let replay = try JournalVerifier.replay(journal)
            report.entries = replay.entries
            report.problems += replay.problems
            report.problems += try JournalVerifier.checkHeads(journal) { id in try journal.entryText(id).map(EntryChain.hash) }
            report.problems += try JournalVerifier.compare(replay.replica, with: journal)
            report.records = replay.replica.records.count
            return report
        }
    }

    /// Recomputes records, conflicts and folio counters from the journal alone, replaces the
    /// stored ones, and reports every difference found.
    public func rebuild() throws -> RebuildReport {
        try pool.write { db in
            let journal = SQLiteJournal(db: db)
            let replay = try JournalVerifier.replay(journal)
            if let problem = replay.problems.first { throw StoreError.corrupt(problem) }
            var report = RebuildReport(entries: replay.entries, records: replay.replica.records.count)
            report.differences = try JournalVerifier.compare(replay.replica, with: journal)
            try db.execute(sql: "DELETE FROM records; DELETE FROM conflicts; DELETE FROM folio_counters")
            cache.removeAll()
            for key in replay.replica.records.keys.sorted() {
                let state = replay.replica.state(of: key)!
                try journal.save(state.materialize(), state: state)
            }
            for folio in replay.folios { try journal.raiseFolioCounter(node: folio.node, year: folio.year, to: folio.number) }
            return report
        }
    }
}
