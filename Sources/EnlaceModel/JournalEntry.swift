/// One immutable journal entry: an edit of one record by one replica.
public struct JournalEntry: Hashable, Sendable {
    /// Origin and per-origin sequence number.
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
    /// The hash of the origin's previous entry (nil for its first): each origin's entries form
    /// a hash chain, whose heads the origin signs.
    public let prev: String?

    /// An entry from its parts.
    public init(
        id: EntryID, recordType: RecordType, recordID: String, clock: VectorClock, timestamp: HybridTimestamp,
        author: String? = nil, note: String? = nil, operations: [FieldOperation], prev: String? = nil
    ) {
        self.id = id
        self.recordType = recordType
        self.recordID = recordID
        self.clock = clock
        self.timestamp = timestamp
        self.author = author
        self.note = note
        self.operations = operations
        self.prev = prev
    }

    /// The record this entry edits.
    public var recordKey: RecordKey { RecordKey(recordType, recordID) }
}

extension JournalEntry: Codable {
    private enum CodingKeys: String, CodingKey {
        case origin, seq, recordType = "record_type", recordID = "record_id", clock, at, tick, author, note
        case operations = "ops", prev
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try StrictKeys.refuseUnknown(in: decoder, known: ["origin", "seq", "record_type", "record_id", "clock", "at", "tick", "author", "note", "ops", "prev"])
        let origin = try container.decode(NodeID.self, forKey: .origin)
        let seq = try container.decode(UInt64.self, forKey: .seq)
        guard EntryID.isValidSeq(seq) else {
            throw DecodingError.dataCorruptedError(
                forKey: .seq, in: container, debugDescription: "seq must be from 1 to \(EntryID.maxSeq)")
        }
        let at = try container.decode(String.self, forKey: .at)
        guard let millis = RFC3339.parseTimestamp(at) else {
            throw DecodingError.dataCorruptedError(
                forKey: .at, in: container, debugDescription: "at: expected an RFC 3339 timestamp")
        }
        self.init(
            id: EntryID(origin: origin, seq: seq),
            recordType: try container.decode(RecordType.self, forKey: .recordType),
            recordID: try container.decode(String.self, forKey: .recordID),
            clock: try container.decode(VectorClock.self, forKey: .clock),
            timestamp: HybridTimestamp(millis: millis, counter: try container.decodeIfPresent(UInt32.self, forKey: .tick) ?? 0),
            author: try container.decodeIfPresent(String.self, forKey: .author),
            note: try container.decodeIfPresent(String.self, forKey: .note),
            operations: try container.decode([FieldOperation].self, forKey: .operations),
            prev: try container.decodeIfPresent(String.self, forKey: .prev)
        )
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.origin, forKey: .origin)
        try container.encode(id.seq, forKey: .seq)
        try container.encode(recordType, forKey: .recordType)
        try container.encode(recordID, forKey: .recordID)
        try container.encode(clock, forKey: .clock)
        try container.encode(timestamp.rfc3339, forKey: .at)
        try container.encode(timestamp.counter, forKey: .tick)
        try container.encodeIfPresent(author, forKey: .author)
        try container.encodeIfPresent(note, forKey: .note)
        try container.encode(operations, forKey: .operations)
        try container.encodeIfPresent(prev, forKey: .prev)
    }
}

/// Strict decoding: a member the format does not define is refused, not ignored.
enum StrictKeys {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Whether a member name may be quoted in a message: a short protocol-like name.
    static func isPlainName(_ name: String) -> Bool {
        (1...32).contains(name.utf8.count) && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || ($0 >= 0x30 && $0 <= 0x39) }
    }

    static func refuseUnknown(in decoder: Decoder, known: Set<String>) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = container.allKeys.map(\.stringValue).filter({ !known.contains($0) }).sorted().first {
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath + [AnyKey(stringValue: unknown)],
                debugDescription: StrictKeys.isPlainName(unknown) ? "unknown member '\(unknown)'" : "an unknown member"))
        }
    }
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
