/// A vector clock laid out for one record: counters indexed by the record's own node table, so
/// comparing two clocks is a loop over integers (the merge core's hottest path).
struct DenseClock: Sendable {
    var counters: [UInt64]

    func compare(_ other: DenseClock) -> CausalOrder {
        var less = false
        var greater = false
        let a = counters
        let b = other.counters
        let count = Swift.max(a.count, b.count)
        var index = 0
        while index < count {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            if x < y { less = true } else if x > y { greater = true }
            if less && greater { return .concurrent }
            index += 1
        }
        switch (less, greater) {
        case (false, false): return .equal
        case (true, false): return .before
        case (false, true): return .after
        case (true, true): return .concurrent
        }
    }

    /// The sum of the counters: strictly larger for a clock that causally follows, so sorting
    /// by it is a linear extension of causality. 128 bits: no sum of 64-bit counters overflows.
    var total: UInt128 {
        counters.reduce(0) { $0 + UInt128($1) }
    }
}
