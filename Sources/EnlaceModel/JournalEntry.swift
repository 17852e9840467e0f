/// One immutable journal entry's content: an edit of one record by one replica. Its identity
/// comes from its envelope; its body is this, in canonical bytes (`JournalEntry+Format`).
public struct JournalEntry: Hashable, Sendable {
    /// Origin, epoch and per-origin sequence number.
    public let id: EntryID
    /// The kind of record edited.
    public let recordType: RecordType
    /// The record's ULID.
    public let recordID: String
    /// The record's vector clock after this edit: it has seen everything at or below it.
    public let clock: VectorClock
    /// Display order and deterministic tie-breaks; never causality.
    public let timestamp: HybridTimestamp
    /// The public servant or office user who made the edit, when known.
    public let author: String?
    /// A free-text note, e.g. the reason of a conflict resolution.
    public let note: String?
    /// The field operations, at most one per register.
    public let operations: [FieldOperation]

    /// An entry from its parts.
    public init(
        id: EntryID, recordType: RecordType, recordID: String, clock: VectorClock, timestamp: HybridTimestamp,
        author: String? = nil, note: String? = nil, operations: [FieldOperation]
    ) {
        self.id = id
        self.recordType = recordType
        self.recordID = recordID
        self.clock = clock
        self.timestamp = timestamp
        self.author = author
        self.note = note
        self.operations = operations
    }

    /// The record this entry edits.
    public var recordKey: RecordKey { RecordKey(recordType, recordID) }
}

extension JournalEntry {
    /// Whether the entry creates its record: it writes a field every creation must give.
    public var createsRecord: Bool {
        let schema = recordType.schema
        return operations.contains { operation in
            guard case .set(let field, _, _) = operation, let spec = schema.spec(forPath: field) else { return false }
            return spec.requiredAtCreation && spec.collection == nil
        }
    }

    /// The departments the entry writes as (a case's `origin_department`, an attention's
    /// `department`, a referral's `from`), with the path of each: a node may only claim its own.
    public var claimedDepartments: [(field: String, department: String)] {
        let schema = recordType.schema
        return operations.compactMap { operation in
            guard case .set(let field, .string(let department), _) = operation,
                  let spec = schema.register(forPath: field)?.spec, schema.authorDepartmentFields.contains(spec.path)
            else { return nil }
            return (field, department)
        }
    }
}
