/// A replica's merge state: every record it holds, built by applying journal entries.
///
/// The node and the central server are both replicas. Applying the same set of entries in any
/// order, with any duplicates, yields identical records and conflicts.
public struct Replica: Sendable {
    /// The records, by key.
    public private(set) var records: [RecordKey: RecordState] = [:]

    /// An empty replica.
    public init() {}

    /// How many distinct entries have been applied.
    public var entryCount: Int { records.values.reduce(0) { $0 + $1.entryCount } }

    /// Applies an entry; returns false when it was already applied.
    @discardableResult
    public mutating func apply(_ entry: JournalEntry) -> Bool {
        let key = entry.recordKey
        return records[key, default: RecordState(key: key)].apply(entry)
    }

    /// A record's state, when the replica holds it.
    public func state(of key: RecordKey) -> RecordState? { records[key] }

    /// Every record, ordered by key.
    public func materializeAll() -> [MaterializedRecord] {
        records.keys.sorted().map { records[$0]!.materialize() }
    }

    /// Builds the entry for a local edit by `origin` (see `RecordState.makeEntry`).
    public func makeEntry(
        origin: ReplicaID, seq: UInt64, key: RecordKey, operations: [FieldOperation], timestamp: HybridTimestamp,
        author: String? = nil, note: String? = nil
    ) -> JournalEntry {
        (records[key] ?? RecordState(key: key)).makeEntry(
            origin: origin, seq: seq, operations: operations, timestamp: timestamp, author: author, note: note)
    }
}
