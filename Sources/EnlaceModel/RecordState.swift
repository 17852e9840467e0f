/// What a record's merge needs to know about one applied entry.
struct EntryMeta: Sendable {
    let id: EntryID
    /// The entry's clock over the record's node table.
    let clock: DenseClock
    let timestamp: HybridTimestamp
    let author: String?
    let note: String?
    /// It writes `revocada` to the record's status.
    let revokes: Bool
}

/// One record's merge state on one replica: every applied entry and every write, by register.
///
/// Applying the same set of entries in any order, with any duplicates, gives the same state
/// as far as `materialize()` can tell.
public struct RecordState: Sendable {
    /// The record's type and id.
    public let key: RecordKey
    /// The join of every applied entry's clock: what this replica has seen of the record.
    public private(set) var clock = VectorClock()
    var entries: [EntryMeta] = []
    private var entryIndex: [EntryID: Int32] = [:]
    var histories: [String: FieldHistory] = [:]
    /// Indices of the entries that create an attention or a referral.
    var creators: [Int32] = []
    /// The record's node table: position of each node in dense clocks.
    private var nodeIndex: [ReplicaID: Int] = [:]

    /// An empty record state.
    public init(key: RecordKey) {
        self.key = key
    }

    /// How many distinct entries have been applied.
    public var entryCount: Int { entries.count }

    /// Whether the entry `id` has been applied.
    public func contains(_ id: EntryID) -> Bool { entryIndex[id] != nil }

    /// `clock` over the record's node table (a node the record has not seen goes after the
    /// known ones: no write here can have counted it).
    func dense(_ clock: VectorClock) -> DenseClock {
        var counters = [UInt64](repeating: 0, count: nodeIndex.count)
        for component in clock.components {
            if let position = nodeIndex[component.replica] { counters[position] = component.counter } else { counters.append(component.counter) }
        }
        return DenseClock(counters: counters)
    }

    /// The clock an edit by `node` made now would carry: it follows everything seen.
    public func nextClock(for replica: ReplicaID) -> VectorClock { clock.incremented(for: replica) }

    /// Applies an entry; returns false when it was already applied (a duplicate changes nothing).
    @discardableResult
    public mutating func apply(_ entry: JournalEntry) -> Bool {
        precondition(entry.recordKey == key, "entry for \(entry.recordKey) applied to \(key)")
        if entryIndex[entry.id] != nil { return false }
        let schema = key.type.schema
        var createsItem = false
        var revokes = false
        for operation in entry.operations {
            if case .set(let field, let value, _) = operation {
                if field == "status", value == "revocada" { revokes = true }
                if RecordState.createsItem(field, in: schema) { createsItem = true }
            }
        }
        let index = Int32(entries.count)
        var dense = [UInt64](repeating: 0, count: nodeIndex.count)
        for component in entry.clock.components {
            if let position = nodeIndex[component.replica] {
                dense[position] = component.counter
            } else {
                nodeIndex[component.replica] = dense.count
                dense.append(component.counter)
            }
        }
        if createsItem { creators.append(index) }
        entries.append(EntryMeta(
            id: entry.id, clock: DenseClock(counters: dense), timestamp: entry.timestamp, author: entry.author, note: entry.note,
            revokes: revokes))
        entryIndex[entry.id] = index
        clock.merge(entry.clock)
        let metas = entries
        for operation in entry.operations {
            let prior: JSONValue? = if case .set(_, _, let prior) = operation { prior } else { nil }
            histories[operation.registerPath, default: FieldHistory()].insert(
                FieldWrite(entry: index, value: operation.registerValue, prior: prior),
                clockOf: { metas[Int($0)].clock })
        }
        return true
    }

    /// Whether writing `field` creates an item of a collection (`attentions.<id>.kind`).
    static func createsItem(_ field: String, in schema: Schema) -> Bool {
        guard !schema.collections.isEmpty else { return false }
        // Read in place (no split): this runs for every operation applied.
        let dot = UInt8(ascii: ".")
        guard let first = field.utf8.firstIndex(of: dot) else { return false }
        let rest = field[field.utf8.index(after: first)...]
        guard let second = rest.utf8.firstIndex(of: dot) else { return false }
        let head = field[..<first], tail = rest[rest.utf8.index(after: second)...]
        guard !tail.utf8.contains(dot) else { return false }
        return schema.collections.contains { $0.name == head && $0.createdBy == tail }
    }
}

extension RecordState {
    /// Builds the entry for a local edit by `origin`: its clock follows everything this replica
    /// has seen of the record, and status writes record the value they supersede.
    ///
    /// The sequence number, timestamp and author are passed in; nothing is read here.
    public func makeEntry(
        origin: ReplicaID, seq: UInt64, operations: [FieldOperation], timestamp: HybridTimestamp,
        author: String? = nil, note: String? = nil
    ) -> JournalEntry {
        let schema = key.type.schema
        let completed = operations.map { operation -> FieldOperation in
            guard case .set(let field, let value, nil) = operation,
                  let rule = schema.register(forPath: field)?.spec.rule,
                  rule == .openWins || rule == .revocationReview
            else { return operation }
            return .set(field: field, value: value, prior: currentValue(of: field))
        }
        return JournalEntry(
            id: EntryID(replica: origin, seq: seq), recordType: key.type, recordID: key.id,
            clock: nextClock(for: origin), timestamp: timestamp, author: author, note: note,
            operations: completed)
    }
}
