/// What a record's merge needs to know about one applied entry.
struct EntryMeta: Sendable {
    let id: EntryID
    /// Where the entry's clock over the record's node table lies in the record's `clockWords`.
    let clock: ClockSpan
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
    public var clock: VectorClock {
        VectorClock(sorted: nodes.compactMap { $0.seen == 0 ? nil : VectorClock.Component(replica: $0.replica, counter: $0.seen) }
            .sorted { $0.replica < $1.replica })
    }
    var entries: [EntryMeta] = []
    /// Every applied entry's dense clock, one after another (`EntryMeta.clock` says where): one
    /// array for the record, so applying an entry allocates no clock and comparing clocks
    /// chases no pointer.
    private(set) var clockWords: [UInt64] = []
    var histories: [String: FieldHistory] = [:]
    /// Indices of the entries that create an attention or a referral.
    var creators: [Int32] = []
    /// One node of the record's node table: its position in dense clocks is its index, and
    /// `seen` the join of the applied clocks' counters for it (`clock`, dense).
    private struct NodeSlot: Sendable {
        let replica: ReplicaID
        var seen: UInt64
    }

    /// The record's node table, in order of first sight. A record is written by a handful of
    /// nodes, so a position is found by comparing ids (small strings, compared in place) rather
    /// than hashing them; `nodeLookup` takes over for a record many nodes wrote.
    private var nodes: [NodeSlot] = []
    private var nodeLookup: [ReplicaID: Int] = [:]
    /// Every applied entry's id, built only once an entry arrives that its origin's counter
    /// does not already tell new (see `isNew`): in-order delivery never hashes an id.
    private var appliedIDs: Set<EntryID>?

    /// Past this many nodes a record's node table is also hashed.
    private static let linearNodes = 16

    /// An empty record state.
    public init(key: RecordKey) {
        self.key = key
    }

    /// How many distinct entries have been applied.
    public var entryCount: Int { entries.count }

    /// Whether the entry `id` has been applied.
    public func contains(_ id: EntryID) -> Bool {
        appliedIDs?.contains(id) ?? entries.contains { $0.id == id }
    }

    /// Whether `entry` was not applied yet. An id names one entry (the stores refuse a second
    /// envelope at a stored id), so a duplicate carries the same clock: an entry whose own
    /// counter is above every counter of its origin applied so far is new, which is how a
    /// node's entries of a record arrive. Only otherwise are the applied ids looked up.
    private mutating func isNew(_ entry: JournalEntry) -> Bool {
        guard let position = position(of: entry.id.replica) else { return true }
        var own: UInt64 = 0
        for component in entry.clock.components where component.replica == entry.id.replica {
            own = component.counter
        }
        if own > nodes[position].seen && appliedIDs == nil { return true }
        if appliedIDs == nil { appliedIDs = Set(entries.lazy.map(\.id)) }
        return !appliedIDs!.contains(entry.id)
    }

    /// The position of `replica` in the record's node table.
    @inline(__always)
    private func position(of replica: ReplicaID) -> Int? {
        if nodes.count > RecordState.linearNodes { return nodeLookup[replica] }
        var index = 0
        while index < nodes.count {
            if nodes[index].replica == replica { return index }
            index += 1
        }
        return nil
    }

    /// Adds `replica` to the record's node table; returns its position.
    @discardableResult
    private mutating func addNode(_ replica: ReplicaID, seen: UInt64) -> Int {
        let position = nodes.count
        nodes.append(NodeSlot(replica: replica, seen: seen))
        if nodes.count > RecordState.linearNodes {
            if nodeLookup.isEmpty {
                for (index, node) in nodes.enumerated() { nodeLookup[node.replica] = index }
            } else {
                nodeLookup[replica] = position
            }
        }
        return position
    }

    /// `clock` over the record's node table (a node the record has not seen goes after the
    /// known ones: no write here can have counted it).
    func dense(_ clock: VectorClock) -> DenseClock {
        var counters = [UInt64](repeating: 0, count: nodes.count)
        for component in clock.components {
            if let position = position(of: component.replica) { counters[position] = component.counter } else { counters.append(component.counter) }
        }
        return DenseClock(counters: counters)
    }

    /// The dense clock of the entry at `index` in `entries`.
    func clock(of index: Int32) -> DenseClock {
        let span = entries[Int(index)].clock
        return DenseClock(counters: clockWords[Int(span.start)..<Int(span.start) + Int(span.width)])
    }

    /// The clock an edit by `node` made now would carry: it follows everything seen.
    public func nextClock(for replica: ReplicaID) -> VectorClock { clock.incremented(for: replica) }

    /// Applies an entry; returns false when it was already applied (a duplicate changes nothing).
    @discardableResult
    public mutating func apply(_ entry: JournalEntry) -> Bool {
        precondition(entry.recordType == key.type && entry.recordID == key.id, "entry for \(entry.recordKey) applied to \(key)")
        guard isNew(entry) else { return false }
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
        let start = clockWords.count
        clockWords.append(contentsOf: repeatElement(0, count: nodes.count))
        for component in entry.clock.components {
            if let position = position(of: component.replica) {
                clockWords[start + position] = component.counter
                if component.counter > nodes[position].seen { nodes[position].seen = component.counter }
            } else {
                addNode(component.replica, seen: component.counter)
                clockWords.append(component.counter)
            }
        }
        let span = ClockSpan(start: Int32(start), width: Int32(clockWords.count - start))
        // A well-formed entry counts itself in its clock; one that does not still takes a place.
        if position(of: entry.id.replica) == nil { addNode(entry.id.replica, seen: 0) }
        appliedIDs?.insert(entry.id)
        if createsItem { creators.append(index) }
        entries.append(EntryMeta(
            id: entry.id, clock: span, timestamp: entry.timestamp, author: entry.author, note: entry.note,
            revokes: revokes))
        let counters = clockWords
        counters.withUnsafeBufferPointer { words in
            for operation in entry.operations {
                let prior: JSONValue? = if case .set(_, _, let prior) = operation { prior } else { nil }
                let write = FieldWrite(entry: index, value: operation.registerValue, prior: prior)
                histories[operation.registerPath, default: FieldHistory()].insert(write, clock: span, words: words)
            }
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
