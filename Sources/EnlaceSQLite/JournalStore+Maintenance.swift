import EnlaceModel
import EnlaceReplica
import GRDB

extension JournalStore {
    /// Checks integrity: SQLite's own check, then everything `JournalVerifier` checks.
    public func verify() async throws -> VerifyReport {
        guard vault != nil else { throw StoreError.locked(path) }
        return try await reading { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            var report = try await Rematerializer.verify(SQLiteJournal(db: db, vault: vault))
            if integrity != ["ok"] { report.problems.insert("SQLite integrity check: " + integrity.joined(separator: "; "), at: 0) }
            return report
        }
    }

    /// Recomputes records, conflicts and folio counters from the journal alone, replaces the
    /// stored ones, and reports every difference found.
    public func rebuild() async throws -> RebuildReport {
        guard vault != nil else { throw StoreError.locked(path) }
        return try await writing { db in try await rematerialize(db) }
    }

    /// Replaces everything materialised with what the journal alone gives, in `db`'s transaction.
    func rematerialize(_ db: Database) async throws -> RebuildReport {
        cache.removeAll()
        return try await Rematerializer.rebuild(SQLiteJournal(db: db, vault: vault))
    }
}

extension SQLiteJournal: MaterializedTables {
    func clearMaterialized() async throws {
        try db.execute(sql: "DELETE FROM records; DELETE FROM conflicts; DELETE FROM folio_counters; DELETE FROM directory; DELETE FROM directory_keys")
    }
}
