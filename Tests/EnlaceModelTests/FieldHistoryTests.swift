@testable import EnlaceModel
import EnlaceTestSupport
import Testing

/// The fast derivations of a register's history (used for resolved conflicts) agree with the
/// definitions they replace, on random causal histories.
@Suite("Field history")
struct FieldHistoryTests {
    /// Random clocks over three nodes: some ordered, many concurrent, some equal.
    func randomClocks(_ rng: inout SplitMix64, count: Int) -> [DenseClock] {
        (0..<count).map { _ in DenseClock(counters: (0..<3).map { _ in rng.next() % 4 }) }
    }

    @Test("concurrent pairs and the frontier before each write match comparing every pair, on 2,000 random histories")
    func matchesDefinitions() {
        var rng = SplitMix64(seed: 0x5EED)
        for _ in 0..<2_000 {
            let clocks = randomClocks(&rng, count: Int(rng.next() % 9) + 1)
            var history = FieldHistory()
            // Laid out as a record lays them: one flat array of counters, three per clock.
            let words = clocks.flatMap(\.counters)
            words.withUnsafeBufferPointer { words in
                for index in clocks.indices {
                    history.insert(FieldWrite(entry: Int32(index), value: .int(Int64(index)), prior: nil),
                                   clock: ClockSpan(start: Int32(index * 3), width: 3), words: words)
                }
            }
            // The frontier kept while inserting is the set of maximal writes, in arrival order.
            let maximal = clocks.indices.filter { i in !clocks.indices.contains { clocks[i].compare(clocks[$0]) == .before } }
            #expect(history.frontierWrites.map(\.entry) == maximal.map(Int32.init), "frontier: \(clocks.map(\.counters))")
            let bruteConcurrent = clocks.indices.contains { i in
                clocks.indices.contains { j in i != j && clocks[i].compare(clocks[j]) == .concurrent }
            }
            #expect(FieldHistory.hasConcurrentPair(clocks) == bruteConcurrent, "\(clocks.map(\.counters))")
            let totals = clocks.map(\.total)
            let all = history.frontiers(clocks: clocks, totals: totals)
            for index in clocks.indices {
                // The definition: the writes below the horizon that no other write below it follows.
                let below = clocks.indices.filter { clocks[$0].compare(clocks[index]) == .before }
                let expected = below.filter { candidate in !below.contains { clocks[candidate].compare(clocks[$0]) == .before } }
                let fast = history.frontier(before: index, clocks: clocks, totals: totals).map(\.entry)
                #expect(fast == expected.map(Int32.init), "\(clocks.map(\.counters)) before \(index)")
                #expect(all[index].map(\.entry) == expected.map(Int32.init), "all frontiers: \(clocks.map(\.counters)) before \(index)")
            }
        }
    }

    @Test("a clock's total never overflows, whatever its counters")
    func totalDoesNotOverflow() {
        let clock = DenseClock(counters: [UInt64.max, UInt64.max, UInt64.max])
        #expect(clock.total == UInt128(UInt64.max) * 3)
    }
}
