import Crypto
import EnlaceModel

/// A dialect's write transaction as the materialised tables need it: the states this
/// transaction produced and the cache of committed ones, and one statement set that writes a
/// record with its conflicts. How a record's state is found and how a materialised record is
/// stored are written once, here, for both dialects.
package protocol MaterializingJournal: JournalTransaction, VaultHolding {
    /// States this transaction produced (published to the cache when it commits), and what it
    /// already knows is absent.
    var pending: PendingStates { get }
    /// Committed states (nil: a store that keeps none).
    var cache: RecordCache? { get }
    /// Replaces a record's row and its conflicts with `stored`.
    func writeRecord(_ stored: StoredRecord) async throws
}

extension MaterializingJournal {
    /// The record's state as this transaction sees it: its own, else the committed one cached,
    /// else replayed from the record's applied entries (nil when it has none). An absence is
    /// remembered until the transaction stores an entry of the record.
    package func recordState(_ key: RecordKey) async throws -> RecordState? {
        if let state = pending.states[key] ?? cache?.state(key) { return state }
        if pending.absentRecords.contains(key) { return nil }
        let entries = try await entries(of: key)
        guard !entries.isEmpty else {
            pending.absentRecords.insert(key)
            return nil
        }
        var state = RecordState(key: key)
        for entry in entries { state.apply(entry) }
        return state
    }

    /// Materialises each state and stores the record as `StoredRecord` seals it (its location
    /// opened with the keys this replica holds, read once per record); returns the records in
    /// the states' order. Materialising and sealing are pure: a batch's records go through them
    /// on every core at once (`ParallelMap`), then are written in order.
    package func save(_ states: [RecordState]) async throws -> [MaterializedRecord] {
        guard !states.isEmpty else { return [] }
        let vault = try openVault()
        var locationKeys: [[String: SymmetricKey]] = []
        locationKeys.reserveCapacity(states.count)
        for state in states { locationKeys.append(state.key.type == .caseFile ? try await self.locationKeys(state.key.id) : [:]) }
        let built = ParallelMap.map(Array(zip(states, locationKeys))) { state, keys in
            let record = state.materialize()
            return (record: record, stored: StoredRecord(record, locationKeys: keys, vault: vault))
        }
        for (state, made) in zip(states, built) {
            pending.states[state.key] = state
            try await writeRecord(made.stored)
        }
        return built.map(\.record)
    }
}
