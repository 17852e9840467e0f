/// A vector clock laid out for one record: counters indexed by the record's own node table, so
/// comparing two clocks is a loop over integers (the merge core's hottest path). A record keeps
/// every applied entry's counters in one flat array (`RecordState`), and a clock is a slice of
/// it: applying an entry allocates no clock of its own.
struct DenseClock: Sendable {
    var counters: ArraySlice<UInt64>

    init(counters: ArraySlice<UInt64>) {
        self.counters = counters
    }

    init(counters: [UInt64]) {
        self.counters = counters[...]
    }

    func compare(_ other: DenseClock) -> CausalOrder {
        counters.withUnsafeBufferPointer { a in
            other.counters.withUnsafeBufferPointer { b in DenseClock.compare(a, b) }
        }
    }

    /// How `a` relates to `b`, a counter missing past either's end counting as zero.
    @inline(__always)
    static func compare(_ a: UnsafeBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>) -> CausalOrder {
        var less = false
        var greater = false
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

/// Where one entry's dense clock lies in its record's flat array of counters.
struct ClockSpan: Sendable {
    let start: Int32
    let width: Int32

    /// The clock's counters in `words`.
    @inline(__always)
    func counters(in words: UnsafeBufferPointer<UInt64>) -> UnsafeBufferPointer<UInt64> {
        UnsafeBufferPointer(rebasing: words[Int(start)..<Int(start) + Int(width)])
    }
}
