import EnlaceModel

/// What one append transaction did.
public struct AppendOutcome: Sendable {
    /// Entries newly stored.
    public var applied: [JournalEntry] = []
    /// Entries already stored byte for byte (identical resends change nothing).
    public var duplicates = 0
    /// The records the new entries touched, as they now stand.
    public var records: [RecordKey: MaterializedRecord] = [:]
    /// Conflicts that are open now and were not before.
    public var conflictsOpened: [Conflict] = []
}
