import EnlaceModel

/// What one append transaction did.
public struct AppendOutcome: Sendable {
    /// New rows stored (edits, directory events, stubs, quarantined entries).
    public var stored = 0
    /// Edits newly applied.
    public var applied: [JournalEntry] = []
    /// Directory events newly applied.
    public var directory: [DirectoryEvent] = []
    /// Envelopes stored without a body.
    public var stubs = 0
    /// Entries kept in their chain but not applied, and why.
    public var quarantined: [(id: EntryID, reason: String)] = []
    /// Entries already stored byte for byte (identical resends change nothing).
    public var duplicates = 0
    /// The records the new entries touched, as they now stand.
    public var records: [RecordKey: MaterializedRecord] = [:]
    /// Conflicts that are open now and were not before.
    public var conflictsOpened: [Conflict] = []
    /// Erasures applied (ARCO cancellation), and how many bodies they destroyed.
    public var erased: [ErasureEvent] = []
    public var bodiesErased = 0
    /// Cases purged because they left the replica's scope, and how many bodies that removed.
    public var casesPurged = 0
    public var bodiesPurged = 0
}
