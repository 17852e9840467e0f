/// A record as a replica shows it: its fields, its open conflicts and the conflicts settled so far.
public struct MaterializedRecord: Hashable, Sendable {
    /// The record's type and id.
    public let key: RecordKey
    /// The record's fields as canonical JSON, without `conflicts`.
    public let fields: JSONValue
    /// Open conflicts, ordered by id.
    public let openConflicts: [Conflict]
    /// Settled conflicts, ordered by id.
    public let resolvedConflicts: [Conflict]
    /// The join of the clocks of every applied entry.
    public let clock: VectorClock
    /// How many entries built it.
    public let entryCount: Int

    /// The record's JSON with its open conflicts under `conflicts` (identical on every replica
    /// that applied the same entries).
    public var document: JSONValue {
        guard case .object(var members) = fields else { return fields }
        members["conflicts"] = .array(openConflicts.map(\.json))
        return .object(members)
    }
}
