/// One write of one register, as applied to a record.
struct FieldWrite: Sendable {
    /// Index of the writing entry in the record's entry list.
    let entry: Int32
    /// The value written.
    let value: JSONValue
    /// The value the writer saw before (rules `open_wins`, `revocation_review`).
    let prior: JSONValue?
}

/// A frontier write: its index in the register's writes and where its entry's clock lies.
struct FrontierSlot: Sendable {
    let write: Int32
    let clock: ClockSpan
}

/// Every write a replica has applied to one register, and its frontier: the writes no other
/// write causally follows.
struct FieldHistory: Sendable {
    /// All writes, in arrival order (never pruned: resolved conflicts are derived from them).
    private(set) var writes: [FieldWrite] = []
    /// The frontier's first write, kept inline: a register's frontier is one write unless
    /// writes compete, so the common insert reads no second array.
    private var head = FrontierSlot(write: 0, clock: ClockSpan(start: 0, width: 0))
    /// The frontier's further writes, while writes compete.
    private var tail: [FrontierSlot] = []
    /// How many writes the frontier holds (`head`, then `tail`).
    private var frontierCount: Int32 = 0

    /// Adds a write whose entry's clock is `clock` in `words` (the record's flat counters).
    /// The frontier is filtered in place (this runs for every operation applied): a write that
    /// some frontier write dominates cannot itself dominate another frontier write (the
    /// frontier has no ordered pair), so nothing was dropped when the loop stops there.
    @inline(__always)
    mutating func insert(_ write: FieldWrite, clock: ClockSpan, words: UnsafeBufferPointer<UInt64>) {
        let mine = clock.counters(in: words)
        let count = Int(frontierCount)
        var kept = 0
        var dominated = false
        var position = 0
        while position < count {
            let slot = position == 0 ? head : tail[position - 1]
            switch DenseClock.compare(mine, slot.clock.counters(in: words)) {
            case .before: dominated = true
            case .after: break
            case .equal, .concurrent:
                if kept == 0 { head = slot } else { tail[kept - 1] = slot }
                kept += 1
            }
            if dominated { break }
            position += 1
        }
        writes.append(write)
        guard !dominated else { return }
        let slot = FrontierSlot(write: Int32(writes.count - 1), clock: clock)
        if kept == 0 {
            head = slot
            if count > 1 { tail.removeAll(keepingCapacity: true) }
        } else {
            tail.removeSubrange((kept - 1)...)
            tail.append(slot)
        }
        frontierCount = Int32(kept + 1)
    }

    /// The frontier's writes.
    var frontierWrites: [FieldWrite] {
        frontierCount == 0 ? [] : [writes[Int(head.write)]] + tail.map { writes[Int($0.write)] }
    }

    /// Whether two of the writes are concurrent. Sorted by clock total (a linear extension of
    /// causality), the writes form a chain exactly when every neighbouring pair is ordered:
    /// O(n log n) instead of comparing every pair. `clocks[i]` is `writes[i]`'s clock.
    static func hasConcurrentPair(_ clocks: [DenseClock]) -> Bool {
        let ordered = clocks.map { ($0.total, $0) }.sorted { $0.0 < $1.0 }
        return ordered.indices.dropFirst().contains { ordered[$0 - 1].1.compare(ordered[$0].1) == .concurrent }
    }

    /// The frontier as it was for the author of `writes[index]`: the maximal writes among those
    /// that write causally follows, in arrival order. `clocks[i]` and `totals[i]` are
    /// `writes[i]`'s clock and its total.
    ///
    /// Taken latest first (by total), a write below the horizon is maximal unless a maximal
    /// write already taken follows it: whatever follows it has a larger total and was taken
    /// first, or is itself below a taken one. O(n · frontier) instead of O(n²).
    func frontier(before index: Int, clocks: [DenseClock], totals: [UInt128]) -> [FieldWrite] {
        let horizon = clocks[index]
        let below = writes.indices.filter { clocks[$0].compare(horizon) == .before }.sorted { totals[$0] > totals[$1] }
        var maximal: [Int] = []
        for candidate in below where !maximal.contains(where: { clocks[candidate].compare(clocks[$0]) == .before }) {
            maximal.append(candidate)
        }
        return maximal.sorted().map { writes[$0] }
    }

    /// The frontier before every write (`frontiers(...)[i] == frontier(before: i, ...)`), in
    /// time linear in the writes when edits are mostly sequential.
    ///
    /// Taken in order of total, every write that may precede the next one is already taken, so
    /// the maximal writes taken so far (`front`) are the frontier before the next write whenever
    /// all of them precede it: its down-set is then everything taken. Only a write concurrent
    /// with part of `front` falls back to `frontier(before:)`.
    func frontiers(clocks: [DenseClock], totals: [UInt128]) -> [[FieldWrite]] {
        var result = [[FieldWrite]](repeating: [], count: writes.count)
        var front: [Int] = []
        for index in writes.indices.sorted(by: { (totals[$0], $0) < (totals[$1], $1) }) {
            let clock = clocks[index]
            if front.allSatisfy({ clocks[$0].compare(clock) == .before }) {
                result[index] = front.sorted().map { writes[$0] }
                front = [index]
            } else {
                result[index] = frontier(before: index, clocks: clocks, totals: totals)
                front.removeAll { clocks[$0].compare(clock) == .before }
                // An equal clock stays beside it: both are maximal.
                front.append(index)
            }
        }
        return result
    }
}
