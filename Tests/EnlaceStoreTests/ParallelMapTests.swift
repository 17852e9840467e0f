import EnlaceReplica
import Testing

/// `ParallelMap`: the same elements, in the same order, as `map`, whether it runs on one thread
/// or on every core.
@Suite("Parallel map")
struct ParallelMapTests {
    @Test("every element is transformed once and kept in its place", arguments: [0, 1, 15, 16, 17, 31, 1_000])
    func sameAsMap(count: Int) {
        let elements = (0..<count).map { "record \($0)" }
        #expect(ParallelMap.map(elements) { $0 + " sealed" } == elements.map { $0 + " sealed" })
        #expect(ParallelMap.map(elements, minimum: 2) { $0.count } == elements.map(\.count))
    }
}
