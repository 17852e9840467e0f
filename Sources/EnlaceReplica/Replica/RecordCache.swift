import Crypto
import EnlaceModel
import Synchronization

/// Committed record states kept in memory, so that a write does not decode a record's whole
/// history again. Only the process holding the data folder's lock writes records, so the cache
/// cannot go stale; a transaction's states join it when it commits, on the writer's queue
/// (GRDB's `afterNextTransaction`), before the next write transaction can begin.
package final class RecordCache: Sendable {
    private let states = Mutex<[RecordKey: RecordState]>([:])
    private let capacity: Int

    package init(capacity: Int) {
        self.capacity = capacity
    }

    package func state(_ key: RecordKey) -> RecordState? {
        states.withLock { $0[key] }
    }

    /// Adds committed states and forgets purged records; past the capacity, forgets an
    /// arbitrary half.
    package func commit(_ committed: [RecordKey: RecordState], purged: Set<RecordKey> = []) {
        guard !committed.isEmpty || !purged.isEmpty else { return }
        states.withLock { states in
            for key in purged { states.removeValue(forKey: key) }
            states.merge(committed) { _, new in new }
            if states.count > capacity {
                for key in states.keys.prefix(states.count / 2) { states.removeValue(forKey: key) }
            }
        }
    }

    package func removeAll() {
        states.withLock { $0.removeAll() }
    }
}

/// States a transaction produced, published to the cache only after it commits.
package final class PendingStates: @unchecked Sendable {
    package var states: [RecordKey: RecordState] = [:]
    /// Rows a batch read ahead (PostgreSQL): nil for an id not stored when read.
    package var prefetched: [EntryID: StoredEntryRow?] = [:]
    /// What this transaction already read, where each read is a round trip (PostgreSQL):
    /// records with no applied edit, case keys (nil: not held), whether a case is erased.
    package var absentRecords: Set<RecordKey> = []
    package var caseKeys: [String: SymmetricKey?] = [:]
    package var erased: [String: Bool] = [:]
    /// What a batch's read-ahead (`prefetchCases`) found for its cases, kept up to date by the
    /// transaction's own writes (PostgreSQL): each case's scope rows (department → in scope),
    /// its location keys, and its scope exits by node; and which records were read ahead.
    package var scopeRows: [String: [String: Bool]] = [:]
    package var locationKeys: [String: [String: SymmetricKey]] = [:]
    package var scopeExits: [String: [String: ScopeExit]] = [:]
    package var prefetchedRecords: Set<RecordKey> = []
    /// Records known to have no stored conflicts (read ahead with no applied edit, not written since).
    package var withoutConflicts: Set<RecordKey> = []
    /// Records purged (left the replica's scope): dropped from the cache on commit.
    package var purged: Set<RecordKey> = []

    package init() {}
}
