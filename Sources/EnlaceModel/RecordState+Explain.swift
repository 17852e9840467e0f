/// Why a field holds its value: the rule and the frontier versions it chose from.
public struct FieldExplanation: Hashable, Sendable {
    /// The register's dotted path.
    public let field: String
    /// The rule applied.
    public let rule: MergeRule
    /// The value shown.
    public let value: JSONValue
    /// The frontier: the writes no other write to the field has seen.
    public let versions: [Conflict.Version]
    /// How many writes the field has had in all.
    public let writes: Int
    /// Whether the value is provisional (an open conflict).
    public let inConflict: Bool

    /// One readable sentence (English, for logs and tools).
    public var sentence: String {
        let sources = versions.map { "\($0.value.canonicalText) by \($0.author.map { "\($0)@" } ?? "")\($0.nodeID) at \($0.at.rfc3339)" }
        if versions.count <= 1 {
            return "\(field) = \(value.canonicalText): the latest write (\(sources.first ?? "none")) superseded the \(writes - versions.count) it had seen"
        }
        let verdict = inConflict ? "kept for review, showing \(value.canonicalText)" : "\(rule.rawValue) chose \(value.canonicalText)"
        return "\(field): \(versions.count) concurrent versions (\(sources.joined(separator: "; "))) → \(verdict)"
    }

    /// The explanation as JSON.
    public var json: JSONValue {
        [
            "field": .string(field), "rule": .string(rule.rawValue), "value": value,
            "versions": .array(versions.map(\.json)), "writes": .int(Int64(writes)), "in_conflict": .bool(inConflict),
            "explanation": .string(sentence),
        ]
    }
}

/// One journal entry that touched a record, for `enlace case history`.
public struct HistoryLine: Hashable, Sendable {
    /// The entry.
    public let entry: EntryID
    /// Its timestamp.
    public let at: HybridTimestamp
    /// Its author.
    public let author: String?
    /// Its note.
    public let note: String?
    /// The record's clock after it.
    public let clock: VectorClock
    /// The fields it wrote.
    public let operations: [FieldOperation]

    /// The line as JSON.
    public var json: JSONValue {
        [
            "entry": .string(entry.description), "at": .string(at.rfc3339), "author": author.map(JSONValue.string) ?? .null,
            "note": note.map(JSONValue.string) ?? .null, "clock": .string(clock.description),
            "fields": .array(operations.map { operation in
                switch operation {
                case .set(let field, let value, _): ["field": .string(field), "op": "set", "value": value]
                case .add(let field, let element): ["field": .string(field), "op": "add", "value": .string(element)]
                case .remove(let field, let element): ["field": .string(field), "op": "remove", "value": .string(element)]
                }
            }),
        ]
    }
}

extension RecordState {
    /// For every written field (sets by element), the rule and the versions behind its value.
    public func explain() -> [FieldExplanation] {
        let schema = key.type.schema
        return histories.keys.sorted().compactMap { path in
            guard let spec = schema.register(forPath: path)?.spec, let history = histories[path] else { return nil }
            let frontier = history.frontierWrites
            let outcome = evaluate(spec, frontier: frontier)
            let versions = frontier.map { write in
                let meta = entries[Int(write.entry)]
                return Conflict.Version(value: write.value, nodeID: meta.id.origin, author: meta.author, at: meta.timestamp, entry: meta.id)
            }.sorted { ($0.at, $0.nodeID, $0.entry) < ($1.at, $1.nodeID, $1.entry) }
            return FieldExplanation(
                field: path, rule: spec.rule, value: outcome.value, versions: versions, writes: history.writes.count,
                inConflict: outcome.conflict != nil)
        }
    }
}

extension JournalEntry {
    /// The entry as a history line.
    public var historyLine: HistoryLine {
        HistoryLine(entry: id, at: timestamp, author: author, note: note, clock: clock, operations: operations)
    }
}
