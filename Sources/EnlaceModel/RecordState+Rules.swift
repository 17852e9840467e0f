/// The result of applying a field's rule to its frontier.
struct FieldOutcome: Sendable {
    /// A competing value and the entry that carries it.
    struct Source: Sendable {
        let entry: Int32
        let value: JSONValue
    }

    /// The field's current (or provisional) value.
    var value: JSONValue
    /// The competing versions when the rule opens a conflict; nil when it decided.
    var conflict: [Source]?
}

extension RecordState {
    /// Applies `spec`'s rule to `frontier`. With a `horizon`, only entries causally before it are
    /// consulted (the view of whoever wrote at that horizon).
    func evaluate(_ spec: FieldSpec, frontier: [FieldWrite], horizon: DenseClock? = nil) -> FieldOutcome {
        switch spec.rule {
        case .immutable, .writeOnce, .appendOnly, .review:
            return keepConcurrentValues(frontier)
        case .or:
            let values = frontier.compactMap { $0.value.boolValue }
            return FieldOutcome(value: values.isEmpty ? .null : .bool(values.contains(true)))
        case .and:
            let values = frontier.compactMap { $0.value.boolValue }
            return FieldOutcome(value: values.isEmpty ? .null : .bool(!values.contains(false)))
        case .min:
            return FieldOutcome(value: frontier.map(\.value).filter { !$0.isNull }.min { precedes($0, $1, spec) } ?? .null)
        case .max:
            return FieldOutcome(value: frontier.map(\.value).filter { !$0.isNull }.max { precedes($0, $1, spec) } ?? .null)
        case .addWinsSet:
            return FieldOutcome(value: .bool(frontier.contains { $0.value == .bool(true) }))
        case .referralState:
            return referralState(frontier, spec)
        case .openWins:
            return openWins(frontier, spec, horizon: horizon)
        case .revocationReview:
            return revocationReview(frontier, spec, horizon: horizon)
        }
    }

    /// Review-family rules: one distinct value decides; several are all kept.
    private func keepConcurrentValues(_ frontier: [FieldWrite]) -> FieldOutcome {
        guard let first = frontier.first else { return FieldOutcome(value: .null) }
        if frontier.allSatisfy({ $0.value == first.value }) { return FieldOutcome(value: first.value) }
        return FieldOutcome(value: latest(frontier).value, conflict: frontier.map { .init(entry: $0.entry, value: $0.value) })
    }

    /// The furthest state wins; two or more different end states are kept for review.
    private func referralState(_ frontier: [FieldWrite], _ spec: FieldSpec) -> FieldOutcome {
        let endWrites = frontier.filter { $0.value.stringValue.map(Vocabulary.referralEndStates.contains) ?? false }
        if Set(endWrites.map(\.value)).count >= 2 {
            return FieldOutcome(value: latest(endWrites).value, conflict: endWrites.map { .init(entry: $0.entry, value: $0.value) })
        }
        return FieldOutcome(value: frontier.map(\.value).filter { !$0.isNull }.max { precedes($0, $1, spec) } ?? .null)
    }

    /// A case's status. `concluido` loses against a concurrent write of another status and
    /// against an attention or referral created concurrently with it.
    private func openWins(_ frontier: [FieldWrite], _ spec: FieldSpec, horizon: DenseClock?) -> FieldOutcome {
        let closing = frontier.filter { $0.value == "concluido" }
        let others = frontier.filter { $0.value != "concluido" }
        let furthestOther = others.map(\.value).filter { !$0.isNull }.max { precedes($0, $1, spec) }
        guard !closing.isEmpty else { return FieldOutcome(value: furthestOther ?? (others.first?.value ?? .null)) }
        let frontierEntries = Set(frontier.map(\.entry))
        let creators = self.creators.filter { index in
            guard !frontierEntries.contains(index) && isBefore(index, horizon) else { return false }
            let created = clock(of: index)
            return closing.contains { clock(of: $0.entry).compare(created) == .concurrent }
        }
        if others.isEmpty && creators.isEmpty { return FieldOutcome(value: "concluido") }
        let priors = closing.compactMap(\.prior).filter { !$0.isNull && $0 != "concluido" }
        let result = furthestOther ?? priors.max { precedes($0, $1, spec) } ?? "abierto"
        var sources = frontier.map { FieldOutcome.Source(entry: $0.entry, value: $0.value) }
        sources += creators.map { FieldOutcome.Source(entry: $0, value: result) }
        return FieldOutcome(value: result, conflict: sources)
    }

    /// A certification's status. A revocation concurrent with any other write to the record
    /// puts it `en_revision` and opens a conflict; otherwise the highest precedence wins.
    private func revocationReview(_ frontier: [FieldWrite], _ spec: FieldSpec, horizon: DenseClock?) -> FieldOutcome {
        let revocations = frontier.filter { $0.value == "revocada" }
        let others = frontier.filter { $0.value != "revocada" }
        let highestOther = others.map(\.value).filter { !$0.isNull }.max { precedes($0, $1, spec) }
        guard !revocations.isEmpty else { return FieldOutcome(value: highestOther ?? (others.first?.value ?? .null)) }
        let frontierEntries = Set(frontier.map(\.entry))
        let concurrent = (0..<Int32(entries.count)).filter { index in
            guard !entries[Int(index)].revokes && !frontierEntries.contains(index) && isBefore(index, horizon) else { return false }
            let other = clock(of: index)
            return revocations.contains { clock(of: $0.entry).compare(other) == .concurrent }
        }
        if others.isEmpty && concurrent.isEmpty { return FieldOutcome(value: "revocada") }
        let before = revocations.compactMap(\.prior).filter { !$0.isNull && $0 != "revocada" }
            .min { precedes($0, $1, spec) } ?? "vigente"
        var sources = frontier.map { FieldOutcome.Source(entry: $0.entry, value: $0.value) }
        sources += concurrent.map { FieldOutcome.Source(entry: $0, value: before) }
        return FieldOutcome(value: "en_revision", conflict: sources)
    }

    /// Whether the entry is causally before `horizon` (always, without a horizon).
    private func isBefore(_ index: Int32, _ horizon: DenseClock?) -> Bool {
        guard let horizon else { return true }
        return clock(of: index).compare(horizon) == .before
    }

    /// The write shown provisionally: the latest by (timestamp, origin, seq).
    private func latest(_ writes: [FieldWrite]) -> FieldWrite {
        writes.max { a, b in
            let x = entries[Int(a.entry)]
            let y = entries[Int(b.entry)]
            return (x.timestamp, x.id) < (y.timestamp, y.id)
        }!
    }

    /// Value order for `min` and `max`: vocabulary rank, number, or text.
    private func precedes(_ a: JSONValue, _ b: JSONValue, _ spec: FieldSpec) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)):
            if let vocabulary = spec.type.vocabulary, let rx = vocabulary.rank(of: x), let ry = vocabulary.rank(of: y) {
                return rx < ry
            }
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        case (.int(let x), .int(let y)): return x < y
        case (.bool(let x), .bool(let y)): return !x && y
        default: return a.typeName < b.typeName
        }
    }
}
