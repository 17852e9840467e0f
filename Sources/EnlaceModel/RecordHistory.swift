/// `enlace case history`: every entry that touched a record in time order, and per field the
/// rule and the versions behind its value.
public enum RecordHistory {
    /// The history of the record whose entries are `entries` (nil when there are none).
    public static func json(_ key: RecordKey, entries: [JournalEntry]) -> JSONValue? {
        guard !entries.isEmpty else { return nil }
        var state = RecordState(key: key)
        for entry in entries { state.apply(entry) }
        let ordered = entries.sorted { ($0.timestamp, $0.id) < ($1.timestamp, $1.id) }
        return [
            "record_type": .string(key.type.rawValue), "record_id": .string(key.id),
            "entries": .array(ordered.map(\.historyLine.json)),
            "fields": .array(state.explain().map(\.json)),
        ]
    }
}
