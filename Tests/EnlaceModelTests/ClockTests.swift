import EnlaceModel
import Foundation
import Testing

@Suite("Vector clocks, timestamps and ids")
struct ClockTests {
    let a = NodeID("a")!
    let b = NodeID("b")!

    @Test("compare gives before, after, equal and concurrent")
    func compare() {
        let x = VectorClock([a: 1])
        let y = VectorClock([a: 2])
        let z = VectorClock([a: 1, b: 1])
        let w = VectorClock([b: 2])
        #expect(x.compare(y) == .before)
        #expect(y.compare(x) == .after)
        #expect(x.compare(VectorClock([a: 1])) == .equal)
        #expect(y.compare(z) == .concurrent)
        #expect(x.compare(z) == .before)
        #expect(w.compare(x) == .concurrent)
        #expect(VectorClock().compare(x) == .before)
    }

    @Test("merge is the per-node maximum; increment advances one node")
    func mergeAndIncrement() {
        let merged = VectorClock([a: 3, b: 1]).merged(with: VectorClock([b: 4]))
        #expect(merged == VectorClock([a: 3, b: 4]))
        let c = ReplicaID(NodeID("c")!)
        #expect(merged.incremented(for: c)[c] == 1)
        #expect(merged.incremented(for: ReplicaID(a))[ReplicaID(a)] == 4)
        // A replica's later epoch is another replica: its counters start again.
        let restored = ReplicaID(a, epoch: 2)
        #expect(merged.incremented(for: restored)[restored] == 1 && merged.incremented(for: restored)[ReplicaID(a)] == 3)
    }

    @Test("encoding is compact and deterministic, and round-trips")
    func encoding() throws {
        let clock = VectorClock([b: 2, a: 7])
        #expect(clock.description == "a:7,b:2")
        #expect(VectorClock(compact: clock.description) == clock)
        #expect(VectorClock(compact: "a:0") == nil)
        let epochs = VectorClock([ReplicaID(a, epoch: 2): 1, ReplicaID(a): 4])
        #expect(epochs.description == "a:4,a~2:1")
        #expect(VectorClock(compact: epochs.description) == epochs)
        #expect(VectorClock(compact: "a~1:3") == nil)
    }

    @Test("hybrid timestamps advance past the last one and past received ones")
    func hybridTimestamps() {
        let first = HybridTimestamp.next(after: nil, physicalMillis: 1000)
        let second = HybridTimestamp.next(after: first, physicalMillis: 999)
        #expect(second > first)
        #expect(second.millis == 1000 && second.counter == 1)
        let received = HybridTimestamp.receiving(HybridTimestamp(millis: 5000, counter: 3), after: second, physicalMillis: 1001)
        #expect(received == HybridTimestamp(millis: 5000, counter: 4))
        #expect(HybridTimestamp.next(after: received, physicalMillis: 6000) == HybridTimestamp(millis: 6000))
    }

    @Test("RFC 3339 formats, parses offsets and rejects impossible dates")
    func rfc3339() {
        #expect(RFC3339.format(millis: 0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(millis: 1_764_437_162_123) == "2025-11-29T17:26:02.123Z")
        #expect(RFC3339.canonicalTimestamp("2026-11-29T11:46:02-06:00") == "2026-11-29T17:46:02.000Z")
        #expect(RFC3339.canonicalTimestamp("2024-02-29T00:00:00.5Z") == "2024-02-29T00:00:00.500Z")
        #expect(RFC3339.parseTimestamp("2026-02-29T00:00:00Z") == nil)
        #expect(RFC3339.parseTimestamp("2026-11-29 17:46:02Z") == nil)
        #expect(RFC3339.isDate("2026-12-31"))
        #expect(!RFC3339.isDate("2026-13-01"))
        for millis: Int64 in [-86_400_001, 951_782_400_000, 4_102_444_799_999] {
            #expect(RFC3339.parseTimestamp(RFC3339.format(millis: millis)) == millis)
        }
        #expect(RFC3339.format(millis: -1) == "1969-12-31T23:59:59.999Z")
        // Any time from outside formats without trapping (a crafted entry or register line).
        for millis in [Int64.min, Int64.min + 1, Int64.max] { #expect(!RFC3339.format(millis: millis).isEmpty) }
    }

    @Test("ULIDs are made from time and randomness and validated")
    func ulids() {
        let id = ULID.make(millis: 1_764_437_162_123, random: (0xDEAD_BEEF_CAFE_F00D, 0x1234))
        #expect(ULID.isValid(id))
        #expect(id.count == 26)
        #expect(ULID.make(millis: 1, random: (0, 0)) < ULID.make(millis: 2, random: (0, 0)))
        #expect(!ULID.isValid("01JDQ8Z6N4W2C4X9V3K5M7P8RI"))  // I is not Crockford
        #expect(!ULID.isValid("81JDQ8Z6N4W2C4X9V3K5M7P8RA"))  // overflows 48 bits
    }

    @Test("node ids are lower-case letters, digits and dashes")
    func nodeIDs() {
        #expect(NodeID("c4-01") != nil)
        #expect(NodeID("C4") == nil)
        #expect(NodeID("-c4") == nil)
        #expect(NodeID("") == nil)
        #expect(NodeID(String(repeating: "a", count: 33)) == nil)
    }
}
