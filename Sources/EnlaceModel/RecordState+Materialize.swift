extension RecordState {
    /// The record as JSON, with open and resolved conflicts: a pure function of the set of
    /// applied entries.
    public func materialize() -> MaterializedRecord {
        let schema = key.type.schema
        var open: [Conflict] = []
        var resolved: [String: Conflict] = [:]
        var root: [String: JSONValue] = ["id": .string(key.id)]
        var items: [String: [String: [String: JSONValue]]] = [:]
        for collection in schema.collections { items[collection.name] = [:] }
        for (path, history) in histories.sorted(by: { $0.key < $1.key }) {
            guard let register = schema.register(forPath: path) else { continue }
            let spec = register.spec
            if case .element = register { continue }
            let outcome = evaluate(spec, frontier: history.frontierWrites)
            if let sources = outcome.conflict {
                open.append(conflict(path: path, spec: spec, sources: sources, provisional: outcome.value, resolution: nil))
            }
            for conflict in resolvedConflicts(path: path, spec: spec, history: history)
            where resolved[conflict.id].map({ earlier($0, conflict) }) != true {
                resolved[conflict.id] = conflict
            }
            if case .item(_, let itemID) = register, let collection = spec.collection {
                items[collection, default: [:]][itemID, default: ["id": .string(itemID)]][spec.leafName] = outcome.value
            } else {
                root[path] = outcome.value
            }
        }
        var document: [String: JSONValue] = ["id": .string(key.id)]
        for spec in schema.fields where spec.collection == nil {
            let value: JSONValue
            if case .set(let vocabulary) = spec.type {
                value = .array(vocabulary.values.filter { element in
                    guard let history = histories["\(spec.path).\(element)"] else { return false }
                    return evaluate(spec, frontier: history.frontierWrites).value == .bool(true)
                }.map(JSONValue.string))
            } else {
                value = root[spec.path] ?? .null
            }
            RecordState.place(value, at: spec.pathComponents, in: &document)
        }
        for collection in schema.collections {
            let itemFields = schema.itemFields(of: collection.name)
            var list: [[String: JSONValue]] = []
            for (_, var item) in items[collection.name] ?? [:] {
                for spec in itemFields where item[spec.leafName] == nil { item[spec.leafName] = .null }
                list.append(item)
            }
            list.sort { a, b in
                if let order = collection.orderedBy {
                    let x = a[order]?.stringValue ?? ""
                    let y = b[order]?.stringValue ?? ""
                    if x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
                }
                return (a["id"]?.stringValue ?? "") < (b["id"]?.stringValue ?? "")
            }
            document[collection.name] = .array(list.map(JSONValue.object))
        }
        return MaterializedRecord(
            key: key,
            fields: .object(document),
            openConflicts: open.sorted { $0.id < $1.id },
            resolvedConflicts: resolved.values.sorted { $0.id < $1.id },
            clock: clock,
            entryCount: entries.count)
    }

    /// The current value of one field (a register path), as `materialize()` would show it.
    public func currentValue(of path: String) -> JSONValue {
        guard let spec = key.type.schema.register(forPath: path)?.spec, let history = histories[path] else { return .null }
        return evaluate(spec, frontier: history.frontierWrites).value
    }

    /// Conflicts that writes in `history` settled: a write whose author's frontier held a
    /// conflict resolved it.
    private func resolvedConflicts(path: String, spec: FieldSpec, history: FieldHistory) -> [Conflict] {
        let minimumWrites: Int
        switch spec.rule {
        case .immutable, .writeOnce, .appendOnly, .review, .referralState: minimumWrites = 3  // two versions, one settling edit
        case .openWins, .revocationReview: minimumWrites = 2  // the closing write may compete with other entries
        case .or, .and, .min, .max, .addWinsSet: return []
        }
        guard history.writes.count >= minimumWrites else { return [] }
        let metas = entries
        let clocks = history.writes.map { clock(of: $0.entry) }
        // Cheap pre-checks: a review conflict needs two concurrent writes; a status conflict
        // needs a closing write.
        switch spec.rule {
        case .openWins: guard history.writes.contains(where: { $0.value == "concluido" }) else { return [] }
        case .revocationReview: guard history.writes.contains(where: { $0.value == "revocada" }) else { return [] }
        default: guard FieldHistory.hasConcurrentPair(clocks) else { return [] }
        }
        let totals = clocks.map(\.total)
        let frontiers = history.frontiers(clocks: clocks, totals: totals)
        var result: [Conflict] = []
        for index in history.writes.indices {
            let write = history.writes[index]
            let before = frontiers[index]
            guard !before.isEmpty else { continue }
            let horizon = clocks[index]
            let outcome = evaluate(spec, frontier: before, horizon: horizon)
            guard let sources = outcome.conflict else { continue }
            let meta = metas[Int(write.entry)]
            let by = meta.author.map { "\($0)@\(meta.id.origin.rawValue)" } ?? meta.id.origin.rawValue
            let resolution = Conflict.Resolution(
                value: write.value, by: by, at: meta.timestamp, note: meta.note, entry: meta.id)
            result.append(conflict(path: path, spec: spec, sources: sources, provisional: outcome.value, resolution: resolution))
        }
        return result
    }

    private func conflict(
        path: String, spec: FieldSpec, sources: [FieldOutcome.Source], provisional: JSONValue,
        resolution: Conflict.Resolution?
    ) -> Conflict {
        let versions = sources.map { source in
            let meta = entries[Int(source.entry)]
            return Conflict.Version(value: source.value, nodeID: meta.id.origin, author: meta.author, at: meta.timestamp, entry: meta.id)
        }.sorted { ($0.at, $0.nodeID, $0.entry) < ($1.at, $1.nodeID, $1.entry) }
        return Conflict(
            id: Conflict.makeID(recordType: key.type, recordID: key.id, field: path, entries: versions.map(\.entry)),
            recordType: key.type, recordID: key.id, field: path, rule: spec.rule, versions: versions,
            provisionalValue: provisional, resolution: resolution)
    }

    /// Whether `a` was settled by an earlier edit than `b` (the first settling edit names a
    /// conflict that two concurrent edits both settled).
    private func earlier(_ a: Conflict, _ b: Conflict) -> Bool {
        guard let x = a.resolution, let y = b.resolution else { return false }
        return (x.at, x.entry) < (y.at, y.entry)
    }

    /// Puts `value` at a dotted path inside a JSON object, creating nested objects.
    static func place(_ value: JSONValue, at path: [String], in object: inout [String: JSONValue]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            object[head] = value
            return
        }
        var child = object[head]?.objectValue ?? [:]
        place(value, at: Array(path.dropFirst()), in: &child)
        object[head] = .object(child)
    }
}
