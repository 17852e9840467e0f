#if canImport(Glibc)
import Glibc
#endif
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Synchronization
import Testing

/// The central store on a real PostgreSQL server (`make test` starts a throwaway cluster): a
/// feed that skips nothing, several central processes serving nodes at once, and the restore
/// drill with PostgreSQL's own tools.
@Suite("PostgreSQL central store", .serialized, .enabled(if: TestPostgres.server != nil, "ENLACE_TEST_POSTGRES names no server"))
struct PostgresCentralTests {
    /// A central-shaped store on a new database, and more stores on it (each as another process).
    func stores(_ count: Int) throws -> [PostgresStore] {
        let location = try TestPostgres.newDatabase()
        let key = ReplicaKey.generate()
        let first = try PostgresStore(location: location, create: true, keys: [key])
        try first.initialize(ReplicaIdentity(nodeID: .central, department: "CENTRAL", centralURL: "", token: "", createdAt: "2026-12-01T00:00:00Z"))
        return [first] + (try (1..<count).map { _ in try PostgresStore(location: location, keys: [key]) })
    }

    /// `origin`'s next edit of its own case, sealed.
    func next(_ origin: TestOrigin) -> ChainedEntry {
        let risks = ["bajo", "medio", "alto", "extremo"]
        let record = RecordKey(.caseFile, ULID.make(millis: 1_764_000_000_000, random: (UInt64(origin.node.rawValue.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }), 7)))
        return origin.seal(origin.edit(record, [.set(field: "risk_level", value: .string(risks[origin.sealed.count % risks.count]))]))
    }

    func append(_ entries: [ChainedEntry], to store: PostgresStore) throws {
        _ = try store.write { transaction in
            try transaction.takeTestKeys(of: entries)
            return try ReplicaWriter.append(entries, in: transaction)
        }
    }

    @Test("a transaction held open makes later appends from other processes wait, so none becomes visible before it and the feed skips nothing")
    func heldTransaction() throws {
        let stores = try stores(3)
        let (early, late) = (TestOrigin("dif-01"), TestOrigin("c4-01"))
        let holding = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let lateCommitted = Atomic<Bool>(false)
        let failures = Mutex<[String]>([])
        let first = next(early), second = next(late)
        DispatchQueue.global().async {
            do {
                _ = try stores[0].write { transaction in
                    try transaction.takeTestKeys(of: [first])
                    _ = try ReplicaWriter.append([first], in: transaction)
                    holding.signal()
                    release.wait()
                }
            } catch { failures.withLock { $0.append("early: \(error)") } }
            done.signal()
        }
        holding.wait()
        DispatchQueue.global().async {
            do { try append([second], to: stores[1]) } catch { failures.withLock { $0.append("late: \(error)") } }
            lateCommitted.store(true, ordering: .sequentiallyConsistent)
            done.signal()
        }
        usleep(500_000)
        // The later append waits for the open one; a reader sees neither yet.
        let committedEarly = lateCommitted.load(ordering: .sequentiallyConsistent)
        #expect(!committedEarly)
        #expect(try stores[2].feed(after: .start, excluding: nil, limit: 10, scope: nil).entries.isEmpty)
        release.signal()
        done.wait()
        done.wait()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let page = try stores[2].feed(after: .start, excluding: nil, limit: 10, scope: nil)
        #expect(page.entries.map(\.envelope) == [first.envelope.bytes, second.envelope.bytes])
    }

    @Test("three stores append at once beside two busy processes while a reader tails the feed: it sees every entry exactly once, in position order")
    func tailUnderLoad() throws {
        let busy = try BusyProcesses(count: 2)
        defer { withExtendedLifetime(busy) {} }
        let stores = try stores(4)
        let perWriter = 120
        let finished = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let written = Mutex<Set<[UInt8]>>([])
        let group = DispatchGroup()
        for (index, store) in stores.prefix(3).enumerated() {
            group.enter()
            DispatchQueue.global().async {
                defer { finished.add(1, ordering: .sequentiallyConsistent); group.leave() }
                let origin = TestOrigin("n-\(index)")
                var random = SplitMix64(seed: UInt64(index))
                while origin.sealed.count < perWriter {
                    let batch = (0..<Int.random(in: 1...5, using: &random)).map { _ in next(origin) }
                    do {
                        try append(batch, to: store)
                        written.withLock { for entry in batch { $0.insert(entry.envelope.bytes) } }
                    } catch {
                        failures.withLock { $0.append("n-\(index): \(error)") }
                        return
                    }
                }
            }
        }
        var seen: [[UInt8]] = []
        var cursor = FeedCursor.start
        var lastPosition: Int64 = 0
        while true {
            let writersDone = finished.load(ordering: .sequentiallyConsistent) == 3
            let page = try stores[3].feed(after: cursor, excluding: nil, limit: 7, scope: nil)
            seen += page.entries.map(\.envelope)
            #expect(page.next.position >= lastPosition)
            lastPosition = page.next.position
            cursor = page.next
            if writersDone && !page.more { break }
        }
        group.wait()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 }.prefix(3))")
        #expect(seen.count >= 3 * perWriter && seen.count == written.withLock { $0.count })
        #expect(Set(seen).count == seen.count, "an entry came twice")
        #expect(Set(seen) == written.withLock { $0 }, "the tailing reader missed entries")
        #expect(try stores[3].verify().isSound)
    }

    @Test("a signed request's nonce is claimed once across central processes")
    func noncesAreShared() throws {
        let stores = try stores(2)
        #expect(try stores[0].claimNonce("c4-01 abc", at: 1_000, window: 600_000))
        #expect(try !stores[1].claimNonce("c4-01 abc", at: 1_001, window: 600_000))
        #expect(try stores[1].claimNonce("c4-01 abd", at: 1_002, window: 600_000))
    }
}
