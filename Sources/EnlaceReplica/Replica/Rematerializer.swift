import EnlaceModel

/// A write transaction that can drop and rewrite everything materialised from the journal, for
/// `rebuild` (and a node's recovery): what each store adds to `JournalTransaction` for it.
package protocol MaterializedTables: JournalTransaction {
    /// Deletes every record, conflict, folio counter and directory row (not the journal).
    func clearMaterialized() async throws
    /// Stores what remains of an erased case as its record.
    func saveTombstone(_ event: ErasureEvent) async throws
}

/// Rebuilds and verifies what is materialised from the journal alone, whatever the database.
package enum Rematerializer {
    /// Replaces everything materialised with what the journal alone gives, in `journal`'s
    /// transaction, reporting every difference found (a journal that does not replay is refused).
    package static func rebuild(_ journal: some MaterializedTables) async throws -> RebuildReport {
        let replay = try await JournalVerifier.replay(journal)
        if let problem = replay.problems.first { throw StoreError.corrupt(problem) }
        var report = RebuildReport(entries: replay.entries, records: replay.replica.records.count)
        report.differences = try await JournalVerifier.compare(replay, with: journal)
        try await journal.clearMaterialized()
        // A few hundred records at a time: materialised and sealed on every core, in bounded memory.
        let keys = replay.replica.records.keys.sorted()
        for start in stride(from: 0, to: keys.count, by: 256) {
            _ = try await journal.save(keys[start..<min(start + 256, keys.count)].map { replay.replica.state(of: $0)! })
        }
        for event in replay.erasures.values.sorted(by: { $0.caseID < $1.caseID }) { try await journal.saveTombstone(event) }
        for folio in replay.folios { try await journal.raiseFolioCounter(node: folio.node, year: folio.year, to: folio.number) }
        var events: [DirectoryEvent] = []
        try await journal.forEachEntry { row in
            guard row.state == .applied, let body = row.chainedEntry?.body, body.bytes.count >= 2,
                  body.bytes[1] == BodyKind.directory.rawValue, let event = try? DirectoryEvent(body: body.bytes)
            else { return }
            events.append(event)
        }
        for event in events { try await journal.applyDirectory(event) }
        return report
    }

    /// Everything `JournalVerifier` checks, on one snapshot.
    package static func verify(_ journal: some JournalTransaction & KeyReading) async throws -> VerifyReport {
        var report = VerifyReport()
        let replay = try await JournalVerifier.replay(journal)
        report.entries = replay.entries
        report.problems += replay.problems
        await report.problems += try JournalVerifier.checkHeads(journal, directory: replay.directory) { id in
            try await journal.storedRow(id).flatMap { Hash256(bytes: $0.hash) }
        }
        await report.problems += try JournalVerifier.compare(replay, with: journal)
        report.records = replay.replica.records.count
        return report
    }
}
