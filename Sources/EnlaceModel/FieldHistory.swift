/// One write of one register, as applied to a record.
struct FieldWrite: Sendable {
    /// Index of the writing entry in the record's entry list.
    let entry: Int32
    /// The value written.
    let value: JSONValue
    /// The value the writer saw before (rules `open_wins`, `revocation_review`).
    let prior: JSONValue?
}

/// Every write a replica has applied to one register, and its frontier: the writes no other
/// write causally follows.
struct FieldHistory: Sendable {
    /// All writes, in arrival order (never pruned: resolved conflicts are derived from them).
    private(set) var writes: [FieldWrite] = []
    /// Indices into `writes` of the frontier.
    private(set) var frontier: [Int32] = []

    /// Adds a write; `clockOf` gives an entry index's vector clock.
    mutating func insert(_ write: FieldWrite, clockOf: (Int32) -> DenseClock) {
        let clock = clockOf(write.entry)
        var kept: [Int32] = []
        kept.reserveCapacity(frontier.count + 1)
        var dominated = false
        for index in frontier {
            switch clock.compare(clockOf(writes[Int(index)].entry)) {
            case .before: dominated = true
            case .after: continue
            case .equal, .concurrent: kept.append(index)
            }
            if dominated { break }
        }
        writes.append(write)
        if !dominated {
            kept.append(Int32(writes.count - 1))
            frontier = kept
        }
    }

    /// The frontier's writes.
    var frontierWrites: [FieldWrite] { frontier.map { writes[Int($0)] } }

    /// The frontier as it was for the author of `writes[index]`: the maximal writes among those
    /// that write causally follows.
    func frontier(before index: Int, clockOf: (Int32) -> DenseClock) -> [FieldWrite] {
        let horizon = clockOf(writes[index].entry)
        let below = writes.filter { clockOf($0.entry).compare(horizon) == .before }
        return below.filter { candidate in
            let clock = clockOf(candidate.entry)
            return !below.contains { clock.compare(clockOf($0.entry)) == .before }
        }
    }
}
